"""SQLite: an FTS5 table (migration 0002) fed with Snowball stems made in Python
(knowledge/search/text.py), ranked by bm25 with column weights; the vocabulary of titles
and keywords, for typos (compared in Python). Snippets are made in Python
(highlight.py)."""

from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext

from django.db import connection, transaction
from django.utils.safestring import SafeString

from knowledge.search.base import CANDIDATE_CAP, Document, Filters
from servicedesk.search import highlight
from servicedesk.search.text import Term, index_stems, spelling_similarity, vocabulary

FTS = "knowledge_article_fts"
WORDS = "knowledge_search_word"
#: Words that start like a typo looked at, at most.
SPELLING_BUCKET = 5000
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
    def session(self) -> AbstractContextManager[None]:
        return nullcontext()

    def match(
        self,
        terms: Sequence[Term],
        filters: Filters,
        *,
        require_all: bool,
        limit: int,
    ) -> list[tuple[int, float]]:
        where, params = filters.where()
        weights = ", ".join(str(w) for w in WEIGHTS)
        sql = (
            f"SELECT id, score FROM (SELECT a.id, -bm25({FTS}, {weights}) AS score "
            f"FROM {FTS} JOIN knowledge_article a ON a.id = {FTS}.rowid "
            f"WHERE {FTS} MATCH %s AND {where} LIMIT {CANDIDATE_CAP}) "
            "ORDER BY score DESC, id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts_query(terms, require_all=require_all), *params, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def count(self, terms: Sequence[Term], filters: Filters, *, up_to: int) -> int:
        where, params = filters.where()
        sql = (
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS} JOIN knowledge_article a "
            f"ON a.id = {FTS}.rowid WHERE {FTS} MATCH %s AND {where} LIMIT %s)"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [fts_query(terms, require_all=True), *params, up_to])
            return int(cursor.fetchone()[0])

    def common(self, terms: Sequence[Term]) -> list[Term]:
        sql = f"SELECT count(*) FROM (SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT %s)"
        common = []
        with connection.cursor() as cursor:
            for term in terms:
                cursor.execute(sql, [_term_query(term), CANDIDATE_CAP + 1])
                if cursor.fetchone()[0] > CANDIDATE_CAP:
                    common.append(term)
        return common

    def unknown(self, terms: Sequence[Term]) -> list[Term]:
        missing = []
        with connection.cursor() as cursor:
            for term in terms:
                cursor.execute(
                    f"SELECT 1 FROM {FTS} WHERE {FTS} MATCH %s LIMIT 1", [_term_query(term)]
                )
                if cursor.fetchone() is None:
                    missing.append(term)
        return missing

    def spellings(self, words: Sequence[str], *, limit: int) -> dict[str, list[str]]:
        # Among the words that start with the same two letters (a typo there is rare,
        # and the index finds a few hundred words rather than comparing them all).
        sql = f"SELECT word FROM {WORDS} WHERE substr(word, 1, 2) = %s LIMIT {SPELLING_BUCKET}"
        found: dict[str, list[str]] = {}
        with connection.cursor() as cursor:
            for word in words:
                cursor.execute(sql, [word[:2]])
                alike = sorted(
                    (row[0] for row in cursor.fetchall()),
                    key=lambda candidate: (-spelling_similarity(word, candidate), candidate),
                )
                found[word] = alike[:limit]
        return found

    def term_hits(self, ids: Sequence[int], terms: Sequence[Term]) -> dict[int, int]:
        if not ids or not terms:
            return {}
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT rowid, title || ' ' || keywords || ' ' || body FROM {FTS} "
                f"WHERE rowid IN ({marks})",
                list(ids),
            )
            rows = cursor.fetchall()
        return {
            pk: sum(1 for term in terms if stems.intersection(term.forms))
            for pk, stems in ((pk, set(text.split())) for pk, text in rows)
        }

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
        self._add_words(set().union(*(vocabulary(title, kw) for _, title, kw, _, _ in rows)))

    def _add_words(self, words: set[str]) -> None:
        """New words join the vocabulary (words stay when the articles that had them
        change: a correction to them then finds nothing, which is harmless)."""
        if words:
            with connection.cursor() as cursor:
                cursor.executemany(
                    f"INSERT OR IGNORE INTO {WORDS} (word) VALUES (%s)", [(w,) for w in words]
                )

    def remove(self, ids: Sequence[int]) -> None:
        if not ids:
            return
        marks = ", ".join(["%s"] * len(ids))
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS} WHERE rowid IN ({marks})", list(ids))

    def rebuild(self, *, batch: int) -> int:
        from knowledge.models import Article

        with connection.cursor() as cursor:
            for table in (FTS, WORDS):
                cursor.execute(f"DELETE FROM {table}")
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
