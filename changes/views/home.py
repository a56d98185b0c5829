"""/changes/: the change manager's workspace, in sections of one page
(templates/changes/home.html): the pipeline by state, the CAB agenda, the conflicts of
planned changes and the figures; the calendar (changes/views/calendar.py) is a section
too. Every staff member reads them. Each section is a plain page without JavaScript;
htmx swaps the section and the next rows. The pipeline, the agenda and the conflicts
come in keyset pages ("Show more"); what a row of the agenda or the conflicts prints is
worked out once per page (changes/rows.py)."""

from dataclasses import dataclass, field

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from changes import charts, figures, selectors
from changes.access import reader_required
from changes.conflicts import clashing, conflicts_by_change
from changes.models import ChangeRequest, Status
from changes.rows import Shown, ShownConflict, change_url_prefix, person
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import (
    capped_count,
    capped_counts,
    days_between,
    keyset_page,
    total_of,
)

SECTIONS = (
    ("home", gettext_lazy("Pipeline")),
    ("cab", gettext_lazy("CAB agenda")),
    ("conflicts", gettext_lazy("Conflicts")),
    ("calendar", gettext_lazy("Calendar")),
    ("figures", gettext_lazy("Figures")),
)
#: The pipeline's sorts: the column each sorts by (then by id).
SORTS = {"window": "planned_start", "age": "created_at"}
#: Rows per page of the pipeline.
PAGE = 50
#: Rows per page of the CAB agenda and of the conflicts.
AGENDA_PAGE = 50
CONFLICTS_PAGE = 50
#: States in which a conflict can still change the CAB's mind.
BEFORE_APPROVAL = (Status.SUBMITTED, Status.ASSESSMENT, Status.CAB_REVIEW)


@dataclass(frozen=True)
class ChangeRow:
    change: ChangeRequest
    days_old: int


@dataclass(frozen=True)
class ConflictRow:
    change: ChangeRequest
    conflicts: list[ShownConflict]
    url: str = ""
    status_label: str = ""
    type_label: str = ""
    risk_label: str = ""
    window: str = ""
    services: str = ""

    @property
    def before_approval(self) -> bool:
        return self.change.status in BEFORE_APPROVAL


@dataclass(frozen=True)
class Say:
    """An approver's say on the agenda: "Claire Dubois: Approved"."""

    decision: str
    name: str
    label: str


@dataclass(frozen=True)
class AgendaRow(selectors.AgendaItem):
    """An agenda item with what its row prints."""

    url: str = ""
    type_label: str = ""
    risk_label: str = ""
    window: str = ""
    requested_by: str = ""
    says: list[Say] = field(default_factory=list)


# ----- the pipeline ----------------------------------------------------------------------


@require_GET
@reader_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    stage = request.GET.get("stage", "")
    if stage not in selectors.STAGE_KEYS:
        stage = ""
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = "window"
    rows = selectors.pipeline_changes(stage)
    windowless = capped_count(selectors.without_window(rows)) if sort == "window" else None
    if sort == "window":
        rows = rows.filter(planned_start__isnull=False)
    page = keyset_page(
        rows, request.GET.get("after"), SORTS[sort], shown=selectors.change_rows(), size=PAGE
    )
    now = timezone.now()
    tabs = selectors.stage_tabs()
    context = {
        "stage": stage,
        "sort": sort,
        "tabs": tabs,
        "all_tab": total_of(tabs),
        "rows": [ChangeRow(c, days_between(c.created_at, now)) for c in page.rows],
        "next_cursor": page.next_cursor,
        "windowless": windowless,
    }
    return _render(request, "home", context, rows="change_rows")


# ----- the CAB agenda --------------------------------------------------------------------


@require_GET
@reader_required
def cab(request: AuthenticatedHttpRequest) -> HttpResponse:
    waiting = selectors.waiting_for_cab()
    page = keyset_page(
        waiting,
        request.GET.get("after"),
        "window",
        shown=selectors.agenda_rows(),
        keys=selectors.by_window(),
        size=AGENDA_PAGE,
    )
    shown = Shown()
    found = conflicts_by_change(page.rows)
    context = {
        "agenda": [
            (_agenda_row(item, shown), shown.conflicts(found.get(item.change.pk, [])))
            for item in selectors.agenda(page.rows)
        ],
        "waiting": capped_count(waiting),
        "next_cursor": page.next_cursor,
    }
    return _render(request, "cab", context, rows="agenda_rows")


def _agenda_row(item: selectors.AgendaItem, shown: Shown) -> AgendaRow:
    c = item.change
    return AgendaRow(
        c,
        item.approvals,
        url=shown.url(c.number),
        type_label=shown.change_type.get(c.change_type, c.change_type),
        risk_label=shown.risk.get(c.risk, c.risk),
        window=shown.window(c.planned_start, c.planned_end),
        requested_by=person(c.requested_by),
        says=[
            Say(a.decision, person(a.approver), shown.decision.get(a.decision, a.decision))
            for a in item.approvals
        ],
    )


# ----- conflicts -------------------------------------------------------------------------


@require_GET
@reader_required
def conflicts(request: AuthenticatedHttpRequest) -> HttpResponse:
    planned = selectors.upcoming_planned(timezone.now())
    conflicted = clashing(planned)
    page = keyset_page(
        conflicted,
        request.GET.get("after"),
        "planned_start",
        shown=selectors.conflict_rows(),
        size=CONFLICTS_PAGE,
    )
    shown = Shown()
    found = conflicts_by_change(page.rows)
    counts = capped_counts([planned, conflicted, conflicted.filter(status__in=BEFORE_APPROVAL)])
    context = {
        "rows": [_conflict_row(c, shown.conflicts(found.get(c.pk, [])), shown) for c in page.rows],
        "next_cursor": page.next_cursor,
        "planned": counts[0],
        "conflicted": counts[1],
        "before_approval": counts[2],
    }
    return _render(request, "conflicts", context, rows="conflict_rows")


def _conflict_row(c: ChangeRequest, conflicts: list[ShownConflict], shown: Shown) -> ConflictRow:
    return ConflictRow(
        c,
        conflicts,
        url=shown.url(c.number),
        status_label=shown.state(c.status),
        type_label=shown.change_type.get(c.change_type, c.change_type),
        risk_label=shown.risk.get(c.risk, c.risk),
        window=shown.window(c.planned_start, c.planned_end),
        services=", ".join(s.name for s in c.services.all()),
    )


# ----- figures ---------------------------------------------------------------------------


@require_GET
@reader_required
def figures_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    months = figures.per_month(now)
    outcomes = figures.outcomes(now)
    context = {
        "months": months,
        "month_chart": charts.month_chart(months),
        "emergency": figures.emergency_share(months),
        "followed": figures.followed_by_incidents(now),
        "approval_times": _approval_times(figures.time_to_approval(now)),
        "outcomes": outcomes,
        "outcome_bar": charts.outcome_bar(outcomes),
    }
    return _render(request, "figures", context)


def _approval_times(times: figures.ApprovalTimes) -> list[tuple[str, figures.MeanTime]]:
    return [
        (_("mean time from submission to approval, normal changes"), times.normal),
        (_("mean time from submission to approval, emergency changes"), times.emergency),
    ]


# ----- shared ----------------------------------------------------------------------------


def sections() -> list[tuple[str, str, str]]:
    return [(key, str(label), reverse(f"changes:{key}")) for key, label in SECTIONS]


def _render(
    request: AuthenticatedHttpRequest,
    section: str,
    context: dict,
    *,
    rows: str = "",
) -> HttpResponse:
    """The whole page; its section alone when htmx swaps sections; only the next rows
    for "Show more"."""
    context = {
        **context,
        "section": section,
        "sections": sections(),
        "change_url": change_url_prefix(),
    }
    template = "changes/home.html"
    if request.htmx and rows and request.GET.get("after"):
        template += f"#{rows}"
    elif request.htmx and request.htmx.target == "section":
        template += "#section"
    return render(request, template, context)
