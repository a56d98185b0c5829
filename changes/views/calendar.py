"""/changes/calendar/: the change calendar, a month (the default) or a week
(`?view=week&date=YYYY-MM-DD`) in the viewer's time zone, with each planned or carried-out
change's window on the days it spans, the blackout periods and the conflicts. A plain
page without JavaScript; htmx swaps only the calendar when moving between periods."""

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
from changes.views.home import change_url_prefix, sections
from servicedesk.http import AuthenticatedHttpRequest


@require_GET
@reader_required
def calendar(request: AuthenticatedHttpRequest) -> HttpResponse:
    today = timezone.localdate()
    view, day = cal.parse(request.GET.get("view"), request.GET.get("date"), today)
    shown = cal.frame(view, day, today, int(get_format("FIRST_DAY_OF_WEEK")))
    changes = selectors.calendar_changes(shown.start, shown.end)
    conflicts = conflicts_by_change([c for c in changes if c.status in PLANNED_STATUSES])
    cal.fill(shown, changes, selectors.blackouts_between(shown.start, shown.end), conflicts)
    context = {
        "cal": shown,
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
