"""A full-text index on some text columns of one table, the same on PostgreSQL and SQLite,
for the records the global search looks through (tickets, comments, problems, changes).

PostgreSQL: a `search_vector` tsvector column, filled by a trigger on every insert and on
every update of the columns (whoever writes the row), weighted (A, B…) in the column order,
with the `russian` text search configuration — Russian stemming for Cyrillic words, English
stemming for Latin ones — and a GIN index; a pg_trgm index on the first column finds its
words despite typos. SQLite: an FTS5 table over the columns (external content, so the text
is stored once), kept by triggers, with the porter tokenizer (English stemming); Cyrillic
words are looked up by their Snowball stem as a prefix. Both are made by `ensure()` after
every `migrate` (servicedesk/apps.py): SQLite drops a table's triggers whenever a migration
remakes the table, and an index created there is back at once.

The model never names the column: rows load as they always did."""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from servicedesk.search.text import Term, is_cyrillic, stem

#: A search ranks at most this many matches (the newest): its cost stays bounded however
#: common the words are.
CANDIDATE_CAP = 500
#: The PostgreSQL text search configuration: Snowball Russian for Cyrillic words, English
#: for Latin ones (as servicedesk/search/highlight.py marks them with language "ru").
CONFIG = "pg_catalog.russian"
#: How many of the newest rows a search of the whole table looks through first, and how
#: many matches there must be among them to stop there (FullTextIndex.newest).
RECENT_WINDOW = 20_000
ENOUGH_RECENT = 100
#: pg_trgm word similarity a misspelt word must reach to count as found.
TYPO_SIMILARITY = 0.5
WEIGHT_LETTERS = "ABCD"
SQLITE_WEIGHTS = (10.0, 2.0, 1.0, 0.5)


@dataclass(frozen=True)
class FullTextIndex:
    table: str
    #: The text columns, most telling first (their weights follow this order).
    columns: tuple[str, ...]
    primary_key: str = "id"

    @property
    def name(self) -> str:
        return f"{self.table}_search"

    # ----- finding -------------------------------------------------------------------

    def match_sql(self, terms: Sequence[Term], *, require_all: bool = True) -> tuple[str, list]:
        """A condition on the table's id: the rows with every term (or any of them)."""
        if connection.vendor == "postgresql":
            condition = f"{self.table}.search_vector @@ to_tsquery('{CONFIG}', %s)"
            return condition, [pg_query(terms, require_all=require_all)]
        fts = f"{self.name}_fts"
        condition = (
            f"{self.table}.{self.primary_key} IN (SELECT rowid FROM {fts} WHERE {fts} MATCH %s)"
        )
        return condition, [fts5_query(terms, require_all=require_all)]

    def newest(
        self, terms: Sequence[Term], *, require_all: bool = True, limit: int = CANDIDATE_CAP
    ) -> list[int] | None:
        """Ids of the newest rows with the words among the newest RECENT_WINDOW rows of the
        whole table, newest first; None when fewer than ENOUGH_RECENT are there (or not on
        PostgreSQL): then search the whole table. Words found together in many rows are
        misjudged as rare by the planner (it multiplies their frequencies), which then
        reads every match from the table; the newest rows are read in order instead."""
        if connection.vendor != "postgresql" or not terms:
            return None
        pk = self.primary_key
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {pk} FROM (SELECT {pk}, search_vector FROM {self.table} "
                f"ORDER BY {pk} DESC LIMIT %s) recent "
                f"WHERE search_vector @@ to_tsquery('{CONFIG}', %s) ORDER BY {pk} DESC LIMIT %s",
                [RECENT_WINDOW, pg_query(terms, require_all=require_all), limit],
            )
            ids = [row[0] for row in cursor.fetchall()]
        return ids if len(ids) >= min(ENOUGH_RECENT, limit) else None

    def typo_sql(self, terms: Sequence[Term]) -> tuple[str, list] | None:
        """A condition on the rows whose first column has a word like each term's (typos;
        PostgreSQL only: None elsewhere)."""
        if connection.vendor != "postgresql" or not terms:
            return None
        column = self.columns[0]
        condition = " AND ".join(f"%s <%% {self.table}.{column}" for _ in terms)
        return f"({condition})", [term.word for term in terms]

    def ranks(
        self, ids: Sequence[int], terms: Sequence[Term], *, require_all: bool = True
    ) -> dict[int, float]:
        """The text rank of each of these rows (higher is better) for the terms."""
        if not ids or not terms:
            return {}
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"SELECT {self.primary_key}, ts_rank_cd(search_vector, "
                    f"to_tsquery('{CONFIG}', %s), 1) FROM {self.table} "
                    f"WHERE {self.primary_key} = ANY(%s)",
                    [pg_query(terms, require_all=require_all), list(ids)],
                )
            else:
                fts = f"{self.name}_fts"
                weights = ", ".join(str(w) for w in SQLITE_WEIGHTS[: len(self.columns)])
                marks = ", ".join("%s" for _ in ids)
                cursor.execute(
                    f"SELECT rowid, -bm25({fts}, {weights}) FROM {fts} "
                    f"WHERE {fts} MATCH %s AND rowid IN ({marks})",
                    [fts5_query(terms, require_all=require_all), *ids],
                )
            return {row[0]: float(row[1]) for row in cursor.fetchall()}

    # ----- keeping ---------------------------------------------------------------------

    def ensure(self, db: BaseDatabaseWrapper) -> bool:
        """Make the index where it is missing; True when it had to be made."""
        statements = {"postgresql": self._postgresql, "sqlite": self._sqlite}.get(db.vendor)
        if statements is None or self._exists(db):
            return False
        with db.cursor() as cursor:
            for sql in statements():
                cursor.execute(sql)
        return True

    def fill_sql(self) -> str:
        """PostgreSQL: an UPDATE that computes the vector of the rows with ids between two
        parameters that have none (rows written while the trigger was off: a bulk load)."""
        pk = self.primary_key
        return (
            f"UPDATE {self.table} AS t SET search_vector = {self._vector('t')} "
            f"WHERE t.search_vector IS NULL AND t.{pk} BETWEEN %s AND %s"
        )

    def _exists(self, db: BaseDatabaseWrapper) -> bool:
        with db.cursor() as cursor:
            if db.vendor == "postgresql":
                cursor.execute(
                    "SELECT count(*) FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                    "WHERE c.relname = %s AND t.tgname = %s",
                    [self.table, self.name],
                )
                return cursor.fetchone()[0] == 1
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s",
                [f"{self.name}_a_"],
            )
            return cursor.fetchone()[0] == 3

    def _vector(self, row: str) -> str:
        parts = [
            f"setweight(to_tsvector('{CONFIG}', translate(coalesce({row}.{column}, ''), "
            f"'Ёё', 'Ее')), '{WEIGHT_LETTERS[index]}')"
            for index, column in enumerate(self.columns)
        ]
        return " || ".join(parts)

    def _postgresql(self) -> list[str]:
        columns = ", ".join(self.columns)
        function = f"{self.name}_vector"
        return [
            "CREATE EXTENSION IF NOT EXISTS pg_trgm",
            f"ALTER TABLE {self.table} ADD COLUMN IF NOT EXISTS search_vector tsvector",
            f"""CREATE OR REPLACE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN NEW.search_vector := {self._vector("NEW")}; RETURN NEW; END $$""",
            f"DROP TRIGGER IF EXISTS {self.name} ON {self.table}",
            f"""CREATE TRIGGER {self.name} BEFORE INSERT OR UPDATE OF {columns}
            ON {self.table} FOR EACH ROW EXECUTE FUNCTION {function}()""",
            f"UPDATE {self.table} AS t SET search_vector = {self._vector('t')}",
            f"CREATE INDEX IF NOT EXISTS {self.name} ON {self.table} USING gin (search_vector)",
            f"CREATE INDEX IF NOT EXISTS {self.name}_trgm ON {self.table} "
            f"USING gin ({self.columns[0]} gin_trgm_ops)",
        ]

    def _sqlite(self) -> list[str]:
        fts = f"{self.name}_fts"
        columns = ", ".join(self.columns)
        new = ", ".join(f"new.{c}" for c in self.columns)
        old = ", ".join(f"old.{c}" for c in self.columns)
        changed = " OR ".join(f"old.{c} IS NOT new.{c}" for c in self.columns)
        pk = self.primary_key
        return [
            f"DROP TABLE IF EXISTS {fts}",
            f"CREATE VIRTUAL TABLE {fts} USING fts5({columns}, content='{self.table}', "
            f"content_rowid='{pk}', tokenize='porter unicode61 remove_diacritics 2')",
            f"DROP TRIGGER IF EXISTS {self.name}_ai",
            f"DROP TRIGGER IF EXISTS {self.name}_ad",
            f"DROP TRIGGER IF EXISTS {self.name}_au",
            f"""CREATE TRIGGER {self.name}_ai AFTER INSERT ON {self.table} BEGIN
              INSERT INTO {fts}(rowid, {columns}) VALUES (new.{pk}, {new}); END""",
            f"""CREATE TRIGGER {self.name}_ad AFTER DELETE ON {self.table} BEGIN
              INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.{pk}, {old});
            END""",
            f"""CREATE TRIGGER {self.name}_au AFTER UPDATE OF {columns} ON {self.table}
            WHEN {changed} BEGIN
              INSERT INTO {fts}({fts}, rowid, {columns}) VALUES ('delete', old.{pk}, {old});
              INSERT INTO {fts}(rowid, {columns}) VALUES (new.{pk}, {new}); END""",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
        ]


@contextmanager
def through_the_index() -> Iterator[None]:
    """Around a search of the whole table (FullTextIndex.newest found too few): matches
    are read through the full-text index, never by walking the table in id order, which
    the planner picks for a word it does not know (it guesses 0.5 % of the rows have it)
    and which then reads every row when none has."""
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute("SET LOCAL enable_seqscan = off")
        try:
            yield
        finally:
            cursor.execute("RESET enable_indexscan")
            cursor.execute("RESET enable_seqscan")


def pg_query(terms: Sequence[Term], *, require_all: bool) -> str:
    """to_tsquery's text: the words (letters and digits only, text.index_words), which
    PostgreSQL stems as the index was."""
    return (" & " if require_all else " | ").join(term.word for term in terms)


def fts5_query(terms: Sequence[Term], *, require_all: bool) -> str:
    """An FTS5 query: Latin words as phrases (the porter tokenizer stems them as it stemmed
    the text), Cyrillic words as prefixes of their Snowball stem."""
    parts = []
    for term in terms:
        word = term.word.replace('"', "")
        if is_cyrillic(word):
            parts.append(f'"{stem(word, "russian")}"*')
        else:
            parts.append(f'"{word}"')
    return (" AND " if require_all else " OR ").join(parts)


_indexes: list[FullTextIndex] = []


def register_index(index: FullTextIndex) -> FullTextIndex:
    if index not in _indexes:
        _indexes.append(index)
    return index


def ensure_indexes(db: BaseDatabaseWrapper) -> list[str]:
    """Make every registered index that is missing; the names of those made."""
    tables = set(db.introspection.table_names())
    return [index.name for index in _indexes if index.table in tables and index.ensure(db)]
