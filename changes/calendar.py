"""The change calendar's geometry: the days of a month or a week in the current time zone
(timezone.localtime), each with the parts of the change windows and blackout periods
that fall on it. Windows are half-open, [start, end): a window that ends at midnight
does not touch the next day. No queries here: the view reads the changes, blackouts and
conflicts (changes/selectors.py, changes/conflicts.py) and hands them in."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone
from django.utils.translation import gettext

from changes.conflicts import Conflict
from changes.models import BlackoutPeriod, ChangeRequest

MONTH = "month"
WEEK = "week"
VIEWS = (MONTH, WEEK)
#: How far from today the calendar goes (a typed date beyond it falls back to today).
REACH_YEARS = 50


@dataclass(frozen=True)
class Span:
    """The part of a window on one day: its local start if it starts that day, its local
    end if it ends that day (None where it runs on from the day before or into the next);
    `midnight` is the end of that day."""

    starts: datetime | None
    ends: datetime | None
    midnight: datetime

    @property
    def all_day(self) -> bool:
        from_start = self.starts is None or self.starts.time() == time.min
        return from_start and (self.ends is None or self.ends == self.midnight)

    @property
    def label(self) -> str:
        """ "09:00–11:30", "22:00 →" (on into the next day), "→ 02:00" (on from the day
        before), "22:00–24:00", or "all day"."""
        if self.all_day:
            return gettext("all day")
        ends = "24:00" if self.ends == self.midnight else _clock(self.ends)
        if self.starts is not None and self.ends is not None:
            return f"{_clock(self.starts)}–{ends}"
        if self.starts is not None:
            return f"{_clock(self.starts)} →"
        return f"→ {ends}"


def _clock(moment: datetime | None) -> str:
    return "" if moment is None else f"{moment:%H:%M}"


@dataclass(frozen=True)
class Entry:
    change: ChangeRequest
    span: Span
    conflicts: Sequence[Conflict] = ()


@dataclass(frozen=True)
class Shade:
    blackout: BlackoutPeriod
    span: Span


@dataclass
class Day:
    date: date
    #: In the month shown (the weeks of a month view begin and end in its neighbours).
    in_period: bool
    is_today: bool
    entries: list[Entry] = field(default_factory=list)
    blackouts: list[Shade] = field(default_factory=list)
    #: The entries the day does not list (limit_entries), the last ones.
    hidden: int = 0

    @property
    def shown(self) -> list[Entry]:
        """The entries the day lists."""
        return self.entries[: len(self.entries) - self.hidden]

    @property
    def has_conflict(self) -> bool:
        return any(entry.conflicts for entry in self.entries)


@dataclass
class Calendar:
    view: str
    #: The first day of the month, or the first day of the week, shown.
    anchor: date
    today: date
    previous: date
    next: date
    weeks: list[list[Day]]
    #: The day asked for (today unless one was given): the view switches keep to it.
    focus: date

    @property
    def days(self) -> list[Day]:
        return [day for week in self.weeks for day in week]

    @property
    def first(self) -> date:
        return self.weeks[0][0].date

    @property
    def last(self) -> date:
        return self.weeks[-1][-1].date

    @property
    def middle(self) -> date:
        """A day in the middle of the first week (its ISO week number names a week)."""
        return self.weeks[0][3].date

    @property
    def month_date(self) -> date:
        """Where the Month switch goes: the month of the day asked for."""
        return self.focus.replace(day=1)

    @property
    def week_date(self) -> date:
        """Where the Week switch goes: the week of the day asked for."""
        return self.focus

    @property
    def start(self) -> datetime:
        return start_of(self.first)

    @property
    def end(self) -> datetime:
        return start_of(self.last + timedelta(days=1))


def start_of(day: date) -> datetime:
    """Midnight at the start of `day` in the current time zone."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())


def parse(view: str | None, day: str | None, today: date) -> tuple[str, date]:
    """The view asked for (month unless week) and the day it shows (today unless a valid
    ISO date not too far away)."""
    chosen = view if view in VIEWS else MONTH
    try:
        shown = date.fromisoformat(day or "")
    except ValueError:
        return chosen, today
    if abs(shown.year - today.year) > REACH_YEARS:
        return chosen, today
    return chosen, shown


def frame(view: str, day: date, today: date, first_weekday: int) -> Calendar:
    """The empty calendar around `day`: the weeks of its month (whole weeks, beginning on
    `first_weekday`, 0 = Sunday … 6 = Saturday, as Django's FIRST_DAY_OF_WEEK), or its
    week."""
    week_start = day - timedelta(days=(day.isoweekday() - first_weekday) % 7)
    if view == WEEK:
        days = [week_start + timedelta(days=n) for n in range(7)]
        return Calendar(
            WEEK,
            week_start,
            today,
            week_start - timedelta(days=7),
            week_start + timedelta(days=7),
            [[Day(d, True, d == today) for d in days]],
            day,
        )
    first = day.replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    previous = (first - timedelta(days=1)).replace(day=1)
    start = first - timedelta(days=(first.isoweekday() - first_weekday) % 7)
    weeks = []
    while start < following:
        weeks.append(
            [
                Day(d, d.month == first.month, d == today)
                for d in (start + timedelta(days=n) for n in range(7))
            ]
        )
        start += timedelta(days=7)
    return Calendar(MONTH, first, today, previous, following, weeks, day)


def fill(
    calendar: Calendar,
    changes: Sequence[ChangeRequest],
    blackouts: Sequence[BlackoutPeriod],
    conflicts: dict[int, list[Conflict]],
) -> Calendar:
    """Put each change's window and each blackout on the days it spans."""
    days = {day.date: day for day in calendar.days}
    for change in changes:
        if change.planned_start is None or change.planned_end is None:
            continue
        for day, span in _spans(change.planned_start, change.planned_end, days):
            day.entries.append(Entry(change, span, tuple(conflicts.get(change.pk, ()))))
    for blackout in blackouts:
        for day, span in _spans(blackout.starts_at, blackout.ends_at, days):
            day.blackouts.append(Shade(blackout, span))
    return calendar


def limit_entries(calendar: Calendar, per_day: int) -> Calendar:
    """Each day lists its first `per_day` entries and counts the rest (`hidden`)."""
    for day in calendar.days:
        day.hidden = max(0, len(day.entries) - per_day)
    return calendar


def _spans(start: datetime, end: datetime, days: dict[date, Day]) -> list[tuple[Day, Span]]:
    """The shown days [start, end) touches, with the part of it on each."""
    if end <= start:
        return []
    local_start, local_end = timezone.localtime(start), timezone.localtime(end)
    first = local_start.date()
    # The last moment inside the window decides the last day: an end at midnight does
    # not reach into the day it begins.
    last = timezone.localtime(end - timedelta(microseconds=1)).date()
    found = []
    day = max(first, min(days))
    while day <= last and day in days:
        starts = local_start if day == first else None
        ends = local_end if day == last else None
        found.append((days[day], Span(starts, ends, start_of(day + timedelta(days=1)))))
        day += timedelta(days=1)
    return found
