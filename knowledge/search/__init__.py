"""Searching published knowledge articles, the same way on PostgreSQL and SQLite.

`search_articles()` looks for articles that have every word of the query (in any of its
forms: stemming per article language); when that finds too few, it adds articles that
have some of the words, and articles whose titles have words like those no article has
(typos), scored together. The backends (postgres.py, sqlite.py) keep the index and find,
rank and highlight; this module decides what to ask them.

The index follows every save of an article: a database trigger on PostgreSQL, the
post_save and post_delete receivers (knowledge/receivers.py) on SQLite. A bulk write that
bypasses both calls `index_articles()`; `manage.py rebuild_search_index` rebuilds it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import connection
from django.utils.safestring import SafeString

from knowledge.markdown import plain_text
from knowledge.models import Article
from knowledge.search.base import Backend, Document, Filters
from knowledge.search.text import Term, index_stems, query_terms, title_similarity

#: The fields whose change needs the article indexed again.
INDEXED_FIELDS = frozenset({"title", "keywords", "body", "language"})
#: How many articles with some of the words, or a title like a typo, are scored together
#: when articles with every word are too few.
RELAXED_POOL = 50
#: A title word this similar to a word no article has (a typo) counts as a match of it,
#: in proportion to the similarity.
TITLE_THRESHOLD = 0.45
#: Among articles with as many of the words, the text rank (scaled to 0..1) decides;
#: it never outweighs one more word matched.
TEXT_WEIGHT = 0.25


class UnsupportedDatabase(Exception):
    """Knowledge search runs on PostgreSQL and SQLite."""


@dataclass(frozen=True)
class SearchHit:
    article: Article
    #: Orders the hits of one search (higher first); not comparable between searches.
    rank: float
    #: Escaped text with the matching words in <mark>: safe to show as it is.
    title: SafeString
    snippet: SafeString
    #: False when the article has only some of the words or a title like them.
    exact: bool


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    has_more: bool
    terms: tuple[Term, ...]

    def __len__(self) -> int:
        return len(self.hits)


def backend() -> Backend:
    if connection.vendor == "postgresql":
        from knowledge.search.postgres import PostgresBackend

        return PostgresBackend()
    if connection.vendor == "sqlite":
        from knowledge.search.sqlite import SqliteBackend

        return SqliteBackend()
    raise UnsupportedDatabase(connection.vendor)


def search_articles(
    *,
    text: str,
    user_can_see_internal: bool,
    service=None,
    category=None,
    language: str | None = None,
    limit: int = 20,
    offset: int = 0,
) -> SearchResults:
    """Published articles for a query, best first, `limit` from `offset`."""
    terms = query_terms(text)
    if not terms or limit <= 0:
        return SearchResults(hits=[], has_more=False, terms=tuple(terms))
    filters = Filters(
        internal=user_can_see_internal,
        service_id=getattr(service, "pk", service),
        category_id=getattr(category, "pk", category),
        language=language or None,
    )
    engine = backend()
    need = offset + limit + 1
    ranked = [
        (pk, score, True)
        for pk, score in engine.match(terms, filters, require_all=True, limit=need)
    ]
    if len(ranked) < need:
        found = {pk for pk, _, _ in ranked}
        ranked += [
            (pk, score, False)
            for pk, score in _relaxed(engine, terms, filters, pool=max(need, RELAXED_POOL))
            if pk not in found
        ]
    page = ranked[offset : offset + limit]
    return SearchResults(
        hits=_hits(engine, page, terms), has_more=len(ranked) > offset + limit, terms=tuple(terms)
    )


def _relaxed(
    engine: Backend, terms: list[Term], filters: Filters, *, pool: int
) -> list[tuple[int, float]]:
    """Articles with some of the words, and articles whose title has a word like one no
    article has (a typo), scored by how many of the query's words they have, then by
    their text rank."""
    text_scores: dict[int, float] = {}
    if len(terms) > 1:
        some = engine.match(terms, filters, require_all=False, limit=pool)
        top = max((score for _, score in some), default=0.0) or 1.0
        text_scores = {pk: score / top for pk, score in some}
    unknown = engine.unknown(terms, filters)
    if unknown:
        for pk, _title in engine.similar_titles(unknown, filters, limit=pool):
            text_scores.setdefault(pk, 0.0)
    candidates = Article.objects.filter(pk__in=text_scores).values_list(
        "pk", "title", "keywords", "body", "language"
    )
    scored = []
    for pk, title, keywords, body, language in candidates:
        coverage = _coverage(terms, unknown, title, f"{title} {keywords} {body}", language)
        if coverage > 0:
            scored.append((pk, coverage + TEXT_WEIGHT * text_scores[pk]))
    return sorted(scored, key=lambda item: (-item[1], item[0]))


def _coverage(terms: list[Term], unknown: list[Term], title: str, text: str, language: str):
    """The share of the query's words the article has: a known word in any of its forms,
    a typo by its similarity to a word of the title."""
    stems = set(index_stems(text, language))
    found = sum(1 for term in terms if term not in unknown and stems.intersection(term.forms))
    for term in unknown:
        similarity = title_similarity([term], title)
        if similarity >= TITLE_THRESHOLD:
            found += similarity
    return found / len(terms)


def _hits(
    engine: Backend, page: list[tuple[int, float, bool]], terms: list[Term]
) -> list[SearchHit]:
    articles = Article.objects.select_related("service", "category").in_bulk(
        [pk for pk, _, _ in page]
    )
    rows = [(articles[pk], score, exact) for pk, score, exact in page if pk in articles]
    documents = [Document(a.title, plain_text(a.body), a.language) for a, _, _ in rows]
    marked = engine.highlight(documents, terms)
    return [
        SearchHit(article=article, rank=score, title=title, snippet=snippet, exact=exact)
        for (article, score, exact), (title, snippet) in zip(rows, marked, strict=True)
    ]


# ----- keeping the index -----------------------------------------------------------------


def index_articles(articles: Iterable[Article]) -> None:
    """Index these articles as they are now (a no-op where a trigger does it)."""
    rows = [(a.pk, a.title, a.keywords, a.body, a.language) for a in articles]
    _maintainer().index(rows)


def remove_articles(ids: Sequence[int]) -> None:
    _maintainer().remove(ids)


def rebuild_index(*, batch: int = 1000) -> int:
    """Index every article anew; returns how many were indexed."""
    return backend().rebuild(batch=batch)


class _NoIndex:
    def index(self, rows) -> None:
        pass

    def remove(self, ids) -> None:
        pass


def _maintainer():
    """Saving an article never fails for want of a search backend."""
    try:
        return backend()
    except UnsupportedDatabase:
        return _NoIndex()
