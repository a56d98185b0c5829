"""The full-text search index of knowledge articles, per database (knowledge/search/).

PostgreSQL: a tsvector column filled by a trigger on every insert and on every update of
the text (whoever writes the row), weighted title A, keywords B, text C, with the text
search configuration of the article's language; a GIN index on it, and pg_trgm's GIN index
on the title for typos. SQLite: two FTS5 tables fed by knowledge/receivers.py (stemming
happens in Python there). Other databases get neither; the search module says so."""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

POSTGRESQL = [
    "ALTER TABLE knowledge_article ADD COLUMN search_vector tsvector",
    # Keep in step with knowledge/search/text.py: STEMMERS and index_words().
    """
    CREATE FUNCTION knowledge_search_config(language text) RETURNS regconfig
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT CASE language
        WHEN 'en' THEN 'pg_catalog.english'::regconfig
        WHEN 'ru' THEN 'pg_catalog.russian'::regconfig
        WHEN 'de' THEN 'pg_catalog.german'::regconfig
        WHEN 'fr' THEN 'pg_catalog.french'::regconfig
        ELSE 'pg_catalog.simple'::regconfig
      END
    $$
    """,
    """
    CREATE FUNCTION knowledge_search_words(value text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT regexp_replace(
        regexp_replace(translate(coalesce(value, ''), 'Ёё', 'Ее'), '\\]\\([^)]*\\)', ' ', 'g'),
        '[^[:alnum:]]+', ' ', 'g'
      )
    $$
    """,
    """
    CREATE FUNCTION knowledge_article_search_vector(
      title text, keywords text, body text, language text
    ) RETURNS tsvector
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
      SELECT
        setweight(to_tsvector(knowledge_search_config(language), knowledge_search_words(title)), 'A')
        || setweight(to_tsvector(knowledge_search_config(language), knowledge_search_words(keywords)), 'B')
        || setweight(to_tsvector(knowledge_search_config(language), knowledge_search_words(body)), 'C')
    $$
    """,
    """
    CREATE FUNCTION knowledge_article_search_trigger() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      NEW.search_vector := knowledge_article_search_vector(
        NEW.title, NEW.keywords, NEW.body, NEW.language
      );
      RETURN NEW;
    END
    $$
    """,
    """
    CREATE TRIGGER knowledge_article_search
    BEFORE INSERT OR UPDATE OF title, keywords, body, language ON knowledge_article
    FOR EACH ROW EXECUTE FUNCTION knowledge_article_search_trigger()
    """,
    "CREATE INDEX knowledge_article_search ON knowledge_article USING gin (search_vector)",
    "CREATE INDEX knowledge_article_title_trgm ON knowledge_article USING gin (title gin_trgm_ops)",
]

POSTGRESQL_REVERSE = [
    "DROP TRIGGER IF EXISTS knowledge_article_search ON knowledge_article",
    "DROP FUNCTION IF EXISTS knowledge_article_search_trigger()",
    "DROP FUNCTION IF EXISTS knowledge_article_search_vector(text, text, text, text)",
    "DROP FUNCTION IF EXISTS knowledge_search_words(text)",
    "DROP FUNCTION IF EXISTS knowledge_search_config(text)",
    "DROP INDEX IF EXISTS knowledge_article_title_trgm",
    "ALTER TABLE knowledge_article DROP COLUMN IF EXISTS search_vector",
]

SQLITE = [
    # Stemmed words, written by knowledge/search/sqlite.py; rowid = the article's id.
    "CREATE VIRTUAL TABLE knowledge_article_fts USING fts5("
    "title, keywords, body, tokenize = 'unicode61 remove_diacritics 0')",
    # The titles as typed, for typo tolerance (trigram matching).
    "CREATE VIRTUAL TABLE knowledge_article_title_trgm USING fts5(title, tokenize = 'trigram')",
]

SQLITE_REVERSE = [
    "DROP TABLE IF EXISTS knowledge_article_fts",
    "DROP TABLE IF EXISTS knowledge_article_title_trgm",
]

STATEMENTS = {"postgresql": (POSTGRESQL, POSTGRESQL_REVERSE), "sqlite": (SQLITE, SQLITE_REVERSE)}


def forwards(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[0]:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    for sql in STATEMENTS.get(schema_editor.connection.vendor, ([], []))[1]:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("knowledge", "0001_k1_knowledge_initial")]

    operations = [
        TrigramExtension(),  # a no-op on any database but PostgreSQL
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
