"""The dashboard's daily roll-up (incidents/models/rollup.py): each past local day's
figures, counted by the same aggregates the dashboard counts live (metrics.py), so a
long period reads the days' rows instead of every ticket.

- `roll_up()` (Celery beat, incidents.tasks.dashboard_rollup) rolls up the days that
  have ended since the last run, in order, and moves the RollupMark; the days after the
  mark (today, at least) are always counted live.
- A ticket saved or deleted touches the days it was registered and resolved on, before
  and after the change (`touch`): after commit, `rebuild_days` counts those days again
  if they are rolled up already. Writes that bypass save() (the SLA sweep's flags, the
  SLA recompute) touch their tickets' days themselves.
- Each rebuild locks the mark, so two never interleave and a day is never lost between
  a rebuild and the change that touched it."""

from collections.abc import Iterable, Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Min
from django.db.models.functions import ExtractHour
from django.utils import timezone

from incidents.dashboard import metrics
from incidents.dashboard.cohorts import WORKED, registered, resolved
from incidents.dashboard.period import period_of
from incidents.models import Incident, RegisteredHour, ResolvedDay, ResolvedTime, RollupMark
from servicedesk.figures import duration

#: At most this many days are rolled up by one run (a first run on years of tickets
#: continues in the next ones; the days not rolled up yet are counted live meanwhile).
DAYS_PER_RUN = 400


def roll_up(*, today: date | None = None) -> int:
    """Roll up the days that have ended and are not rolled up yet, oldest first; returns
    how many. Safe to run twice (a second run finds nothing to do)."""
    today = today or timezone.localdate()
    mark = RollupMark.objects.first()
    if mark is not None:
        first = mark.day + timedelta(days=1)
    else:
        earliest = Incident.objects.aggregate(at=Min("registered_at"))["at"]
        if earliest is None:
            return 0
        first = timezone.localdate(earliest)
    done = 0
    day = first
    while day < today and done < DAYS_PER_RUN:
        with transaction.atomic():
            locked = _lock()
            if locked is None or locked.day < day:
                _rebuild(day)
                _advance(locked, day)
        day += timedelta(days=1)
        done += 1
    return done


def rebuild_days(days: Iterable[date]) -> int:
    """Count the rolled-up ones of `days` again (those after the mark are counted live
    anyway): returns how many."""
    rebuilt = 0
    for day in sorted(set(days)):
        with transaction.atomic():
            mark = _lock()
            if mark is not None and day <= mark.day:
                _rebuild(day)
                rebuilt += 1
    return rebuilt


def rebuild_all(*, today: date | None = None) -> int:
    """Forget the roll-up and build it again (after tickets were written around save(),
    e.g. by a bulk load, or after TIME_ZONE changed)."""
    with transaction.atomic():
        for model in (RegisteredHour, ResolvedDay, ResolvedTime, RollupMark):
            model.objects.all().delete()
    total = 0
    while done := roll_up(today=today):
        total += done
    return total


def touch(times: Iterable[datetime | None]) -> None:
    """Rebuild, after commit, the past days of these registration and resolution times."""
    today = timezone.localdate()
    days = {timezone.localdate(at) for at in times if at is not None}
    past = sorted(day.isoformat() for day in days if day < today)
    if past:
        from incidents.tasks import dashboard_rebuild_days

        transaction.on_commit(lambda: dashboard_rebuild_days.delay(past))


def touch_ticket(ticket: Incident) -> None:
    """A ticket saved or deleted: its days as loaded and as they are now."""
    loaded = getattr(ticket, "loaded_times", ())
    touch([*loaded, ticket.registered_at, ticket.resolved_at])


# ----- one day --------------------------------------------------------------------------


def _lock() -> RollupMark | None:
    return RollupMark.objects.select_for_update().first()


def _advance(mark: RollupMark | None, day: date) -> None:
    ends_at = period_of(day, day).end
    if mark is None:
        RollupMark.objects.create(day=day, ends_at=ends_at)
    else:
        RollupMark.objects.filter(pk=mark.pk).update(day=day, ends_at=ends_at)


def _rebuild(day: date) -> None:
    """The day's rows, counted again from its tickets."""
    period = period_of(day, day)
    for model in (RegisteredHour, ResolvedDay, ResolvedTime):
        model.objects.filter(day=day).delete()
    arrivals = (
        Incident.objects.filter(registered(period))
        .order_by()
        .annotate(hour_of_day=ExtractHour("registered_at", tzinfo=timezone.get_current_timezone()))
        .values("support_group", "hour_of_day")
        .annotate(**metrics.arrival_figures())
    )
    RegisteredHour.objects.bulk_create(
        RegisteredHour(day=day, **_fields(row, metrics.ARRIVAL_TIMES)) for row in arrivals
    )
    resolutions = (
        Incident.objects.filter(resolved(period))
        .order_by()
        .values("support_group", "assignee")
        .annotate(**metrics.resolution_figures())
    )
    ResolvedDay.objects.bulk_create(
        ResolvedDay(day=day, **_fields(row, ["resolve_time"])) for row in resolutions
    )
    bands = (
        Incident.objects.filter(resolved(period) & WORKED)
        .order_by()
        .annotate(band=metrics.time_band(), group=F("support_group"))
        .values("group", "band")
        .annotate(count=metrics.tally())
    )
    ResolvedTime.objects.bulk_create(
        ResolvedTime(day=day, support_group_id=row["group"], band=row["band"], count=row["count"])
        for row in bands
    )


def _fields(row: Mapping[str, Any], durations: list[str]) -> dict[str, Any]:
    """A group's row as a roll-up row's fields: the keys named as the fields are, and the
    summed durations as timedelta (SQLite answers microseconds)."""
    renamed = {
        "hour_of_day": "hour",
        "support_group": "support_group_id",
        "assignee": "assignee_id",
    }
    fields = {renamed.get(key, key): value for key, value in row.items()}
    return {**fields, **{name: duration(row[name]) for name in durations}}
