"""/changes/: the change manager's workspace, in sections of one page
(templates/changes/home.html): the pipeline by state, the CAB agenda, the conflicts of
planned changes and the figures; the calendar (changes/views/calendar.py) is a section
too. Every staff member reads them. Each section is a plain page without JavaScript;
htmx swaps the section and the next rows."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from changes import charts, figures, selectors
from changes.access import reader_required
from changes.conflicts import Conflict, conflicts_by_change
from changes.models import ChangeRequest, Status
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import capped_count, days_between, keyset_page, total_of

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
#: States in which a conflict can still change the CAB's mind.
BEFORE_APPROVAL = (Status.SUBMITTED, Status.ASSESSMENT, Status.CAB_REVIEW)


@dataclass(frozen=True)
class ChangeRow:
    change: ChangeRequest
    days_old: int


@dataclass(frozen=True)
class ConflictRow:
    change: ChangeRequest
    conflicts: list[Conflict]

    @property
    def before_approval(self) -> bool:
        return self.change.status in BEFORE_APPROVAL


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
    agenda = selectors.cab_agenda()
    found = conflicts_by_change([item.change for item in agenda])
    context = {
        "agenda": [(item, found.get(item.change.pk, [])) for item in agenda],
        "limit": selectors.AGENDA_LIMIT,
    }
    return _render(request, "cab", context)


# ----- conflicts -------------------------------------------------------------------------


@require_GET
@reader_required
def conflicts(request: AuthenticatedHttpRequest) -> HttpResponse:
    planned = selectors.upcoming_planned(timezone.now())
    found = conflicts_by_change(planned)
    rows = [ConflictRow(c, found[c.pk]) for c in planned if found.get(c.pk)]
    context = {
        "rows": rows,
        "planned": len(planned),
        "before_approval": sum(1 for row in rows if row.before_approval),
    }
    return _render(request, "conflicts", context)


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


def change_url_prefix() -> str:
    """The change page's address without the number (rows add it: no {% url %} a row)."""
    return reverse("changes:detail", args=["CHG-000000"]).removesuffix("CHG-000000/")


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
