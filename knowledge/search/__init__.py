"""Searching published knowledge articles, the same way on PostgreSQL and SQLite.

`search_articles()` looks for articles that have every word of the query (in any of its
forms: stemming per article language). When none has, it corrects words no article has
(typos) to the most alike word of the articles' titles and keywords and looks again; when
too few have, it adds articles that have some of the words, scored by how many they have.
The backends (postgres.py, sqlite.py) keep the index and find, rank and highlight; this
module decides what to ask them.

The index follows every save of an article: a database trigger on PostgreSQL, the
post_save and post_delete receivers (knowledge/receivers.py) on SQLite. A bulk write that
bypasses both calls `index_articles()`; `manage.py rebuild_search_index` rebuilds it."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db import connection
from django.utils.safestring import SafeString

from knowledge.markdown import plain_text
from knowledge.models import Article, Category, Status
from knowledge.search.base import Backend, Document, Filters
from servicedesk.models import Service
from servicedesk.search.text import Term, corrected, query_terms, spelling_similarity

#: The fields whose change needs the article indexed again.
INDEXED_FIELDS = frozenset({"title", "keywords", "body", "language"})
#: How many articles with some of the words are scored together when articles with every
#: word are too few.
RELAXED_POOL = 50
#: A typo is corrected to a word at least this alike (text.spelling_similarity), chosen
#: among this many candidates the database finds.
SPELLING_THRESHOLD = 0.45
SPELLING_CANDIDATES = 10
#: Shorter words are not corrected (too many words are alike), nor more than this many
#: words of one query.
SPELLING_MIN_LENGTH = 4
SPELLING_MAX_WORDS = 4
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
    #: Whether the article has every word of the query (as corrected), or only some.
    exact: bool


@dataclass(frozen=True)
class SearchResults:
    hits: list[SearchHit]
    has_more: bool
    terms: tuple[Term, ...]
    #: Words of the query no article has, and what they were read as ("did you mean").
    corrections: dict[str, str] = field(default_factory=dict)
    #: How many articles have every word of the query (as corrected), counted up to the
    #: `count_up_to` the search was asked for; None when it was not asked.
    total: int | None = None

    def __len__(self) -> int:
        return len(self.hits)

    @property
    def answered(self) -> int:
        """Hits with every word of the query: none means a gap in the knowledge base,
        however many articles have some of the words."""
        return sum(1 for hit in self.hits if hit.exact)


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
    service: Service | int | None = None,
    category: Category | int | None = None,
    language: str | None = None,
    status: str = Status.PUBLISHED,
    limit: int = 20,
    offset: int = 0,
    count_up_to: int = 0,
) -> SearchResults:
    """Published articles for a query, best first, `limit` from `offset`; only public ones
    unless the reader sees internal articles; narrowed to a service, a category (objects
    or ids) or a language when given. Staff look through another `status` (drafts,
    reviews, retired articles) the same way. With `count_up_to`, the articles with every
    word are counted too, up to that many (`SearchResults.total`)."""
    terms = query_terms(text)
    if not terms or limit <= 0:
        total = 0 if count_up_to > 0 else None
        return SearchResults(hits=[], has_more=False, terms=tuple(terms), total=total)
    filters = Filters(
        internal=user_can_see_internal,
        status=str(status),
        service_id=_id(service),
        category_id=_id(category),
        language=language or None,
    )
    engine = backend()
    need = offset + limit + 1
    corrections: dict[str, str] = {}
    with engine.session():
        ranked = _with_every_word(engine, terms, filters, need=need)
        unmatched: list[Term] = []
        if not ranked:
            # No article has every word: maybe some are misspelt (when one has them all,
            # each word is in the index, so nothing is to be corrected).
            terms, corrections, unmatched = _corrected(engine, terms)
            if corrections:
                ranked = _with_every_word(engine, terms, filters, need=need)
        total = _total(engine, terms, filters, found=len(ranked), need=need, up_to=count_up_to)
        if len(ranked) < need and len(terms) > 1:
            found = {pk for pk, _, _ in ranked}
            pool = max(need, RELAXED_POOL)
            relaxed = _relaxed(engine, terms, unmatched, filters, pool=pool)
            ranked += [(pk, score, False) for pk, score in relaxed if pk not in found]
        page = ranked[offset : offset + limit]
        hits = _hits(engine, page, terms)
    return SearchResults(
        hits=hits,
        has_more=len(ranked) > offset + limit,
        terms=tuple(terms),
        corrections=corrections,
        total=total,
    )


def _id(value: Service | Category | int | None) -> int | None:
    return value.pk if isinstance(value, Service | Category) else value


def _with_every_word(
    engine: Backend, terms: list[Term], filters: Filters, *, need: int
) -> list[tuple[int, float, bool]]:
    """(article id, score, True) of the best `need` articles with every word."""
    return [
        (pk, score, True)
        for pk, score in engine.match(terms, filters, require_all=True, limit=need)
    ]


def _total(
    engine: Backend, terms: list[Term], filters: Filters, *, found: int, need: int, up_to: int
) -> int | None:
    """The articles with every word, up to `up_to`: counted only when the page's search
    did not already find them all."""
    if up_to <= 0:
        return None
    if found < need:
        return min(found, up_to)
    return engine.count(terms, filters, up_to=up_to)


def _corrected(engine: Backend, terms: list[Term]) -> tuple[list[Term], dict[str, str], list[Term]]:
    """The terms with each word no article has replaced by the most alike word of the
    articles' titles and keywords (when one is alike enough); the corrections; the terms
    that still match nothing."""
    unknown = engine.unknown(terms)
    correctable = [term for term in unknown if len(term.word) >= SPELLING_MIN_LENGTH]
    if not correctable:
        return terms, {}, unknown
    spellings = engine.spellings(
        [term.word for term in correctable[:SPELLING_MAX_WORDS]], limit=SPELLING_CANDIDATES
    )
    corrections = {}
    for term in correctable[:SPELLING_MAX_WORDS]:
        scored = [(spelling_similarity(term.word, word), word) for word in spellings[term.word]]
        best = max(scored, default=(0.0, ""), key=lambda pair: (pair[0], -len(pair[1])))
        if best[0] >= SPELLING_THRESHOLD:
            corrections[term.word] = best[1]
    fixed = [corrected(t, corrections[t.word]) if t.word in corrections else t for t in terms]
    return fixed, corrections, [t for t in unknown if t.word not in corrections]


def _relaxed(
    engine: Backend, terms: list[Term], unmatched: list[Term], filters: Filters, *, pool: int
) -> list[tuple[int, float]]:
    """Articles with some of the words, scored by how many of them they have, then by
    their text rank. Words most articles have find nothing in particular: the others
    find the candidates (all of them, when every word is that common), and all count."""
    known = [term for term in terms if term not in unmatched]
    if not known:
        return []
    common = engine.common(known)
    finding = [term for term in known if term not in common] or known
    some = engine.match(finding, filters, require_all=False, limit=pool)
    top = max((score for _, score in some), default=0.0) or 1.0
    has = engine.term_hits([pk for pk, _ in some], known)
    scored = [(pk, has.get(pk, 0) / len(terms) + TEXT_WEIGHT * score / top) for pk, score in some]
    return sorted(scored, key=lambda item: (-item[1], item[0]))


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
