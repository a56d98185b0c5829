"""Every list page of every app costs the same number of queries whatever it lists: the
same at 10 rows as at 500 (test_queries_are_the_same_at_10_and_500_rows), and, where the
rows a page shows are a setting, the same at 10 rows a page as at 100
(test_queries_are_the_same_at_10_and_100_rows_a_page).

PAGES names each list page: who opens it, its address, how to make n rows of what it
lists (tests/list_pages.py, bulk_create), how to count the rows it shows, and the setting
that says how many rows a page shows (none: it shows them all). Each measured request
follows one that warms the session, the roles and the search's statistics, and starts
with an empty cache (the navigation's counts and the dashboard's figures are kept a
minute: every measure pays for them). A failure prints the queries that differ.

The rows counted are the ones the test made (tests/list_pages.py numbers them INC-7…,
PRB-7…, CHG-7…, KB-7…), and a response must show as many as the page is meant to, so a
page that stopped listing them fails too. A page that makes a fixed number of queries
more once it has more than a page of rows (a count it skips while every row is shown)
says so in `more` and why; the test holds it to exactly that number."""

from __future__ import annotations

import difflib
import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes.models import Status as ChangeStatus
from incidents.intake.models import InboundStatus
from incidents.models import Status
from knowledge.models import Status as ArticleStatus
from problems.models import Status as ProblemStatus
from servicedesk.models import BulkJob, BulkJobRefusal
from tests import list_pages as make
from tests.list_pages import OPEN, RESOLVED, WORD, WORKED, Cycle, World, made_here

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)
#: Rows made for the rows-a-page test: more than the largest page, on every list of a
#: page that shows two.
MANY = 250


# ----- counting the rows a page shows --------------------------------------------------------


def made(rows) -> int:
    """The rows made by the test (not the world's major incident or article)."""
    return sum(1 for row in rows if made_here(row))


def context_rows(name: str) -> Callable[[Any], int]:
    return lambda response: made(response.context[name])


#: Most pages put their rows in the context as `rows`.
ROWS = context_rows("rows")


def html_rows(marker: str) -> Callable[[Any], int]:
    return lambda response: response.content.decode().count(marker)


def json_items(response) -> int:
    return made(response.json()["items"])


def search_hits(response) -> int:
    return sum(made(group.hits) for group in response.context["groups"])


def kb_hits(response) -> int:
    return made(response.context["results"].hits)


def canned_rows(response) -> int:
    return len(response.context["personal"]) + len(response.context["shared"])


def panel_rows(response) -> int:
    return sum(made(panel.rows) for panel in response.context["panels"])


def pattern_rows(response) -> int:
    return sum(
        made(pattern.incidents)
        for _kind, _label, patterns in response.context["groups"]
        for pattern, _form in patterns
    )


def calendar_entries(response) -> int:
    cal = response.context["cal"]
    return len(
        {e.change.pk for week in cal.weeks for day in week for e in day.entries if made_here(e)}
    )


def organisation_tickets(response) -> int:
    return made(response.context["open_rows"]) + made(response.context["recent_rows"])


# ----- a list page ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ListPage:
    id: str
    #: Who opens it: a role of tests/conftest.py; "token:<role>" for the API.
    user: str
    #: A URL name, a path, or the path for the world (a record's page).
    url: str | Callable[[World], str]
    #: Writes n rows of what the page lists.
    grow: Callable[[World, int], object]
    #: How many rows a response shows.
    rows: Callable[[Any], int] = ROWS
    #: The query string (or, for the world, a function that gives it).
    params: dict[str, Any] | Callable[[World], dict[str, Any]] = field(default_factory=dict)
    #: How many rows a page shows: "module:NAME" (or "module:Class.name") of the setting,
    #: "?limit" for the API's query parameter, an int when it is fixed (the rows-a-page
    #: test leaves the page out), None when the page shows every row.
    size: str | int | None = "servicedesk.pagination:PAGE_SIZE"
    #: The rows shown of n rows at a page size, when that is not min(n, size).
    shown: Callable[[int, int | None], int] | None = None
    headers: dict[str, str] = field(default_factory=dict)
    #: How many queries more the page makes at 500 rows than at 10 (a database's name
    #: to it when they differ), and why: a step once there is more than a page (a count
    #: not needed while every row is shown), never a query per row.
    more: int | dict[str, int] = 0
    why_more: str = ""
    #: The two page sizes the rows-a-page test compares.
    sizes: tuple[int, int] = (10, 100)

    def __str__(self) -> str:
        return self.id

    def path(self, world: World) -> str:
        if callable(self.url):
            return self.url(world)
        return self.url if self.url.startswith("/") else reverse(self.url)

    def query(self, world: World) -> dict[str, Any]:
        return self.params(world) if callable(self.params) else dict(self.params)

    @property
    def setting(self) -> tuple[Any, str] | None:
        """The module and name of the page-size setting, if it is one."""
        if not isinstance(self.size, str) or self.size == "?limit":
            return None
        module, name = self.size.split(":")
        owner: Any = importlib.import_module(module)
        *path, name = name.split(".")
        for part in path:
            owner = getattr(owner, part)
        return owner, name

    def page_size(self) -> int | None:
        if self.size == "?limit":
            return 50
        if self.setting is not None:
            module, name = self.setting
            return getattr(module, name)
        return self.size  # type: ignore[return-value]

    def expected(self, n: int, size: int | None = None) -> int:
        size = size if size is not None else self.page_size()
        if self.shown is not None:
            return self.shown(n, size)
        return n if size is None else min(n, size)


# ----- what the pages list ---------------------------------------------------------------------


def _tickets(**fields):
    return lambda world, n: make.tickets(world, n, **fields)


def _worked(group: str, **fields):
    return lambda world, n: make.worked(world, n, group, **fields)


def _resolved(**fields):
    return lambda world, n: make.resolved(world, n, **fields)


def _mine(world: World, n: int):
    return make.tickets(
        world,
        n,
        status=Cycle(WORKED),
        support_group=world.groups["l2"],
        assignee=world.users["l2"],
    )


def _on_item(world: World, n: int):
    statuses = Cycle((*OPEN, *RESOLVED))
    return make.tickets(world, n, configuration_item=world.cis[0], status=statuses)


def _open_and_recent(world: World, n: int):
    make.tickets(world, n // 2, status=Cycle(OPEN))
    make.resolved(world, n - n // 2)


def _halves(n: int, size: int | None) -> int:
    assert size is not None
    return min(n // 2, size) + min(n - n // 2, size)


def _mails(status: str):
    return lambda world, n: make.mails(world, n, status)


def _with(**times: timedelta):
    """Tickets with these milestones (name: how long ago)."""
    return lambda world, n: make.tickets(
        world, n, **{name: world.now - ago for name, ago in times.items()}
    )


def _recurring(world: World, n: int):
    """Incidents on the three configuration items (a pattern each), titles without
    two words in common (no pattern of words)."""
    return make.tickets(world, n, kind="incident", parent=None, title=Cycle(("Outage",)))


def _kb_workspace(world: World, n: int):
    """The knowledge manager's five panels, a fifth of the rows each."""
    per = [n // 5 + (1 if i < n % 5 else 0) for i in range(5)]
    make.articles(world, per[0], status=ArticleStatus.IN_REVIEW, author=world.users["l1"])
    make.articles(world, per[1], status=ArticleStatus.DRAFT, author=world.users["l1"])
    make.articles(world, per[2], use_count=0)
    make.articles(world, per[3], use_count=3, reviewed_at=world.now - 400 * DAY)
    make.poorly_rated(world, per[4])


def _calendar(view: str) -> Callable[[World], dict[str, str]]:
    return lambda world: {"view": view, "date": _anchor(world).isoformat()}


def _anchor(world: World) -> date:
    """The Wednesday of next month's second week: it and the two days after it are in
    one week whether weeks start on Sunday or on Monday, and in one month."""
    first_next = (world.now.date().replace(day=1) + 32 * DAY).replace(day=1)
    return first_next + timedelta(days=7 + (2 - first_next.weekday()) % 7)


def _in_calendar(world: World, n: int):
    """Changes planned and carried out over the anchor day and the two after it."""
    first = timezone.make_aware(datetime.combine(_anchor(world), time(0)))
    statuses = Cycle((ChangeStatus.SCHEDULED, ChangeStatus.APPROVED, ChangeStatus.CLOSED))
    return make.changes(world, n, first=first, spread=70, status=statuses)


def _job(world: World) -> BulkJob:
    job = getattr(world, "job", None)
    if job is None:
        job = BulkJob.objects.create(
            list_name="tickets",
            action="assign",
            started_by=world.users["l1"],
            total=0,
            state="finished",
        )
        world.job = job  # type: ignore[attr-defined]
    return job


def _refusals(world: World, n: int):
    job = _job(world)
    BulkJobRefusal.objects.bulk_create(
        BulkJobRefusal(
            job=job,
            record_id=(k := world.number()),
            label=f"INC-7{k:05d}",
            url=f"/tickets/INC-7{k:05d}/",
            reason="It changed meanwhile.",
        )
        for _ in range(n)
    )


def _candidates(world: World, n: int):
    return make.tickets(world, n, kind="incident", parent=None, service=world.services[1])


# ----- the pages -------------------------------------------------------------------------------

QUEUES = [
    ListPage("triage", "l1", "incidents:triage", _tickets()),
    ListPage("triage-p1", "l1", "incidents:triage", _tickets(priority=1), params={"priority": 1}),
    ListPage("l2", "l2", "incidents:queue_l2", _worked("l2")),
    ListPage(
        "l2-in-progress",
        "l2",
        "incidents:queue_l2",
        _worked("l2", status=Status.IN_PROGRESS),
        params={"status": Status.IN_PROGRESS},
    ),
    ListPage("l3", "l3", "incidents:queue_l3", _worked("l3")),
    ListPage(
        "l3-network",
        "l3",
        "incidents:queue_l3",
        _worked("l3"),
        params={"specialisation": "network"},
    ),
    ListPage("my-work", "l2", "incidents:mine", _mine),
    ListPage("all-open", "desk_manager", "incidents:overview", _tickets(status=Cycle(OPEN))),
    ListPage(
        "all-open-by-time-left",
        "desk_manager",
        "incidents:overview",
        _tickets(status=Cycle(OPEN)),
        params={"sort": "due"},
    ),
    ListPage(
        "sla-at-risk",
        "desk_manager",
        "incidents:sla",
        _tickets(status=Cycle(OPEN), sla_warned=True),
    ),
    ListPage(
        "sla-breached",
        "desk_manager",
        "incidents:sla",
        _tickets(status=Cycle(OPEN), response_breached=True),
        params={"view": "breached"},
    ),
    ListPage(
        "organisation-tickets",
        "l1",
        lambda w: reverse("incidents:organisation_tickets", args=[w.org.pk]),
        _tickets(status=Cycle((*OPEN, *RESOLVED))),
    ),
    ListPage(
        "organisation-tickets-resolved-recently",
        "l1",
        lambda w: reverse("incidents:organisation_tickets", args=[w.org.pk]),
        _resolved(),
        params={"list": "recent"},
    ),
    ListPage(
        "configuration-item-tickets",
        "l2",
        lambda w: reverse("incidents:configuration_item_tickets", args=[w.cis[0].pk]),
        _on_item,
    ),
]

TICKET_LIST = [
    ListPage("ticket-list", "l1", "incidents:tickets", _tickets(status=Cycle(OPEN))),
    *(
        ListPage(
            f"ticket-list-sort-{sort}",
            "l1",
            "incidents:tickets",
            _worked("l2"),
            params={"sort": sort},
        )
        for sort in ("-registered", "-updated", "status", "title", "organisation", "assignee")
    ),
    ListPage(
        "ticket-list-any-status-newest",
        "l1",
        "incidents:tickets",
        _tickets(status=Cycle(Status.values)),
        params={"status": "any", "sort": "-registered"},
    ),
    ListPage(
        "ticket-list-resolved-recently",
        "l1",
        "incidents:tickets",
        _resolved(),
        params={"status": "closed", "sort": "-resolved"},
    ),
    ListPage(
        "ticket-list-group",
        "l1",
        "incidents:tickets",
        _worked("l2"),
        params=lambda w: {"group": w.groups["l2"].pk, "priority": [1, 2, 3, 4, 5]},
    ),
    ListPage(
        "ticket-list-breached",
        "l1",
        "incidents:tickets",
        _tickets(response_breached=True),
        params={"sla": "breached"},
    ),
    ListPage(
        "ticket-list-followed-by-me",
        "l1",
        "incidents:tickets",
        lambda w, n: make.followed(w, n, "l1"),
        params={"watching": "me"},
    ),
    ListPage(
        "ticket-list-saved-views",
        "l1",
        "incidents:tickets",
        lambda w, n: make.saved_views(w, n, "l1"),
        rows=context_rows("views"),
        size="incidents.ticket_lists.nav:VIEWS_SHOWN",
    ),
]

#: The dashboard's figures and the tickets that each counts.
FIGURES = {
    "in": _tickets(),
    "out": _resolved(),
    "resolutions": _resolved(),
    "fcr": _resolved(),
    "reopened": _resolved(rejection_count=1),
    "responded": _with(first_response_at=DAY),
    "assigned": _with(assigned_at=DAY),
    "reaction_sla": _with(first_response_at=DAY),
    "reaction_breached": _tickets(response_breached=True),
    "resolution_sla": _resolved(),
    "resolution_breached": _resolved(resolution_breached=True),
    "breached": _tickets(resolution_breached=True),
    "escalated_l2": _worked("l2"),
    "escalated_l3": _worked("l3"),
    "backlog": _tickets(status=Cycle(OPEN)),
    "backlog_breached": _tickets(status=Cycle(OPEN), response_breached=True),
    "with_article": lambda w, n: make.resolved(w, n, resolved_with=w.article),
    "rated": make.rated,
}
DASHBOARD = [
    *(
        ListPage(
            f"dashboard-{figure}",
            "desk_manager",
            "dashboard:tickets",
            grow,
            params={"figure": figure},
        )
        for figure, grow in FIGURES.items()
    ),
    ListPage(
        "dashboard-backlog-1-3-days-old",
        "desk_manager",
        "dashboard:tickets",
        _tickets(status=Cycle(OPEN)),
        params={"figure": "backlog", "age": "days"},
    ),
]

DESK = [
    *(
        ListPage(
            f"quarantine-{show}",
            "l1",
            "incidents:quarantine",
            _mails(status),
            params={"show": show},
            size="incidents.views.quarantine:PAGE_SIZE",
        )
        for show, status in (
            ("quarantined", InboundStatus.QUARANTINED),
            ("automatic", InboundStatus.IGNORED_AUTO),
            ("refused", InboundStatus.REJECTED),
        )
    ),
    ListPage(
        "canned-responses",
        "l2",
        "incidents:canned_list",
        lambda w, n: make.canned(w, n, "l2"),
        rows=canned_rows,
        size="incidents.views.canned:PAGE",
        # Two lists of a page each: the agent's own (every other one made) and the group's.
        shown=lambda n, size: min(n - n // 2, size or 0) + min(n // 2, size or 0),
    ),
    ListPage(
        "notifications",
        "l2",
        "inbox:index",
        lambda w, n: make.notifications(w, n, "l2"),
        rows=context_rows("items"),
        size="servicedesk.inbox:LIST_LIMIT",
    ),
    ListPage(
        "notifications-unread",
        "l2",
        "inbox:index",
        lambda w, n: make.notifications(w, n, "l2", read_every=0),
        rows=context_rows("items"),
        params={"show": "unread"},
        size="servicedesk.inbox:LIST_LIMIT",
    ),
    ListPage(
        "log-a-call-contact-search",
        "l1",
        "incidents:contact_search",
        make.contacts,
        rows=context_rows("contacts"),
        params={"q": WORD},
        size="incidents.views.log_call:CONTACT_RESULTS",
    ),
    ListPage(
        "major-incident-candidates",
        "desk_manager",
        lambda w: reverse("incidents:major_candidates", args=[make.open_major(w).number]),
        _candidates,
        rows=lambda response: made(response.context["major_panel"].candidates),
        params={"q": WORD},
        size="incidents.major:CANDIDATES_SHOWN",
        headers={"HX-Request": "true"},
    ),
    ListPage(
        "bulk-job-refusals",
        "l1",
        lambda w: reverse("bulk_job", args=[_job(w).pk]),
        _refusals,
        rows=context_rows("refusals"),
        size="servicedesk.bulk_views:PAGE",
    ),
    ListPage(
        "sla-reports",
        "desk_manager",
        "dashboard:reports",
        make.organisations,
        # Organisations A and B are listed too.
        shown=lambda n, size: min(n + 2, size or 0),
        size="incidents.sla_report.views:PAGE",
    ),
]

#: The lists the forms and panels of the desk fetch (mostly by htmx).
FORMS = [
    ListPage(
        "assignee-choices",
        "l1",
        "incidents:assignee_choices",
        lambda w, n: make.group_members(w, n, "l2"),
        rows=context_rows("people"),
        params=lambda w: {"group": w.groups["l2"].pk},
        # L2 is a member too.
        shown=lambda n, _size: n + 1,
        # Unpaged: the options of one support group's members, a team's size.
        size=None,
    ),
    ListPage(
        "log-a-call-configuration-items",
        "l1",
        "incidents:configuration_items",
        make.items,
        rows=context_rows("items"),
        params=lambda w: {"service": w.services[0].pk, "contact": w.contact.pk},
        # The world's item on the service is offered too.
        shown=lambda n, _size: n + 1,
        # Unpaged: a <select>'s options, one customer's (and shared) items on one service.
        size=None,
    ),
    ListPage(
        "log-a-call-articles",
        "l1",
        "incidents:article_suggestions",
        make.articles,
        rows=context_rows("hits"),
        params={"q": WORD},
        size="incidents.views.knowledge:SUGGESTED",
    ),
    ListPage(
        "ticket-articles",
        "l2",
        lambda w: reverse("incidents:ticket_articles", args=[make.ticket(w).number]),
        make.articles,
        rows=context_rows("hits"),
        params={"q": WORD},
        size="incidents.views.knowledge:SUGGESTED",
        headers={"HX-Request": "true"},
    ),
    ListPage(
        "ticket-canned-picker",
        "l2",
        lambda w: reverse("incidents:canned_picker", args=[make.ticket(w).number]),
        lambda w, n: make.canned(w, n, "l2"),
        rows=context_rows("canned_choices"),
        size="incidents.views.canned:PICKER_SHOWN",
        more=1,
        why_more="the responses not shown are counted once there are more than it shows",
        headers={"HX-Request": "true"},
    ),
    ListPage(
        "portal-article-suggestions",
        "contact_a",
        "portal:kb_suggestions",
        make.articles,
        rows=lambda response: made(s.hit for s in response.context["suggestions"]),
        params={"q": WORD},
        size="knowledge.views.portal:SUGGESTED",
        headers={"HX-Request": "true"},
    ),
]


def _admin(app: str, model: str, grow, admin: str, *, extra: int = 0, per: int = 1) -> ListPage:
    """A Django admin changelist: `per` rows listed per row made, `extra` of the world's."""
    return ListPage(
        f"admin-{app}-{model}",
        "admin",
        f"admin:{app}_{model}_changelist",
        grow,
        rows=lambda response: made(response.context["cl"].result_list),
        size=f"{admin}.list_per_page",
        shown=lambda n, size: min(per * n + extra, size or 0),
    )


ADMIN = [
    _admin("incidents", "incident", make.tickets, "incidents.admin:IncidentAdmin"),
    _admin(
        "incidents",
        "inboundemail",
        make.mails,
        "incidents.intake.admin:InboundEmailAdmin",
    ),
    _admin(
        "incidents",
        "cannedresponse",
        lambda w, n: make.canned(w, n, "l2"),
        "incidents.admin:CannedResponseAdmin",
    ),
    _admin(
        "incidents", "satisfactionrating", make.rated, "incidents.admin:SatisfactionRatingAdmin"
    ),
    _admin(
        "incidents",
        "watch",
        lambda w, n: make.followed(w, n, "l1"),
        "incidents.admin:WatchAdmin",
    ),
    _admin("problems", "problem", make.problems, "problems.admin:ProblemAdmin"),
    _admin("changes", "changerequest", make.changes, "changes.admin:ChangeRequestAdmin"),
    _admin("changes", "approval", make.waiting_for_cab, "changes.admin:ApprovalAdmin", per=2),
    _admin("knowledge", "article", make.articles, "knowledge.admin:ArticleAdmin"),
    _admin(
        "knowledge",
        "articlefeedback",
        make.poorly_rated,
        "knowledge.admin:ArticleFeedbackAdmin",
        per=3,
    ),
    # The world's organisations, contacts, services and users are listed too.
    _admin(
        "servicedesk",
        "organisation",
        make.organisations,
        "servicedesk.admin:OrganisationAdmin",
        extra=2,
    ),
    _admin("servicedesk", "contact", make.contacts, "servicedesk.admin:ContactAdmin", extra=2),
    _admin("servicedesk", "service", make.services, "servicedesk.admin:ServiceAdmin", extra=3),
    _admin(
        "servicedesk",
        "inappnotification",
        lambda w, n: make.notifications(w, n, "l2"),
        "servicedesk.admin:InAppNotificationAdmin",
    ),
    _admin(
        "auth",
        "user",
        lambda w, n: make.group_members(w, n, "l2"),
        "django.contrib.auth.admin:UserAdmin",
        extra=10,
    ),
]

RECORDS = [
    ListPage(
        "organisation-page-tickets",
        "l1",
        lambda w: reverse("organisation", args=[w.org.pk]),
        _open_and_recent,
        rows=organisation_tickets,
        size="incidents.record_panels:SHOWN",
        shown=_halves,
    ),
    ListPage(
        "organisation-page-contacts",
        "l1",
        lambda w: reverse("organisation", args=[w.org.pk]),
        make.contacts,
        rows=lambda response: len(response.context["contacts"].rows),
        # Alice is a contact of organisation A too.
        shown=lambda n, size: min(n + 1, size or 0),
        size=50,
        more=3,
        why_more="the contacts are counted once a page does not hold them all, and the link "
        "to the rest in the admin reads the user's permissions (2 queries)",
    ),
    ListPage(
        "organisation-page-problems",
        "l1",
        lambda w: reverse("organisation", args=[w.org.pk]),
        make.problems,
        rows=context_rows("problems"),
        size="problems.selectors:RECORD_SHOWN",
    ),
    ListPage(
        "organisation-page-changes",
        "l1",
        lambda w: reverse("organisation", args=[w.org.pk]),
        make.changes,
        rows=context_rows("changes"),
        size="changes.panels:RECORD_SHOWN",
    ),
    ListPage(
        "configuration-item-page-tickets",
        "l2",
        lambda w: reverse("configuration_item", args=[w.cis[0].pk]),
        _on_item,
        size="incidents.record_panels:SHOWN",
    ),
]

#: Why the staff's ticket search makes fewer queries at 500 tickets on PostgreSQL.
NEWEST_FIRST = (
    "PostgreSQL looks for the words among the newest 20,000 tickets first, and through all "
    "of them (7 statements) only when fewer than 100 match there "
    "(servicedesk/search/fulltext.py, FullTextIndex.newest): at 10 matches it does both"
)

SEARCH = [
    ListPage(
        "search-everything",
        "l1",
        "search",
        lambda w, n: (
            make.tickets(w, n),
            make.problems(w, n),
            make.changes(w, n),
            make.articles(w, n),
        ),
        rows=search_hits,
        params={"q": WORD},
        size="servicedesk.search.views:PER_KIND",
        shown=lambda n, size: 4 * min(n, size or 0),
        more={"postgresql": -7},
        why_more=NEWEST_FIRST,
    ),
    *(
        ListPage(
            f"search-{kind}",
            "l1",
            "search",
            grow,
            rows=search_hits,
            params={"q": WORD, "kind": kind},
            size="servicedesk.search.views:PAGE_SIZE",
            more={"postgresql": -7} if kind == "tickets" else 0,
            why_more=NEWEST_FIRST if kind == "tickets" else "",
        )
        for kind, grow in (
            ("tickets", make.tickets),
            ("problems", make.problems),
            ("changes", make.changes),
            ("articles", make.articles),
        )
    ),
]

PORTAL = [
    *(
        ListPage(
            f"portal-{state}",
            "contact_a",
            "portal:home",
            _tickets(status=Cycle(statuses)),
            rows=context_rows("tickets"),
            params={"state": state},
            size="incidents.views.portal:PAGE",
        )
        for state, statuses in (
            ("open", (*OPEN, Status.COMPLETED)),
            ("waiting", (Status.INFORMATION_NEEDED, Status.COMPLETED)),
            ("closed", (Status.CLOSED,)),
            ("all", tuple(Status.values)),
        )
    ),
    ListPage(
        "portal-planned-maintenance",
        "contact_a",
        "portal:home",
        make.maintenance,
        rows=html_rows("<li data-maintenance="),
        size="changes.selectors_portal:MAINTENANCE_SHOWN",
    ),
    ListPage(
        "portal-catalogue",
        "contact_a",
        "portal:catalogue",
        make.services,
        rows=context_rows("services"),
        # The world's three services are in the catalogue too.
        shown=lambda n, _size: n + 3,
        # Unpaged: the provider's catalogue of requestable services, a few dozen that an
        # administrator keeps.
        size=None,
    ),
    ListPage(
        "portal-help-articles",
        "contact_a",
        "portal:kb",
        make.articles,
        rows=context_rows("popular"),
        size="knowledge.views.portal:PAGE",
    ),
    ListPage(
        "portal-help-articles-search",
        "contact_a",
        "portal:kb",
        make.articles,
        rows=kb_hits,
        params={"q": WORD},
        size="knowledge.views.portal:PAGE",
    ),
    ListPage(
        "portal-search",
        "contact_a",
        "portal:search",
        lambda w, n: (make.tickets(w, n), make.articles(w, n)),
        rows=search_hits,
        params={"q": WORD},
        size="servicedesk.search.views:PER_KIND",
        shown=lambda n, size: 2 * min(n, size or 0),
    ),
    ListPage(
        "portal-search-tickets",
        "contact_a",
        "portal:search",
        make.tickets,
        rows=search_hits,
        params={"q": WORD, "kind": "tickets"},
        size="servicedesk.search.views:PAGE_SIZE",
    ),
]

API = [
    ListPage(
        "api-tickets-staff",
        "token:l1",
        "/api/v1/tickets",
        make.tickets,
        rows=json_items,
        size="?limit",
    ),
    ListPage(
        "api-tickets-contact",
        "token:contact_a",
        "/api/v1/tickets",
        _tickets(status=Cycle(Status.values)),
        rows=json_items,
        size="?limit",
    ),
    ListPage(
        "api-tickets-open-p1",
        "token:l1",
        "/api/v1/tickets",
        _tickets(status=Cycle((Status.ASSIGNED, Status.IN_PROGRESS)), priority=1),
        rows=json_items,
        params={"status": [Status.ASSIGNED, Status.IN_PROGRESS], "priority": 1},
        size="?limit",
    ),
    ListPage(
        "api-problems",
        "token:l1",
        "/api/v1/problems",
        make.problems,
        rows=json_items,
        size="?limit",
    ),
    ListPage(
        "api-changes", "token:l1", "/api/v1/changes", make.changes, rows=json_items, size="?limit"
    ),
]

PROBLEMS = [
    ListPage(
        "problems",
        "problem_manager",
        "problems:home",
        make.problems,
        size="problems.views.home:PAGE",
    ),
    ListPage(
        "problems-known-error-by-age",
        "problem_manager",
        "problems:home",
        lambda w, n: make.problems(w, n, status=ProblemStatus.KNOWN_ERROR),
        params={"status": ProblemStatus.KNOWN_ERROR, "sort": "age"},
        size="problems.views.home:PAGE",
    ),
    ListPage(
        "known-errors",
        "l1",
        "problems:known_errors",
        make.known_errors,
        rows=context_rows("known"),
        size="problems.views.home:PAGE",
    ),
    ListPage(
        "known-errors-search",
        "l1",
        "problems:known_errors",
        make.known_errors,
        rows=context_rows("known"),
        params={"q": WORD},
        size="problems.views.home:PAGE",
    ),
    ListPage(
        "problem-patterns",
        "problem_manager",
        "problems:patterns",
        _recurring,
        rows=pattern_rows,
        # The incidents shown of each pattern (a sample of the pattern's newest SAMPLE).
        size=8,
        shown=lambda n, size: sum(min(len(range(i, n, 3)), size or 0) for i in range(3)),
    ),
]

#: Why the calendar makes one query more at 500 changes.
CALENDAR_MORE = "the changes of the period it does not show are counted once there are more"

CHANGES = [
    ListPage(
        "changes", "change_manager", "changes:home", make.changes, size="changes.views.home:PAGE"
    ),
    ListPage(
        "changes-cab-review-by-age",
        "change_manager",
        "changes:home",
        lambda w, n: make.changes(w, n, status=ChangeStatus.CAB_REVIEW),
        params={"stage": ChangeStatus.CAB_REVIEW, "sort": "age"},
        size="changes.views.home:PAGE",
    ),
    ListPage(
        "cab-agenda",
        "change_manager",
        "changes:cab",
        make.waiting_for_cab,
        rows=context_rows("agenda"),
        size="changes.views.home:AGENDA_PAGE",
    ),
    ListPage(
        "change-conflicts",
        "change_manager",
        "changes:conflicts",
        make.planned,
        size="changes.views.home:CONFLICTS_PAGE",
    ),
    ListPage(
        "change-calendar-month",
        "change_manager",
        "changes:calendar",
        _in_calendar,
        rows=calendar_entries,
        params=_calendar("month"),
        size="changes.selectors:CALENDAR_SHOWN",
        more=1,
        why_more=CALENDAR_MORE,
    ),
    ListPage(
        "change-calendar-week",
        "change_manager",
        "changes:calendar",
        _in_calendar,
        rows=calendar_entries,
        params=_calendar("week"),
        size="changes.selectors:CALENDAR_SHOWN",
        more=1,
        why_more=CALENDAR_MORE,
    ),
    ListPage(
        "my-approvals",
        "cab_member",
        "changes:approvals",
        make.waiting_for_cab,
        size="changes.views.approvals:PAGE",
    ),
]

KNOWLEDGE = [
    ListPage(
        "kb-workspace",
        "kb_manager",
        "knowledge:home",
        _kb_workspace,
        rows=panel_rows,
        size="knowledge.views.home:PANEL_ROWS",
        shown=lambda n, size: sum(
            min(n // 5 + (1 if i < n % 5 else 0), size or 0) for i in range(5)
        ),
    ),
    ListPage(
        "kb-my-drafts-panel",
        "l2",
        "knowledge:home",
        lambda w, n: make.articles(w, n, status=ArticleStatus.DRAFT),
        rows=panel_rows,
        size="knowledge.views.home:PANEL_ROWS",
    ),
    *(
        ListPage(
            f"kb-list-{key}",
            user,
            "knowledge:home",
            grow,
            params={"list": key},
            size="knowledge.views.home:LIST_PAGE",
        )
        for key, user, grow in (
            (
                "review",
                "kb_manager",
                lambda w, n: make.articles(w, n, status=ArticleStatus.IN_REVIEW),
            ),
            ("drafts", "kb_manager", lambda w, n: make.articles(w, n, status=ArticleStatus.DRAFT)),
            ("unused", "kb_manager", lambda w, n: make.articles(w, n, use_count=0)),
            ("poor", "kb_manager", make.poorly_rated),
            (
                "stale",
                "kb_manager",
                lambda w, n: make.articles(w, n, reviewed_at=w.now - 400 * DAY),
            ),
            ("mine", "l2", lambda w, n: make.articles(w, n, status=ArticleStatus.IN_REVIEW)),
        )
    ),
    ListPage(
        "kb-browse-drafts",
        "kb_manager",
        "knowledge:home",
        lambda w, n: make.articles(w, n, status=ArticleStatus.DRAFT),
        params={"status": ArticleStatus.DRAFT},
    ),
    ListPage(
        "kb-search",
        "l1",
        "knowledge:home",
        make.articles,
        rows=kb_hits,
        params={"q": WORD},
        size="knowledge.views.home:SEARCH_PAGE",
        more=1,
        why_more="the matches are counted once a page does not hold them all",
        # PostgreSQL ranks the best 100 matches (knowledge/search/postgres.py, PRESELECT):
        # a page of 100 asks for 101 and, given 100, takes them for all there are.
        sizes=(10, 99),
    ),
    ListPage(
        "kb-article-history",
        "kb_manager",
        lambda w: reverse("knowledge:history", args=[w.article.number]),
        make.revisions,
        rows=lambda response: len(response.context["revisions"]),
        size="knowledge.views.history:PAGE",
    ),
]

PAGES = [
    *QUEUES,
    *TICKET_LIST,
    *DASHBOARD,
    *DESK,
    *FORMS,
    *RECORDS,
    *SEARCH,
    *PORTAL,
    *API,
    *PROBLEMS,
    *CHANGES,
    *KNOWLEDGE,
    *ADMIN,
]
PAGED = [page for page in PAGES if page.setting is not None or page.size == "?limit"]


# ----- measuring -----------------------------------------------------------------------------


@pytest.fixture
def world(db) -> World:
    return make.build_world()


def _client(world: World, page: ListPage) -> Client:
    client = Client()
    role = page.user.removeprefix("token:")
    if page.user.startswith("token:"):
        client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[role]}"
    else:
        client.force_login(world.users[role])
    return client


def _get(client: Client, world: World, page: ListPage, **extra: Any):
    query = {**page.query(world), **extra}
    response = client.get(page.path(world), query, headers=page.headers)
    assert response.status_code == 200, response.content[:2000]
    return response


def _measure(client: Client, world: World, page: ListPage, **extra: Any):
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, world, page, **extra)
    return [q["sql"] for q in queries.captured_queries], response


def _shape(sql: str) -> str:
    """A query without its values (times, ids, session keys), to compare two runs."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


def _differ(few: list[str], many: list[str]) -> str:
    """The queries one run made and the other did not."""
    lines = [f"{len(few)} queries at first, then {len(many)}:"]
    a, b = [_shape(q) for q in few], [_shape(q) for q in many]
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        lines += [f"  - {q[:400]}" for q in few[i1:i2]]
        lines += [f"  + {q[:400]}" for q in many[j1:j2]]
    return "\n".join(lines)


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_queries_are_the_same_at_10_and_500_rows(world, page):
    client = _client(world, page)
    page.grow(world, 10)
    _get(client, world, page)  # the session, the roles, the search's statistics
    few, response = _measure(client, world, page)
    assert page.rows(response) == page.expected(10)

    page.grow(world, 490)
    many, response = _measure(client, world, page)
    assert page.rows(response) == page.expected(500)
    more = page.more if isinstance(page.more, int) else page.more.get(connection.vendor, 0)
    assert len(many) == len(few) + more, _differ(few, many)


@pytest.mark.parametrize("page", PAGED, ids=str)
def test_queries_are_the_same_at_10_and_100_rows_a_page(world, page, monkeypatch):
    client = _client(world, page)
    page.grow(world, MANY)
    _get(client, world, page)
    measured = {}
    for size in page.sizes:
        if page.size == "?limit":
            queries, response = _measure(client, world, page, limit=size)
        else:
            assert page.setting is not None
            module, name = page.setting
            monkeypatch.setattr(module, name, size)
            queries, response = _measure(client, world, page)
        assert page.rows(response) == page.expected(MANY, size), size
        measured[size] = queries
    few, many = (measured[size] for size in page.sizes)
    assert len(many) == len(few), _differ(few, many)
