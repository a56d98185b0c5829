"""/kb/: the staff's knowledge search (with ?q=), the lists behind the workspace's panels
(?list=…) and articles by filter; without any of them, the workspace: the knowledge
manager's panels, or one's own unpublished articles."""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_htmx.http import HttpResponseClientRedirect

from knowledge import queues, rules, services
from knowledge.forms import SearchForm
from knowledge.models import Article, Status
from knowledge.models.articles import NUMBER_PREFIX
from knowledge.search.base import CANDIDATE_CAP
from knowledge.selectors import articles_for, top_unanswered_searches
from servicedesk.access import staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import COUNT_CAP, Tab, capped_count, counted, keyset_page
from servicedesk.parsing import parse_int

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Search hits per page; a search ranks at most CANDIDATE_CAP articles, so the last page
#: starts before that.
SEARCH_PAGE = 20
LAST_START = CANDIDATE_CAP - SEARCH_PAGE
#: Rows of a workspace panel; its full list comes a page at a time.
PANEL_ROWS = 5
LIST_PAGE = 50
#: The search box's id: htmx names it when the results follow typing. Those searches
#: (half-typed words) are not logged; one sent with Enter, a filter or a link is.
LIVE_TRIGGER = "kb-q"
ARTICLE_NUMBER = re.compile(r"(?i)kb-?(\d{1,9})")


@dataclass(frozen=True)
class ArticleList:
    """A workspace panel and its full list: which articles, shown in which order."""

    key: str
    title: "StrOrPromise"
    empty: "StrOrPromise"
    #: The column the list is ordered by (oldest first), and the figure its rows show.
    sort: str
    figure: str
    #: Whether its articles differ in status (else the title says which it is).
    show_status: bool = False


REVIEW = ArticleList(
    "review", _("Waiting for review"), _("Nothing waits for review."), "updated_at", "updated"
)
DRAFTS = ArticleList("drafts", _("Drafts"), _("No drafts."), "updated_at", "updated")
UNUSED = ArticleList(
    "unused",
    _("Never used"),
    _("Every published article has resolved a ticket."),
    "id",
    "published",
)
POOR = ArticleList(
    "poor",
    _("Poor feedback"),
    _("No article has more unhelpful votes than helpful ones."),
    "id",
    "feedback",
)
STALE = ArticleList(
    "stale",
    _("Not reviewed for a year"),
    _("Every published article was reviewed within the year."),
    "reviewed_at",
    "reviewed",
)
MINE = ArticleList(
    "mine",
    _("Your drafts and submissions"),
    _("You have no unpublished articles."),
    "updated_at",
    "updated",
    show_status=True,
)
MANAGER_LISTS = (REVIEW, DRAFTS, UNUSED, POOR, STALE)
LISTS = {a.key: a for a in (*MANAGER_LISTS, MINE)}


def _articles_of(listing: ArticleList, user, now) -> QuerySet[Article]:
    match listing.key:
        case "review":
            return queues.waiting_for_review()
        case "drafts":
            return queues.drafts()
        case "unused":
            return queues.never_used()
        case "poor":
            return queues.poor_feedback()
        case "stale":
            return queues.not_reviewed(now)
        case _:
            return queues.unpublished_by(user)


@dataclass
class Panel:
    listing: ArticleList
    rows: list[Article]
    count: Tab


@require_GET
@staff_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SearchForm(request.GET)
    query = " ".join(request.GET.get("q", "").split())[:200]
    listing = LISTS.get(request.GET.get("list", ""))
    context = {
        "form": form,
        "query": query,
        "article_url": reverse("knowledge:detail", args=["X"])[:-2],
    }
    opened = _article_by_number(request, query)
    if opened is not None:
        return opened
    if query:
        context.update(_search(request, form, query))
    elif listing is not None:
        context.update(_list(request, listing))
    elif _filtered(request):
        context.update(_browse(request, form))
    else:
        context.update(_workspace(request))
    return _render(request, context)


def _article_by_number(request: AuthenticatedHttpRequest, query: str) -> HttpResponse | None:
    """A submitted search that is an article's number (KB-000123, kb-123) opens that
    article, as the header's box does for tickets; typing (the live search) never does."""
    match = ARTICLE_NUMBER.fullmatch(query)
    if match is None or (request.htmx and request.htmx.trigger == LIVE_TRIGGER):
        return None
    number = f"{NUMBER_PREFIX}-{int(match[1]):06d}"
    if not articles_for(request.user).filter(number=number).exists():
        return None
    url = reverse("knowledge:detail", args=[number])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _filtered(request: AuthenticatedHttpRequest) -> bool:
    """Whether filters were chosen, other than the default status (the search form sends
    that one even when its box was emptied: back to the workspace, then)."""
    others = any(request.GET.get(name) for name in ("service", "category", "language"))
    return others or request.GET.get("status", "") not in ("", Status.PUBLISHED)


def _render(request: AuthenticatedHttpRequest, context: dict) -> HttpResponse:
    if request.htmx and (request.GET.get("start") or request.GET.get("after")):
        return render(request, "knowledge/home.html#more_rows", context)
    if request.htmx and request.htmx.target == "results":
        return render(request, "knowledge/home.html#results", context)
    return render(request, "knowledge/home.html", context)


def _search(request: AuthenticatedHttpRequest, form: SearchForm, query: str) -> dict:
    start = min(max(parse_int(request.GET.get("start")) or 0, 0), LAST_START)
    live = bool(request.htmx) and request.htmx.trigger == LIVE_TRIGGER
    results = services.article_search(
        text=query,
        actor=request.user,
        **form.filters(),
        limit=SEARCH_PAGE,
        offset=start,
        count_up_to=COUNT_CAP + 1,
        log=not live,
    )
    more = results.has_more and start + SEARCH_PAGE <= LAST_START
    return {
        "mode": "search",
        "results": results,
        "total": counted(results.total),
        "start": start,
        "next_start": start + SEARCH_PAGE if more else None,
    }


def _list(request: AuthenticatedHttpRequest, listing: ArticleList) -> dict:
    articles = _articles_of(listing, request.user, timezone.now())
    page = keyset_page(
        articles, request.GET.get("after"), listing.sort, shown=articles, size=LIST_PAGE
    )
    return {
        "mode": "list",
        "listing": listing,
        "figure": listing.figure,
        "show_status": listing.show_status,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
        "count": capped_count(articles),
    }


def _browse(request: AuthenticatedHttpRequest, form: SearchForm) -> dict:
    """Articles by filter alone (no words): the least recently changed first."""
    filters = {name: value for name, value in form.filters().items() if value}
    articles = articles_for(request.user).select_related("author").defer("body")
    articles = articles.filter(**filters)
    page = keyset_page(articles, request.GET.get("after"), "updated_at", shown=articles)
    return {
        "mode": "browse",
        "listing": None,
        "figure": "updated",
        "show_status": True,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
        "count": capped_count(articles),
    }


def _workspace(request: AuthenticatedHttpRequest) -> dict:
    """Each panel: a few rows and a capped count, two queries whatever the numbers."""
    now = timezone.now()
    user = request.user
    lists = MANAGER_LISTS if rules.is_knowledge_manager(user) else (MINE,)
    panels = []
    for listing in lists:
        articles = _articles_of(listing, user, now)
        rows = list(articles.order_by(listing.sort, "pk")[:PANEL_ROWS])
        panels.append(Panel(listing, rows, capped_count(articles)))
    context: dict = {"mode": "workspace", "panels": panels}
    if rules.is_knowledge_manager(user):
        context["gaps"] = top_unanswered_searches(since=now - queues.GAPS_OVER, limit=10)
        context["gaps_count"] = queues.unanswered_count(now)
    return context
