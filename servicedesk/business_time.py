"""Business-time arithmetic: pure functions on a `Schedule`, no database.

A schedule says when the clock runs: weekly windows of local wall time, a set of closed
dates (public holidays and extra dates), in one time zone, or simply always (24×7).

Definitions (these are the contract the tests check):

* An instant is *business time* when, in the schedule's time zone, its local date is not
  closed and its local wall-clock time lies in one of that weekday's windows
  ``start <= wall < end``. So a window 00:00-06:00 lasts 5 real hours on the day clocks
  spring forward and 7 on the day they fall back; wall times that do not exist (the
  skipped hour) are never business time, and a repeated hour counts twice.
* A window's ``end`` of 00:00 (``time(0, 0)``) means midnight at the *end* of the day
  (24:00): ``(time(0), time(0))`` is the whole day. Windows never cross midnight; write
  22:00-00:00 on one day and 00:00-06:00 on the next.
* Overlapping or touching windows of one weekday are merged.
* An always-open (24×7) schedule ignores weekly windows *and* closed dates: every real
  second counts, so durations are elapsed time (24 h after 12:00 on the day before the
  spring-forward change is 13:00 local).

All functions take aware datetimes in any zone and return aware datetimes in UTC; naive
datetimes raise ValueError. The loops go day by day (each day is O(number of windows)),
never minute by minute; a schedule that has no business time for two years running raises
ValueError instead of looping forever.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Container, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

__all__ = [
    "MIDNIGHT",
    "Schedule",
    "add_business_time",
    "business_time_between",
    "is_business_time",
]

MIDNIGHT = time(0, 0)
DAY = timedelta(days=1)
ZERO = timedelta(0)
# How many consecutive days without any business time add_business_time accepts before it
# gives up: a schedule that is closed for two years is a configuration error.
MAX_IDLE_DAYS = 2 * 366

Window = tuple[time, time]
ClosedDates = Container[date] | Callable[[date], bool]


@dataclass(frozen=True, eq=False)
class Schedule:
    """When the clock runs.

    tz: the zone the windows and dates are read in.
    weekly: weekday (0 = Monday … 6 = Sunday) → windows ``(start, end)`` of naive local
        times; an end of 00:00 means 24:00. Several windows per day make split shifts.
    closed_dates: dates on which no window opens: anything supporting ``in`` (a frozenset,
        a ``holidays.HolidayBase``, which fills in years lazily) or a predicate.
    always_open: 24×7; weekly and closed_dates are then ignored.
    """

    tz: ZoneInfo
    weekly: Mapping[int, Iterable[Window]] = field(default_factory=dict)
    closed_dates: ClosedDates = frozenset()
    always_open: bool = False
    # Per weekday: merged windows as (offset from local midnight, offset), end <= 24 h.
    _windows: tuple[tuple[tuple[timedelta, timedelta], ...], ...] = field(init=False, repr=False)
    _day_cache: dict[date, tuple[tuple[datetime, datetime], ...]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if not isinstance(self.tz, ZoneInfo):
            raise TypeError("Schedule.tz must be a zoneinfo.ZoneInfo")
        unknown = set(self.weekly) - set(range(7))
        if unknown:
            raise ValueError(f"weekdays must be 0 (Monday) to 6 (Sunday), got {sorted(unknown)}")
        windows = tuple(_normalise(self.weekly.get(weekday, ())) for weekday in range(7))
        if not self.always_open and not any(windows):
            raise ValueError("a schedule that is not 24x7 needs at least one working window")
        object.__setattr__(self, "_windows", windows)
        object.__setattr__(self, "_day_cache", {})

    def is_closed(self, day: date) -> bool:
        """Whether `day` is a closed date (holiday); says nothing about weekly hours."""
        if callable(self.closed_dates):
            return bool(self.closed_dates(day))
        return day in self.closed_dates

    def windows_on(self, weekday: int) -> tuple[tuple[timedelta, timedelta], ...]:
        """The merged windows of a weekday as offsets from local midnight (end ≤ 24 h)."""
        return self._windows[weekday]

    def day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        """The business time of local date `day` as sorted, disjoint UTC intervals
        ``[start, end)``. Empty on closed dates and days without windows."""
        cached = self._day_cache.get(day)
        if cached is None:
            cached = self._compute_day_intervals(day)
            if len(self._day_cache) > 4096:
                self._day_cache.clear()
            self._day_cache[day] = cached
        return cached

    def _compute_day_intervals(self, day: date) -> tuple[tuple[datetime, datetime], ...]:
        windows = self._windows[day.weekday()]
        if not windows or self.is_closed(day):
            return ()
        # Local midnight written as if it were UTC: wall time w maps to the instant
        # w - offset under whichever offset is in force at that instant.
        base = datetime.combine(day, MIDNIGHT, tzinfo=UTC)
        pieces = []
        for regime_start, regime_end, offset in _regimes(self.tz, day):
            for window_start, window_end in windows:
                start = max(base + window_start - offset, regime_start)
                end = min(base + window_end - offset, regime_end)
                if start < end:
                    pieces.append((start, end))
        return tuple(_merge(sorted(pieces)))


def _normalise(windows: Iterable[Window]) -> tuple[tuple[timedelta, timedelta], ...]:
    spans = []
    for start, end in windows:
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError("working windows are naive local times")
        start_offset = _since_midnight(start)
        end_offset = DAY if end == MIDNIGHT else _since_midnight(end)
        if end_offset <= start_offset:
            raise ValueError(f"a window must end after it starts: {start}-{end}")
        spans.append((start_offset, end_offset))
    return tuple(_merge(sorted(spans)))


def _since_midnight(moment: time) -> timedelta:
    return timedelta(
        hours=moment.hour,
        minutes=moment.minute,
        seconds=moment.second,
        microseconds=moment.microsecond,
    )


def _merge[T: (datetime, timedelta)](spans: list[tuple[T, T]]) -> list[tuple[T, T]]:
    """Merge sorted, possibly overlapping or touching [start, end) spans."""
    merged: list[tuple[T, T]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _offset(tz: ZoneInfo, instant: datetime) -> timedelta:
    offset = instant.astimezone(tz).utcoffset()
    assert offset is not None
    return offset


# Every instant whose local date is `day` lies within 14 h before local midnight (UTC+14)
# and 12 h after the next one (UTC-12). Probing the offset every 6 h across that span
# finds each change of offset (DST, or a zone changing its standard time).
_PROBE_FROM = timedelta(hours=-14)
_PROBE_STEP = timedelta(hours=6)
_PROBES = 10  # -14 h … +40 h after local midnight


@functools.lru_cache(maxsize=8192)
def _regimes(tz: ZoneInfo, day: date) -> tuple[tuple[datetime, datetime, timedelta], ...]:
    """The UTC offsets in force around local date `day`: (from, until, offset) spans that
    together cover every instant that can have `day` as its local date."""
    base = datetime.combine(day, MIDNIGHT, tzinfo=UTC) + _PROBE_FROM
    probes = [base + _PROBE_STEP * k for k in range(_PROBES)]
    offsets = [_offset(tz, probe) for probe in probes]
    regimes = []
    start = probes[0] - DAY
    for k in range(_PROBES - 1):
        if offsets[k] != offsets[k + 1]:
            change = _first_instant_with_new_offset(tz, probes[k], probes[k + 1], offsets[k])
            regimes.append((start, change, offsets[k]))
            start = change
    regimes.append((start, probes[-1] + DAY, offsets[-1]))
    return tuple(regimes)


def _first_instant_with_new_offset(
    tz: ZoneInfo, before: datetime, after: datetime, old: timedelta
) -> datetime:
    """Bisect (to the second: tz data changes offsets on whole seconds) for the instant in
    (before, after] at which the offset stops being `old`."""
    low, high = before, after
    while high - low > timedelta(seconds=1):
        middle = low + timedelta(seconds=(high - low).total_seconds() // 2)
        if _offset(tz, middle) == old:
            low = middle
        else:
            high = middle
    return high


def _utc(moment: datetime, name: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime, got naive {moment!r}")
    return moment.astimezone(UTC)


def add_business_time(schedule: Schedule, start: datetime, duration: timedelta) -> datetime:
    """The instant (aware, UTC) at which `duration` of business time has elapsed after
    `start`. A duration that runs out exactly at the end of a window gives that end (not
    the start of the next window); a zero duration gives `start` itself."""
    start = _utc(start, "start")
    if duration < ZERO:
        raise ValueError(f"duration must not be negative, got {duration}")
    if schedule.always_open or duration == ZERO:
        return start + duration
    remaining = duration
    day = start.astimezone(schedule.tz).date()
    idle_days = 0
    while True:
        intervals = schedule.day_intervals(day)
        if intervals:
            idle_days = 0
        else:
            idle_days += 1
            if idle_days > MAX_IDLE_DAYS:
                raise ValueError(
                    f"the schedule has no business time for {MAX_IDLE_DAYS} days after {day}"
                )
        for interval_start, interval_end in intervals:
            if interval_end <= start:
                continue
            interval_start = max(interval_start, start)
            available = interval_end - interval_start
            if remaining <= available:
                return interval_start + remaining
            remaining -= available
        day += DAY


def business_time_between(schedule: Schedule, start: datetime, end: datetime) -> timedelta:
    """Business time in ``[start, end)``; zero when end <= start."""
    start, end = _utc(start, "start"), _utc(end, "end")
    if end <= start:
        return ZERO
    if schedule.always_open:
        return end - start
    total = ZERO
    day = start.astimezone(schedule.tz).date()
    last = end.astimezone(schedule.tz).date()
    while day <= last:
        for interval_start, interval_end in schedule.day_intervals(day):
            overlap = min(interval_end, end) - max(interval_start, start)
            if overlap > ZERO:
                total += overlap
        day += DAY
    return total


def is_business_time(schedule: Schedule, moment: datetime) -> bool:
    """Whether the clock runs at `moment` (read directly from its local wall time)."""
    moment = _utc(moment, "moment")
    if schedule.always_open:
        return True
    local = moment.astimezone(schedule.tz)
    if schedule.is_closed(local.date()):
        return False
    wall = _since_midnight(local.time())
    return any(start <= wall < end for start, end in schedule.windows_on(local.weekday()))
