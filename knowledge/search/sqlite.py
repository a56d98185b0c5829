"""SQLite: FTS5 tables (migration 0002) fed with Snowball stems made in Python
(knowledge/search/text.py), ranked by bm25 with column weights, and a trigram table of
the titles as typed for typos. Snippets are made in Python (highlight.py)."""

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils.safestring import SafeString

from knowledge.search import highlight
from knowledge.search.base import Document, Filters
from knowledge.search.text import Term, index_stems, index_words, trigrams

FTS = "knowledge_article_fts"
TITLES = "knowledge_article_title_trgm"
#: bm25 weights of the columns title, keywords, body.
WEIGHTS = (10.0, 4.0, 1.0)


def _phrase(token: str) -> str:
    # Tokens are letters and digits only (text.index_words); quoting keeps FTS5's own
    # operator words (AND, NOT, NEAR) from being read as operators.
    return '"' + token.replace('"', "") + '"'


def _term_query(term: Term) -> str:
    return "(" + " OR ".join(_phrase(form) for form in term.forms) + ")"


def fts_query(terms: Sequence[Term], *, require_all: bool) -> str:
    return (" AND " if require_all else " OR ").join(_term_query(t) for t in terms)


class SqliteBackend:
    def match(
        self, terms: Sequence[Term], filters: Filters, *, require_all: bool, limit: int
    ) -> list[tuple[int, float]]:
        where, params = filters.where()
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT a.id, -bm25({FTS}, {weights}) AS score FROM {FTS} "
            f"JOIN knowledge_article a ON a.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {where} ORDER BY score DESC, a.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts_query(terms, require_all=require_all), *params, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def unknown(self, terms: Sequence[Term], filters: Filters) -> list[Term]:
        where, params = filters.where()
        sql = (
            f"SELECT 1 FROM {FTS} JOIN knowledge_article a ON a.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {where} LIMIT 1"
        )
        missing = []
        with connection.cursor() as cursor:
            for term in terms:
                cursor.execute(sql, [_term_query(term), *params])
                if cursor.fetchone() is None:
                    missing.append(term)
        return missing

    def similar_titles(
        self, terms: Sequence[Term], filters: Filters, *, limit: int
    ) -> list[tuple[int, str]]:
        grams = sorted({g.strip() for t in terms for g in trigrams(t.word) if len(g.strip()) == 3})
        if not grams:
            return []
        where, params = filters.where()
        sql = (
            f"SELECT a.id, a.title FROM {TITLES} JOIN knowledge_article a "
            f"ON a.id = {TITLES}.rowid WHERE {TITLES} MATCH %s AND {where} "
            f"ORDER BY bm25({TITLES}), a.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [" OR ".join(_phrase(g) for g in grams), *params, limit])
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def highlight(
        self, documents: Sequence[Document], terms: Sequence[Term]
    ) -> list[tuple[SafeString, SafeString]]:
        return [
            (
                highlight.highlight_all(doc.title, terms, doc.language),
                highlight.snippet(doc.text, terms, doc.language),
            )
            for doc in documents
        ]

    def index(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        if not rows:
            return
        self.remove([row[0] for row in rows])
        stemmed = [
            (
                pk,
                " ".join(index_stems(title, language)),
                " ".join(index_stems(keywords, language)),
                " ".join(index_stems(body, language)),
            )
            for pk, title, keywords, body, language in rows
        ]
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS} (rowid, title, keywords, body) VALUES (%s, %s, %s, %s)",
                stemmed,
            )
            cursor.executemany(
                f"INSERT INTO {TITLES} (rowid, title) VALUES (%s, %s)",
                [(pk, " ".join(index_words(title))) for pk, title, *_ in rows],
            )

    def remove(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            for table in (FTS, TITLES):
                cursor.execute(f"DELETE FROM {table} WHERE rowid IN ({marks})", list(ids))

    def rebuild(self, *, batch: int) -> int:
        from knowledge.models import Article

        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS}")
            cursor.execute(f"DELETE FROM {TITLES}")
        done, last = 0, 0
        columns = ("id", "title", "keywords", "body", "language")
        while True:
            rows = list(
                Article.objects.filter(pk__gt=last).order_by("pk").values_list(*columns)[:batch]
            )
            if not rows:
                return done
            with transaction.atomic():
                self.index(rows)
            done += len(rows)
            last = rows[-1][0]
