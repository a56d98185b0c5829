"""/changes/calendar/: the change calendar, a month (the default) or a week
(`?view=week&date=YYYY-MM-DD`) in the viewer's time zone, with each planned or carried-out
change's window on the days it spans, the blackout periods and the conflicts. A plain
page without JavaScript; htmx swaps only the calendar when moving between periods.

It shows at most selectors.CALENDAR_SHOWN changes, the soonest first, and says how many
more fall in the period; a day of the month view shows its first MONTH_DAY_SHOWN and
links to its week for the rest."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import get_format
from django.views.decorators.http import require_GET

from changes import calendar as cal
from changes import selectors
from changes.access import reader_required
from changes.conflicts import conflicts_by_change
from changes.models import PLANNED_STATUSES
from changes.rows import Shown, change_url_prefix
from changes.views.home import sections
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import head

#: The changes a day of the month view lists; its week lists them all.
MONTH_DAY_SHOWN = 6


@require_GET
@reader_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    view, day = cal.parse(request.GET.get("view"), request.GET.get("date"), today)
    shown = cal.frame(view, day, today, int(get_format("FIRST_DAY_OF_WEEK")))
    found = head(selectors.calendar_changes(shown.start, shown.end), selectors.CALENDAR_SHOWN)
    changes = found.rows
    conflicts = conflicts_by_change([c for c in changes if c.status in PLANNED_STATUSES])
    cal.fill(shown, changes, selectors.blackouts_between(shown.start, shown.end), conflicts)
    _describe(shown)
    if shown.view == cal.MONTH:
        cal.limit_entries(shown, MONTH_DAY_SHOWN)
    context = {
        "cal": shown,
        "rest": found.rest,
        "limit": selectors.CALENDAR_SHOWN,
        "last_shown": changes[-1].planned_start if found.rest else None,
        "section": "calendar",
        "sections": sections(),
        "change_url": change_url_prefix(),
        "time_zone": timezone.get_current_timezone_name(),
    }
    template = "changes/calendar.html"
    if request.htmx and request.htmx.target == "calendar":
        template += "#calendar"
    elif request.htmx and request.htmx.target == "section":
        template += "#section"
    return render(request, template, context)


@dataclass(frozen=True)
class ShownEntry(cal.Entry):
    """A calendar entry with what it prints, worked out once per change."""

    state: str = ""
    type_label: str = ""
    #: The numbers of the changes and the names of the blackouts it conflicts with.
    conflicting: str = ""


def _describe(calendar: cal.Calendar) -> None:
    labels = Shown()
    described: dict[int, tuple[str, str, str]] = {}
    for day in calendar.days:
        for n, entry in enumerate(day.entries):
            change = entry.change
            if change.pk not in described:
                described[change.pk] = (
                    labels.state(change.status),
                    labels.change_type.get(change.change_type, change.change_type),
                    ", ".join(
                        k.blackout.name if k.blackout else k.change.number  # type: ignore[union-attr]
                        for k in entry.conflicts
                    ),
                )
            state, type_label, conflicting = described[change.pk]
            day.entries[n] = ShownEntry(
                entry.change, entry.span, entry.conflicts, state, type_label, conflicting
            )
