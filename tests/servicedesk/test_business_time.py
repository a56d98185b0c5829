"""Business-time arithmetic (servicedesk/business_time.py), without the database.

The table cases were worked out by hand with a calendar: the expected instants are
written literally, with their UTC offsets, never computed by the code under test. The
property tests check the laws that tie add_business_time and business_time_between
together over random schedules, zones and starts around the DST changes, and compare
business_time_between with a minute-by-minute count written independently here.
"""

import time as clock
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from servicedesk.business_time import (
    Schedule,
    add_business_time,
    business_time_between,
    is_business_time,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
WEEKDAYS = range(5)
ALL_DAYS = range(7)


def at(text: str) -> datetime:
    """An aware datetime written with its offset, e.g. "2026-11-16 10:00+01:00"."""
    moment = datetime.fromisoformat(text)
    assert moment.tzinfo is not None
    return moment


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


OFFICE = Schedule(BERLIN, {day: [(time(9), time(18))] for day in WEEKDAYS})
OFFICE_BERLIN_HOLIDAYS = Schedule(
    BERLIN,
    {day: [(time(9), time(18))] for day in WEEKDAYS},
    closed_dates=holidays.country_holidays("DE", subdiv="BE"),
)
OFFICE_CLOSED_16_NOV = Schedule(
    BERLIN,
    {day: [(time(9), time(18))] for day in WEEKDAYS},
    closed_dates=frozenset({date(2026, 11, 16)}),
)
ALWAYS = Schedule(BERLIN, always_open=True)
NIGHTS = Schedule(BERLIN, {day: [(time(0), time(6))] for day in ALL_DAYS})
SPLIT = Schedule(BERLIN, {day: [(time(8), time(12)), (time(13), time(17))] for day in WEEKDAYS})
EVENINGS = Schedule(BERLIN, {day: [(time(18), time(0))] for day in WEEKDAYS})
NEW_YORK_OFFICE = Schedule(NEW_YORK, {day: [(time(9), time(17))] for day in WEEKDAYS})
EARLY_HOURS = Schedule(BERLIN, {day: [(time(1, 30), time(3, 30))] for day in ALL_DAYS})

SCHEDULES = {
    "office": OFFICE,
    "office_de_be": OFFICE_BERLIN_HOLIDAYS,
    "office_closed_16_nov": OFFICE_CLOSED_16_NOV,
    "24x7": ALWAYS,
    "nights": NIGHTS,
    "split": SPLIT,
    "evenings": EVENINGS,
    "new_york": NEW_YORK_OFFICE,
}

# (schedule, start, business time to add, expected instant) - worked out by hand.
ADD_CASES = {
    # Mon-Fri 09:00-18:00 Europe/Berlin
    "friday 17:00 + 2 h is monday 10:00": (
        "office",
        "2026-11-13 17:00+01:00",
        hours(2),
        "2026-11-16 10:00+01:00",
    ),
    "a start on saturday counts from monday 09:00": (
        "office",
        "2026-11-14 11:00+01:00",
        hours(1),
        "2026-11-16 10:00+01:00",
    ),
    "a start on sunday evening counts from monday 09:00": (
        "office",
        "2026-11-15 23:59+01:00",
        timedelta(minutes=1),
        "2026-11-16 09:01+01:00",
    ),
    "a start exactly at 18:00 counts from the next morning": (
        "office",
        "2026-11-11 18:00+01:00",
        hours(1),
        "2026-11-12 10:00+01:00",
    ),
    "a start at friday 18:00 counts from monday": (
        "office",
        "2026-11-13 18:00+01:00",
        timedelta(minutes=30),
        "2026-11-16 09:30+01:00",
    ),
    "a start before opening counts from 09:00": (
        "office",
        "2026-11-16 07:30+01:00",
        hours(1),
        "2026-11-16 10:00+01:00",
    ),
    "a start exactly at 09:00 counts at once": (
        "office",
        "2026-11-16 09:00+01:00",
        timedelta(minutes=1),
        "2026-11-16 09:01+01:00",
    ),
    "a target running out at closing time lands on 18:00, not the next morning": (
        "office",
        "2026-11-16 09:00+01:00",
        hours(9),
        "2026-11-16 18:00+01:00",
    ),
    "one full working week": (
        "office",
        "2026-11-16 09:00+01:00",
        hours(45),
        "2026-11-20 18:00+01:00",
    ),
    "zero business time is the start itself, even outside hours": (
        "office",
        "2026-11-14 11:00+01:00",
        timedelta(0),
        "2026-11-14 11:00+01:00",
    ),
    "a start given in UTC is read in the calendar's zone": (
        "office",
        "2026-11-13 16:00+00:00",
        hours(2),
        "2026-11-16 09:00+00:00",
    ),
    "the weekend of the spring-forward change: wall-clock hours, not 24 h days": (
        "office",
        "2026-03-27 17:00+01:00",
        hours(2),
        "2026-03-30 10:00+02:00",
    ),
    "the weekend of the fall-back change": (
        "office",
        "2026-10-23 17:00+02:00",
        hours(2),
        "2026-10-26 10:00+01:00",
    ),
    # German (Berlin) public holidays
    "christmas day (friday) is closed: thursday 24 dec 17:00 + 2 h is monday 28th 10:00": (
        "office_de_be",
        "2026-12-24 17:00+01:00",
        hours(2),
        "2026-12-28 10:00+01:00",
    ),
    "20 h from wednesday 23 dec 10:00 jump christmas to monday noon": (
        "office_de_be",
        "2026-12-23 10:00+01:00",
        hours(20),
        "2026-12-28 12:00+01:00",
    ),
    "new year's day (friday) is closed": (
        "office_de_be",
        "2026-12-31 17:00+01:00",
        hours(2),
        "2027-01-04 10:00+01:00",
    ),
    "ascension day (thursday 14 may) is closed": (
        "office_de_be",
        "2026-05-13 17:00+02:00",
        hours(2),
        "2026-05-15 10:00+02:00",
    ),
    "without holidays christmas day is a working day": (
        "office",
        "2026-12-24 17:00+01:00",
        hours(2),
        "2026-12-25 10:00+01:00",
    ),
    # An extra closed date (CalendarHoliday): Monday 16 November
    "an extra holiday on monday moves friday 17:00 + 2 h to tuesday 10:00": (
        "office_closed_16_nov",
        "2026-11-13 17:00+01:00",
        hours(2),
        "2026-11-17 10:00+01:00",
    ),
    # 24x7: real elapsed time
    "24x7: 24 h across spring-forward is 13:00 the next day": (
        "24x7",
        "2026-03-28 12:00+01:00",
        hours(24),
        "2026-03-29 13:00+02:00",
    ),
    "24x7: 24 h across fall-back is 11:00 the next day": (
        "24x7",
        "2026-10-24 12:00+02:00",
        hours(24),
        "2026-10-25 11:00+01:00",
    ),
    "24x7: holidays and weekends count": (
        "24x7",
        "2026-12-24 17:00+01:00",
        hours(72),
        "2026-12-27 17:00+01:00",
    ),
    # Every day 00:00-06:00 Europe/Berlin
    "00:00-06:00 on spring-forward day: 3 h from midnight is 04:00 summer time": (
        "nights",
        "2026-03-29 00:00+01:00",
        hours(3),
        "2026-03-29 04:00+02:00",
    ),
    "00:00-06:00 on spring-forward day holds only 5 h": (
        "nights",
        "2026-03-29 00:00+01:00",
        hours(5),
        "2026-03-29 06:00+02:00",
    ),
    "00:00-06:00 on spring-forward day: the 6th hour is taken the next night": (
        "nights",
        "2026-03-29 00:00+01:00",
        hours(5.5),
        "2026-03-30 00:30+02:00",
    ),
    "00:00-06:00 on fall-back day: 4 h from midnight is 03:00 winter time": (
        "nights",
        "2026-10-25 00:00+02:00",
        hours(4),
        "2026-10-25 03:00+01:00",
    ),
    "00:00-06:00 on fall-back day holds 7 h": (
        "nights",
        "2026-10-25 00:00+02:00",
        hours(7),
        "2026-10-25 06:00+01:00",
    ),
    "00:00-06:00 on fall-back day: the 8th hour is taken the next night": (
        "nights",
        "2026-10-25 00:00+02:00",
        hours(7) + timedelta(minutes=1),
        "2026-10-26 00:01+01:00",
    ),
    "00:00-06:00: a start in the repeated hour (second pass) counts from there": (
        "nights",
        "2026-10-25 02:30+01:00",
        hours(1),
        "2026-10-25 03:30+01:00",
    ),
    # Split shift Mon-Fri 08:00-12:00 and 13:00-17:00
    "split shift: the lunch break does not count": (
        "split",
        "2026-11-16 11:30+01:00",
        hours(1),
        "2026-11-16 13:30+01:00",
    ),
    "split shift: a start in the lunch break counts from 13:00": (
        "split",
        "2026-11-16 12:15+01:00",
        hours(4),
        "2026-11-16 17:00+01:00",
    ),
    "split shift: the morning ends at 12:00 exactly": (
        "split",
        "2026-11-16 08:00+01:00",
        hours(4),
        "2026-11-16 12:00+01:00",
    ),
    # Evening shift Mon-Fri 18:00-00:00 (00:00 = midnight at the end of the day)
    "evening shift running out at midnight lands on midnight": (
        "evenings",
        "2026-11-16 22:00+01:00",
        hours(2),
        "2026-11-17 00:00+01:00",
    ),
    "evening shift: 23:00 + 2 h is 19:00 the next evening": (
        "evenings",
        "2026-11-16 23:00+01:00",
        hours(2),
        "2026-11-17 19:00+01:00",
    ),
    "evening shift: friday 23:00 + 2 h is monday 19:00": (
        "evenings",
        "2026-11-20 23:00+01:00",
        hours(2),
        "2026-11-23 19:00+01:00",
    ),
    # Mon-Fri 09:00-17:00 America/New_York (US change on 8 March)
    "new york: friday 16:00 EST + 2 h is monday 10:00 EDT": (
        "new_york",
        "2026-03-06 16:00-05:00",
        hours(2),
        "2026-03-09 10:00-04:00",
    ),
    "new york: a Berlin start is read in New York time": (
        "new_york",
        "2026-11-16 14:00+01:00",
        hours(1),
        "2026-11-16 10:00-05:00",
    ),
}


@pytest.mark.parametrize(
    ("schedule", "start", "duration", "expected"), ADD_CASES.values(), ids=ADD_CASES.keys()
)
def test_add_business_time_hand_worked(schedule, start, duration, expected):
    result = add_business_time(SCHEDULES[schedule], at(start), duration)

    assert result == at(expected)
    assert result.utcoffset() == timedelta(0)  # always returned in UTC
    assert business_time_between(SCHEDULES[schedule], at(start), result) == duration


# (schedule, start, end, expected business time) - worked out by hand.
BETWEEN_CASES = {
    "24x7 spring-forward day has 23 h": (
        "24x7",
        "2026-03-29 00:00+01:00",
        "2026-03-30 00:00+02:00",
        hours(23),
    ),
    "24x7 fall-back day has 25 h": (
        "24x7",
        "2026-10-25 00:00+02:00",
        "2026-10-26 00:00+01:00",
        hours(25),
    ),
    "00:00-06:00 on an ordinary day is 6 h": (
        "nights",
        "2026-03-28 00:00+01:00",
        "2026-03-29 00:00+01:00",
        hours(6),
    ),
    "00:00-06:00 on spring-forward day is 5 h": (
        "nights",
        "2026-03-29 00:00+01:00",
        "2026-03-30 00:00+02:00",
        hours(5),
    ),
    "00:00-06:00 on fall-back day is 7 h": (
        "nights",
        "2026-10-25 00:00+02:00",
        "2026-10-26 00:00+01:00",
        hours(7),
    ),
    "01:30-03:30 on spring-forward day: 01:30-02:00 and 03:00-03:30": (
        "early_hours",
        "2026-03-29 00:00+01:00",
        "2026-03-30 00:00+02:00",
        hours(1),
    ),
    "01:30-03:30 on fall-back day: 01:30-03:00 summer time, then 02:00-03:30 winter time": (
        "early_hours",
        "2026-10-25 00:00+02:00",
        "2026-10-26 00:00+01:00",
        hours(3),
    ),
    "office week": ("office", "2026-11-16 00:00+01:00", "2026-11-23 00:00+01:00", hours(45)),
    "office: a weekend is nothing": (
        "office",
        "2026-11-13 18:00+01:00",
        "2026-11-16 09:00+01:00",
        timedelta(0),
    ),
    "office christmas week in Berlin: 4 days (24, 28, 29, 30) + 31 Dec": (
        "office_de_be",
        "2026-12-24 00:00+01:00",
        "2027-01-01 00:00+01:00",
        hours(5 * 9),
    ),
    "office: an end before the start is zero": (
        "office",
        "2026-11-16 12:00+01:00",
        "2026-11-16 10:00+01:00",
        timedelta(0),
    ),
    "evening shift: friday 17:00 to saturday 00:00 is 6 h": (
        "evenings",
        "2026-11-20 17:00+01:00",
        "2026-11-21 00:00+01:00",
        hours(6),
    ),
}
SCHEDULES["early_hours"] = EARLY_HOURS


@pytest.mark.parametrize(
    ("schedule", "start", "end", "expected"), BETWEEN_CASES.values(), ids=BETWEEN_CASES.keys()
)
def test_business_time_between_hand_worked(schedule, start, end, expected):
    assert business_time_between(SCHEDULES[schedule], at(start), at(end)) == expected


class TestAPause:
    """A ticket opened Monday 10:00, paused (waiting for the customer) from 12:00 until
    Tuesday 11:00, resolved Tuesday 15:00, on Mon-Fri 09:00-18:00."""

    opened = at("2026-11-16 10:00+01:00")
    paused = at("2026-11-16 12:00+01:00")
    resumed = at("2026-11-17 11:00+01:00")
    resolved = at("2026-11-17 15:00+01:00")

    def test_the_clock_ran_for_the_two_spans_summed(self):
        running = business_time_between(OFFICE, self.opened, self.paused)
        running += business_time_between(OFFICE, self.resumed, self.resolved)

        assert running == hours(2 + 4)

    def test_the_pause_and_the_running_time_make_up_the_whole(self):
        pause = business_time_between(OFFICE, self.paused, self.resumed)

        assert pause == hours(6 + 2)
        assert business_time_between(OFFICE, self.opened, self.resolved) == hours(6) + pause

    def test_the_pause_moves_an_8_hour_target_from_monday_to_tuesday_17_00(self):
        pause = business_time_between(OFFICE, self.paused, self.resumed)

        assert add_business_time(OFFICE, self.opened, hours(8)) == at("2026-11-16 18:00+01:00")
        assert add_business_time(OFFICE, self.opened, hours(8) + pause) == at(
            "2026-11-17 17:00+01:00"
        )


@pytest.mark.parametrize(
    ("schedule", "moment", "expected"),
    [
        (OFFICE, "2026-11-16 09:00+01:00", True),
        (OFFICE, "2026-11-16 17:59:59+01:00", True),
        (OFFICE, "2026-11-16 18:00+01:00", False),
        (OFFICE, "2026-11-16 08:59:59+01:00", False),
        (OFFICE, "2026-11-14 12:00+01:00", False),  # Saturday
        (OFFICE_BERLIN_HOLIDAYS, "2026-12-25 12:00+01:00", False),  # Christmas
        (OFFICE_BERLIN_HOLIDAYS, "2026-12-24 12:00+01:00", True),
        (OFFICE_CLOSED_16_NOV, "2026-11-16 12:00+01:00", False),
        (ALWAYS, "2026-12-25 03:00+01:00", True),
        (EVENINGS, "2026-11-16 23:59:59+01:00", True),
        (EVENINGS, "2026-11-17 00:00+01:00", False),
        (NIGHTS, "2026-10-25 02:30+01:00", True),  # the repeated hour, second pass
        (NEW_YORK_OFFICE, "2026-11-16 15:30+01:00", True),  # 09:30 in New York
    ],
)
def test_is_business_time(schedule, moment, expected):
    assert is_business_time(schedule, at(moment)) is expected


class TestBadInput:
    def test_naive_datetimes_are_refused(self):
        with pytest.raises(ValueError, match="aware"):
            add_business_time(OFFICE, datetime(2026, 11, 16, 10), hours(1))
        with pytest.raises(ValueError, match="aware"):
            business_time_between(OFFICE, datetime(2026, 11, 16, 10), at("2026-11-17 10:00Z"))
        with pytest.raises(ValueError, match="aware"):
            is_business_time(OFFICE, datetime(2026, 11, 16, 10))

    def test_a_negative_duration_is_refused(self):
        with pytest.raises(ValueError, match="negative"):
            add_business_time(OFFICE, at("2026-11-16 10:00+01:00"), -hours(1))

    def test_a_schedule_without_working_hours_is_refused(self):
        with pytest.raises(ValueError, match="at least one"):
            Schedule(BERLIN, {})
        with pytest.raises(ValueError, match="at least one"):
            Schedule(BERLIN, {0: []})

    def test_a_window_that_ends_before_it_starts_is_refused(self):
        with pytest.raises(ValueError, match="end after"):
            Schedule(BERLIN, {0: [(time(18), time(9))]})
        with pytest.raises(ValueError, match="end after"):
            Schedule(BERLIN, {0: [(time(9), time(9))]})

    def test_an_unknown_weekday_is_refused(self):
        with pytest.raises(ValueError, match="weekdays"):
            Schedule(BERLIN, {7: [(time(9), time(18))]})

    def test_a_schedule_that_is_always_closed_raises_instead_of_looping_forever(self):
        closed = Schedule(BERLIN, {0: [(time(9), time(18))]}, closed_dates=lambda day: True)
        started = clock.perf_counter()

        with pytest.raises(ValueError, match="no business time"):
            add_business_time(closed, at("2026-11-16 10:00+01:00"), hours(1))

        assert clock.perf_counter() - started < 2
        assert business_time_between(
            closed, at("2026-01-01 00:00Z"), at("2027-01-01 00:00Z")
        ) == timedelta(0)


def test_a_whole_day_window_is_00_00_to_00_00():
    whole_days = Schedule(BERLIN, {day: [(time(0), time(0))] for day in WEEKDAYS})

    assert business_time_between(
        whole_days, at("2026-11-16 00:00+01:00"), at("2026-11-23 00:00+01:00")
    ) == hours(5 * 24)


def test_overlapping_and_touching_windows_are_merged():
    overlapping = Schedule(
        BERLIN, {0: [(time(9), time(12)), (time(11), time(14)), (time(14), time(15))]}
    )

    assert overlapping.windows_on(0) == ((hours(9), hours(15)),)
    assert business_time_between(
        overlapping, at("2026-11-16 00:00+01:00"), at("2026-11-17 00:00+01:00")
    ) == hours(6)


def test_thirty_days_of_business_time_are_added_day_by_day_not_minute_by_minute():
    schedule = Schedule(
        BERLIN,
        {day: [(time(9), time(18))] for day in WEEKDAYS},
        closed_dates=holidays.country_holidays("DE", subdiv="BE"),
    )
    start = at("2026-01-05 09:00+01:00")
    started = clock.perf_counter()

    due = add_business_time(schedule, start, timedelta(days=30))

    assert clock.perf_counter() - started < 0.5
    # 720 h at 45 h a week is 16 weeks (to Friday 24 April), plus the 18 h lost to Good
    # Friday (3 April) and Easter Monday (6 April): Monday 27 and Tuesday 28 April.
    assert due == at("2026-04-28 18:00+02:00")
    assert business_time_between(schedule, start, due) == timedelta(days=30)


# ----- properties ---------------------------------------------------------------------------

ZONES = ["Europe/Berlin", "Europe/London", "America/New_York", "Asia/Kolkata", "Australia/Sydney"]
# The DST changes of 2026 in those zones (Kolkata has none).
DST_DAYS = [
    datetime(2026, 3, 8, tzinfo=UTC),  # New York springs forward
    datetime(2026, 3, 29, tzinfo=UTC),  # Europe springs forward
    datetime(2026, 4, 5, tzinfo=UTC),  # Sydney falls back
    datetime(2026, 10, 4, tzinfo=UTC),  # Sydney springs forward
    datetime(2026, 10, 25, tzinfo=UTC),  # Europe falls back
    datetime(2026, 11, 1, tzinfo=UTC),  # New York falls back
]

# Window edges: mostly on the hour or half hour, so that they often meet the DST changes
# (01:00, 02:00, 03:00 local), sometimes any minute.
minute_of_day = st.one_of(
    st.integers(0, 47).map(lambda k: 30 * k),
    st.integers(0, 1439),
)


@st.composite
def windows(draw):
    start = draw(minute_of_day)
    end = draw(st.integers(start + 1, 1440))
    return (time(start // 60, start % 60), time(0) if end == 1440 else time(end // 60, end % 60))


@st.composite
def schedules(draw):
    tz = ZoneInfo(draw(st.sampled_from(ZONES)))
    if draw(st.integers(0, 9)) == 0:
        return Schedule(tz, always_open=True)
    weekly = draw(
        st.dictionaries(st.integers(0, 6), st.lists(windows(), min_size=1, max_size=3), min_size=1)
    )
    closed = draw(st.frozensets(st.dates(date(2025, 12, 1), date(2027, 3, 1)), max_size=40))
    return Schedule(tz, weekly, closed_dates=closed)


near_dst = st.builds(
    lambda day, offset: day + offset,
    st.sampled_from(DST_DAYS),
    st.timedeltas(min_value=timedelta(days=-3), max_value=timedelta(days=3)),
)
anywhere = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
)
# Starts handed in any of the zones (or UTC): the zone of the input must not matter.
instants = st.builds(
    lambda moment, zone: moment.astimezone(ZoneInfo(zone)) if zone else moment,
    st.one_of(near_dst, anywhere),
    st.sampled_from([None, *ZONES]),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5))

PROPERTY_SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


@PROPERTY_SETTINGS
@given(schedule=schedules(), start=instants, duration=durations)
def test_the_business_time_between_a_start_and_start_plus_d_is_d(schedule, start, duration):
    due = add_business_time(schedule, start, duration)

    assert due.utcoffset() == timedelta(0)
    assert due >= start
    assert business_time_between(schedule, start, due) == duration
    if duration:
        # It lands in business time, or at the very end of a window.
        assert is_business_time(schedule, due - timedelta(microseconds=1))


@PROPERTY_SETTINGS
@given(schedule=schedules(), start=instants, first=durations, second=durations)
def test_adding_more_business_time_never_gives_an_earlier_instant(schedule, start, first, second):
    shorter, longer = sorted([first, second])

    assert add_business_time(schedule, start, shorter) <= add_business_time(schedule, start, longer)


@PROPERTY_SETTINGS
@given(
    schedule=schedules(),
    start=instants,
    gaps=st.lists(
        st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=4)),
        min_size=2,
        max_size=2,
    ),
)
def test_business_time_between_is_additive(schedule, start, gaps):
    a = start
    b = a + gaps[0]
    c = b + gaps[1]

    assert business_time_between(schedule, a, c) == business_time_between(
        schedule, a, b
    ) + business_time_between(schedule, b, c)


def wall_clock_says_open(
    tz: ZoneInfo, windows_by_day, closed: frozenset[date], moment: datetime
) -> bool:
    """Independent of the module: read the local clock and calendar, compare."""
    local = moment.astimezone(tz)
    if local.date() in closed:
        return False
    wall = local.time().replace(tzinfo=None)
    return any(
        start <= wall and (end == time(0) or wall < end)
        for start, end in windows_by_day.get(local.weekday(), [])
    )


# The instants of the 2026 DST changes, per zone.
DST_CHANGES = {
    "Europe/Berlin": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "Europe/London": [datetime(2026, 3, 29, 1, tzinfo=UTC), datetime(2026, 10, 25, 1, tzinfo=UTC)],
    "America/New_York": [
        datetime(2026, 3, 8, 7, tzinfo=UTC),
        datetime(2026, 11, 1, 6, tzinfo=UTC),
    ],
    "Australia/Sydney": [
        datetime(2026, 4, 4, 16, tzinfo=UTC),
        datetime(2026, 10, 3, 16, tzinfo=UTC),
    ],
    "Asia/Kolkata": [],
}


@st.composite
def zone_and_start(draw):
    """A zone and a whole-minute start; mostly up to 36 h before one of its DST changes,
    so that the two days counted from there contain it."""
    zone = draw(st.sampled_from(ZONES))
    changes = DST_CHANGES[zone]
    if changes and draw(st.integers(0, 3)):
        start = draw(st.sampled_from(changes)) - timedelta(minutes=draw(st.integers(0, 36 * 60)))
    else:
        start = draw(anywhere).replace(second=0, microsecond=0)
    return zone, start


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    zone_start=zone_and_start(),
    weekly=st.dictionaries(
        st.integers(0, 6), st.lists(windows(), min_size=1, max_size=3), min_size=1
    ),
    closed=st.frozensets(st.dates(date(2026, 1, 1), date(2027, 1, 1)), max_size=3),
    minutes=st.integers(0, 2 * 24 * 60),
)
def test_business_time_between_agrees_with_counting_minutes_on_the_wall_clock(
    zone_start, weekly, closed, minutes
):
    tz, start = zone_start
    schedule = Schedule(ZoneInfo(tz), weekly, closed_dates=closed)
    # Window edges and UTC offsets are whole minutes, so each UTC minute is all in or out.
    minute_starts = [start + timedelta(minutes=k) for k in range(minutes)]
    open_minutes = [
        m for m in minute_starts if wall_clock_says_open(schedule.tz, weekly, closed, m)
    ]

    assert business_time_between(schedule, start, start + timedelta(minutes=minutes)) == timedelta(
        minutes=len(open_minutes)
    )
    for moment in minute_starts[:: max(1, minutes // 50)]:
        assert is_business_time(schedule, moment) is wall_clock_says_open(
            schedule.tz, weekly, closed, moment
        )


@PROPERTY_SETTINGS
@given(tz=st.sampled_from(ZONES), start=instants, duration=durations)
def test_a_24x7_schedule_counts_real_elapsed_time(tz, start, duration):
    schedule = Schedule(ZoneInfo(tz), always_open=True)

    due = add_business_time(schedule, start, duration)

    assert due == start.astimezone(UTC) + duration
    assert business_time_between(schedule, start, due) == duration
