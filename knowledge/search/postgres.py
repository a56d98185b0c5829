"""PostgreSQL: the tsvector column a trigger keeps (migration 0002), searched through its
GIN index with each word looked up in every language's stemmed form, ranked by ts_rank_cd
with weights (title A, keywords B, text C); pg_trgm's similarity among the vocabulary's
words for typos; ts_headline for snippets. How many articles have a word is read from the
planner's statistics of the column (most common lexemes), kept for a few minutes."""

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from knowledge.search.base import CANDIDATE_CAP, Document, Filters
from servicedesk.search.text import Term

#: The text search configurations an article may have been indexed with (migration 0002).
CONFIGS = ("english", "russian", "german", "french", "simple")
#: ts_rank_cd's weights of D, C (text), B (keywords), A (title).
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
#: How many of the matches ts_rank_cd orders (see match()).
PRESELECT = 100
#: ts_rank_cd's normalisation: 1 divides by 1 + log(length), so long texts do not win
#: by length alone.
NORMALISATION = 1
#: Seconds the column's statistics are kept before they are read again.
STATISTICS_TTL = 300
# Private-use characters around matches in ts_headline's output: the text is escaped
# first, then they become <mark> tags, so nothing of the article's markup gets through.
START, STOP = "\ue000", "\ue001"
# ts_headline's parser reads <tags> and &entities; as such and leaves them out: the text
# goes in with these characters instead, and comes out escaped.
STAND_INS = {"<": "\ue002", ">": "\ue003", "&": "\ue004"}
HEADLINE = (
    f"StartSel={START}, StopSel={STOP}, MaxWords=30, MinWords=12, "
    'MaxFragments=2, FragmentDelimiter=" … "'
)
TITLE_HEADLINE = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"

_lexemes_of: dict[str, tuple[str, ...]] = {}
_statistics: dict[str, object] = {"until": 0.0, "frequencies": {}, "rows": 0.0}


class PostgresBackend:
    @contextmanager
    def session(self) -> Iterator[None]:
        """One search's queries. With LIMIT (and in EXISTS) the planner likes to walk the
        table, or the status index, until it has enough matches, evaluating the search on
        every row it reads, which for a rare word is most of the table: here rows are
        found through bitmaps of the indexes only (the GIN index, the primary key)."""
        with _settings({"enable_seqscan": "off", "enable_indexscan": "off"}):
            yield

    def match(
        self,
        terms: Sequence[Term],
        filters: Filters,
        *,
        require_all: bool,
        limit: int,
    ) -> list[tuple[int, float]]:
        query = tsquery(terms, require_all=require_all)
        where, params = filters.where()
        # ts_rank_cd (cover density: how near each other the words are) costs several
        # times ts_rank (how often they occur): ts_rank picks the PRESELECT best of the
        # matches, and ts_rank_cd orders those.
        sql = (
            f"SELECT p.id, ts_rank_cd('{WEIGHTS}', p.search_vector, %s::tsquery, "
            f"{NORMALISATION}) AS score FROM (SELECT c.id, c.search_vector "
            f"FROM (SELECT a.id, a.search_vector FROM knowledge_article a "
            f"WHERE a.search_vector @@ %s::tsquery AND {where} LIMIT {CANDIDATE_CAP}) c "
            f"ORDER BY ts_rank('{WEIGHTS}', c.search_vector, %s::tsquery, {NORMALISATION}) "
            f"DESC LIMIT {PRESELECT}) p ORDER BY score DESC, p.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [query, query, *params, query, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def count(self, terms: Sequence[Term], filters: Filters, *, up_to: int) -> int:
        where, params = filters.where()
        sql = (
            "SELECT count(*) FROM (SELECT 1 FROM knowledge_article a "
            f"WHERE a.search_vector @@ %s::tsquery AND {where} LIMIT %s) c"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [tsquery(terms, require_all=True), *params, up_to])
            return int(cursor.fetchone()[0])

    def common(self, terms: Sequence[Term]) -> list[Term]:
        frequencies, rows = _column_statistics()
        if not frequencies:
            return []
        common = []
        for term, lexemes in zip(terms, lexemes_of(terms), strict=True):
            share = min(1.0, sum(frequencies.get(lexeme, 0.0) for lexeme in lexemes))
            if share * rows > CANDIDATE_CAP:
                common.append(term)
        return common

    def unknown(self, terms: Sequence[Term]) -> list[Term]:
        frequencies, _rows = _column_statistics()
        doubtful = [
            (term, lexemes)
            for term, lexemes in zip(terms, lexemes_of(terms), strict=True)
            if not any(lexeme in frequencies for lexeme in lexemes)
        ]
        if not doubtful:
            return []
        check = "EXISTS (SELECT 1 FROM knowledge_article WHERE search_vector @@ %s::tsquery)"
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join([check] * len(doubtful)),
                [tsquery([term], require_all=True) for term, _ in doubtful],
            )
            found = cursor.fetchone()
        return [term for (term, _), exists in zip(doubtful, found, strict=True) if not exists]

    def spellings(self, words: Sequence[str], *, limit: int) -> dict[str, list[str]]:
        # Among the words that start with the same two letters (a typo there is rare,
        # and the index finds a few hundred words rather than comparing them all).
        sql = (
            "SELECT q.word, s.word FROM unnest(%s::text[]) AS q(word) "
            "CROSS JOIN LATERAL (SELECT w.word FROM knowledge_search_word w "
            "WHERE left(w.word, 2) = left(q.word, 2) "
            "ORDER BY similarity(w.word, q.word) DESC, w.word LIMIT %s) AS s"
        )
        found: dict[str, list[str]] = {word: [] for word in words}
        with connection.cursor() as cursor:
            cursor.execute(sql, [list(words), limit])
            for word, spelling in cursor.fetchall():
                found[word].append(spelling)
        return found

    def term_hits(self, ids: Sequence[int], terms: Sequence[Term]) -> dict[int, int]:
        if not ids or not terms:
            return {}
        count = " + ".join(["(a.search_vector @@ %s::tsquery)::int"] * len(terms))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT a.id, {count} FROM knowledge_article a WHERE a.id = ANY(%s)",
                [*(tsquery([term], require_all=True) for term in terms), list(ids)],
            )
            return dict(cursor.fetchall())

    def highlight(
        self, documents: Sequence[Document], terms: Sequence[Term]
    ) -> list[tuple[SafeString, SafeString]]:
        if not documents:
            return []
        sql = (
            "SELECT ts_headline(knowledge_search_config(d.language), d.title, %s::tsquery, %s), "
            "ts_headline(knowledge_search_config(d.language), d.body, %s::tsquery, %s) "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
            "AS d(title, body, language, n) ORDER BY d.n"
        )
        query = tsquery(terms, require_all=False)
        params: list[Any] = [
            query,
            TITLE_HEADLINE,
            query,
            HEADLINE,
            [_clean(doc.title) for doc in documents],
            [_clean(doc.text) for doc in documents],
            [doc.language for doc in documents],
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(_marked(title), _marked(body)) for title, body in cursor.fetchall()]

    def index(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """Nothing to do: the trigger indexes every insert and every change of the text,
        and adds the words of titles and keywords to the vocabulary."""

    def remove(self, ids: Sequence[int]) -> None:
        """Nothing to do: the index entry goes with the row."""

    def rebuild(self, *, batch: int) -> int:
        done, last = 0, 0
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE knowledge_search_word")
            cursor.execute(
                "INSERT INTO knowledge_search_word (word) SELECT DISTINCT v.word "
                "FROM knowledge_article a, knowledge_search_vocabulary(a.title, a.keywords) "
                "AS v(word) ON CONFLICT (word) DO NOTHING"
            )
            while True:
                cursor.execute(
                    "SELECT id FROM knowledge_article WHERE id > %s ORDER BY id OFFSET %s LIMIT 1",
                    [last, batch - 1],
                )
                row = cursor.fetchone()
                upper = row[0] if row else None
                cursor.execute(
                    "UPDATE knowledge_article SET search_vector = "
                    "knowledge_article_search_vector(title, keywords, body, language) "
                    "WHERE id > %s" + (" AND id <= %s" if upper is not None else ""),
                    [last, upper] if upper is not None else [last],
                )
                done += cursor.rowcount
                if upper is None:
                    return done
                last = upper


# ----- the query ------------------------------------------------------------------------------


def lexemes_of(terms: Sequence[Term]) -> list[tuple[str, ...]]:
    """Each term's forms as the configurations stem it, asked of PostgreSQL (once per
    word and process), so query and index are stemmed by the very same code."""
    missing = [t.word for t in terms if t.word not in _lexemes_of]
    if missing:
        if len(_lexemes_of) > 50_000:
            _lexemes_of.clear()
        configs = ", ".join(f"'{config}'::regconfig" for config in CONFIGS)
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT t.word, array_agg(DISTINCT l.lexeme ORDER BY l.lexeme) "
                "FROM unnest(%s::text[]) AS t(word) "
                f"CROSS JOIN unnest(ARRAY[{configs}]) AS c(config) "
                "CROSS JOIN LATERAL unnest(tsvector_to_array(to_tsvector(c.config, t.word))) "
                "AS l(lexeme) GROUP BY t.word",
                [missing],
            )
            for word, lexemes in cursor.fetchall():
                _lexemes_of[word] = tuple(lexemes)
        for word in missing:
            _lexemes_of.setdefault(word, ())
    return [_lexemes_of[t.word] for t in terms]


def tsquery(terms: Sequence[Term], *, require_all: bool) -> str:
    """The tsquery text: each term as any of its forms, all terms (&) or any (|)."""
    parts = [
        "(" + " | ".join(_quoted(lexeme) for lexeme in lexemes) + ")"
        for lexemes in lexemes_of(terms)
        if lexemes
    ]
    return (" & " if require_all else " | ").join(parts) or "''"


def _quoted(lexeme: str) -> str:
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@contextmanager
def _settings(values: dict[str, str]) -> Iterator[None]:
    """Queries run with these settings, undone afterwards: the block runs in its own
    transaction or savepoint, rolled back at the end (it only reads)."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT " + ", ".join(["set_config(%s, %s, true)"] * len(values)),
                [item for pair in values.items() for item in pair],
            )
        yield
        transaction.set_rollback(True)


def _column_statistics() -> tuple[dict[str, float], float]:
    """The most common lexemes of the search column with the share of rows that have
    each, and the table's row count, as ANALYZE last saw them."""
    if time.monotonic() < float(_statistics["until"]):  # type: ignore[arg-type]
        return _statistics["frequencies"], float(_statistics["rows"])  # type: ignore[return-value, arg-type]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.most_common_elems::text::text[], s.most_common_elem_freqs, c.reltuples "
            "FROM pg_stats s JOIN pg_class c ON c.relname = s.tablename "
            "AND c.relnamespace = to_regnamespace(s.schemaname) "
            "WHERE s.tablename = 'knowledge_article' AND s.attname = 'search_vector' "
            "AND s.schemaname = current_schema()"
        )
        row = cursor.fetchone()
    frequencies: dict[str, float] = {}
    rows = 0.0
    if row and row[0]:
        # The frequencies array ends with three summary values (min, max, null share).
        frequencies = dict(zip(row[0], row[1], strict=False))
        rows = float(row[2])
    _statistics.update(until=time.monotonic() + STATISTICS_TTL, frequencies=frequencies, rows=rows)
    return frequencies, rows


# ----- snippets -------------------------------------------------------------------------------


def _clean(text: str) -> str:
    for private in (START, STOP, *STAND_INS.values()):
        text = text.replace(private, "")
    for character, stand_in in STAND_INS.items():
        text = text.replace(character, stand_in)
    return text


def _marked(headline: str) -> SafeString:
    html = str(escape(headline)).replace(START, "<mark>").replace(STOP, "</mark>")
    for character, stand_in in STAND_INS.items():
        html = html.replace(stand_in, str(escape(character)))
    return mark_safe(html)  # (escaped first; only <mark> added)
