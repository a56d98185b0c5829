"""PostgreSQL: the tsvector column a trigger keeps (migration 0002), searched through its
GIN index with each word looked up in every language's stemmed form, ranked by
ts_rank_cd with weights (title A, keywords B, text C); pg_trgm's word similarity on the
title for typos; ts_headline for snippets."""

from collections.abc import Sequence

from django.db import connection, transaction
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from knowledge.search.base import Document, Filters
from knowledge.search.text import STEMMERS, Term, is_cyrillic

#: ts_rank_cd's weights of D, C (text), B (keywords), A (title).
WEIGHTS = "{0.1, 0.2, 0.4, 1.0}"
#: ts_rank_cd's normalisation: 1 divides by 1 + log(length), so long texts do not win
#: by length alone.
NORMALISATION = 1
#: The least pg_trgm word similarity of a typo to a title word that makes it a candidate.
SIMILARITY_THRESHOLD = "0.4"
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


def _configs(term: Term) -> list[str]:
    """The text search configurations that may have indexed this word."""
    if is_cyrillic(term.word):
        return ["russian", "simple"]
    return [*(c for c in STEMMERS.values() if c != "russian"), "simple"]


def _term_query(term: Term) -> tuple[str, list]:
    configs = _configs(term)
    sql = " || ".join(f"plainto_tsquery('{config}', %s)" for config in configs)
    return f"({sql})", [term.word] * len(configs)


def tsquery(terms: Sequence[Term], *, require_all: bool) -> tuple[str, list]:
    """One tsquery: each term in any language's form, all terms (&&) or any (||)."""
    parts, params = [], []
    for term in terms:
        sql, term_params = _term_query(term)
        parts.append(sql)
        params += term_params
    return "(" + (" && " if require_all else " || ").join(parts) + ")", params


class PostgresBackend:
    def match(
        self, terms: Sequence[Term], filters: Filters, *, require_all: bool, limit: int
    ) -> list[tuple[int, float]]:
        query, query_params = tsquery(terms, require_all=require_all)
        where, params = filters.where()
        sql = (
            f"SELECT a.id, ts_rank_cd('{WEIGHTS}', a.search_vector, q.query, {NORMALISATION}) "
            f"AS score FROM knowledge_article a, (SELECT {query} AS query) q "
            f"WHERE a.search_vector @@ q.query AND {where} "
            f"ORDER BY score DESC, a.id LIMIT %s"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, [*query_params, *params, limit])
            return [(row[0], float(row[1])) for row in cursor.fetchall()]

    def unknown(self, terms: Sequence[Term], filters: Filters) -> list[Term]:
        where, params = filters.where()
        checks, check_params = [], []
        for term in terms:
            sql, term_params = _term_query(term)
            checks.append(
                f"EXISTS (SELECT 1 FROM knowledge_article a "
                f"WHERE a.search_vector @@ {sql} AND {where})"
            )
            check_params += [*term_params, *params]
        with connection.cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(checks), check_params)
            found = cursor.fetchone()
        return [term for term, exists in zip(terms, found, strict=True) if not exists]

    def similar_titles(
        self, terms: Sequence[Term], filters: Filters, *, limit: int
    ) -> list[tuple[int, str]]:
        words = [term.word for term in terms]
        where, params = filters.where()
        near = " OR ".join(["%s <%% a.title"] * len(words))
        best = ", ".join(["word_similarity(%s, a.title)"] * len(words))
        sql = (
            f"SELECT a.id, a.title FROM knowledge_article a WHERE ({near}) AND {where} "
            f"ORDER BY greatest({best}, 0) DESC, a.id LIMIT %s"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)",
                [SIMILARITY_THRESHOLD],
            )
            cursor.execute(sql, [*words, *params, *words, limit])
            return [(row[0], row[1]) for row in cursor.fetchall()]

    def highlight(
        self, documents: Sequence[Document], terms: Sequence[Term]
    ) -> list[tuple[SafeString, SafeString]]:
        if not documents:
            return []
        query, query_params = tsquery(terms, require_all=False)
        sql = (
            "SELECT ts_headline(knowledge_search_config(d.language), d.title, q.query, %s), "
            "ts_headline(knowledge_search_config(d.language), d.body, q.query, %s) "
            "FROM unnest(%s::text[], %s::text[], %s::text[]) WITH ORDINALITY "
            "AS d(title, body, language, n), "
            f"(SELECT {query} AS query) q ORDER BY d.n"
        )
        params = [
            TITLE_HEADLINE,
            HEADLINE,
            [_clean(doc.title) for doc in documents],
            [_clean(doc.text) for doc in documents],
            [doc.language for doc in documents],
            *query_params,
        ]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return [(_marked(title), _marked(body)) for title, body in cursor.fetchall()]

    def index(self, rows: Sequence[tuple[int, str, str, str, str]]) -> None:
        """Nothing to do: the trigger indexes every insert and every change of the text."""

    def remove(self, ids: Sequence[int]) -> None:
        """Nothing to do: the index entry goes with the row."""

    def rebuild(self, *, batch: int) -> int:
        done, last = 0, 0
        with connection.cursor() as cursor:
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
