"""The change calendar (/changes/calendar/, changes/calendar.py): who may open it, the
month and week views, windows spanning days and weeks in the viewer's time zone (one
crossing midnight in Berlin, one across the change to summer time), blackouts, conflicts,
htmx swapping only the calendar, and a query count that stays flat."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes import calendar as cal
from changes import selectors
from changes.models import BlackoutPeriod, Status
from changes.views import calendar as calendar_view
from tests.changes.factories import ChangeFactory
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
URL = reverse("changes:calendar")
#: Thursday 12 March 2026, noon in Berlin.
TODAY = datetime(2026, 3, 12, 12, 0, tzinfo=BERLIN)
STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]


@pytest.fixture(autouse=True)
def in_berlin(settings):
    settings.TIME_ZONE = "Europe/Berlin"
    with time_machine.travel(TODAY, tick=False):
        yield


def planned(start, end, status=Status.SUBMITTED, **kwargs):
    return ChangeFactory(status=status, planned_start=start, planned_end=end, **kwargs)


def berlin(*args):
    return datetime(*args, tzinfo=BERLIN)


def day_of(response, iso_date):
    (day,) = [d for d in response.context["cal"].days if d.date == date.fromisoformat(iso_date)]
    return day


def numbers(day):
    return [entry.change.number for entry in day.entries]


class TestAccess:
    @pytest.mark.parametrize("actor", STAFF)
    def test_every_staff_member_opens_the_calendar(self, client, actors, actor):
        client.force_login(actors[actor])
        assert client.get(URL).status_code == 200
        assert client.get(URL, {"view": "week"}).status_code == 200

    @pytest.mark.parametrize("actor", ["contact_a", "contact_b", "outsider"])
    def test_contacts_and_users_without_a_role_are_refused(self, client, actors, actor):
        client.force_login(actors[actor])
        assert client.get(URL).status_code == 403

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get(URL)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_the_calendar_refuses_post(self, client, change_manager):
        client.force_login(change_manager)
        assert client.post(URL).status_code == 405


class TestMonth:
    def test_the_month_is_shown_in_whole_weeks_with_today_marked(self, client, change_manager):
        client.force_login(change_manager)

        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")

        shown = response.context["cal"]
        assert (shown.view, shown.anchor) == ("month", date(2026, 3, 1))
        # German weeks begin on Monday: 23 February … 5 April.
        assert (shown.first, shown.last) == (date(2026, 2, 23), date(2026, 4, 5))
        assert all(len(week) == 7 for week in shown.weeks)
        assert [d.date for d in shown.days if d.is_today] == [date(2026, 3, 12)]
        assert not day_of(response, "2026-02-28").in_period
        page = response.text
        assert 'aria-current="date"' in page and 'data-date="2026-03-12"' in page
        assert "?view=month&amp;date=2026-02-01" in page  # previous
        assert "?view=month&amp;date=2026-04-01" in page  # next

    def test_english_weeks_begin_on_sunday(self, client, change_manager):
        client.force_login(change_manager)
        shown = client.get(URL, HTTP_ACCEPT_LANGUAGE="en").context["cal"]
        assert shown.first == date(2026, 3, 1) and shown.first.isoweekday() == 7

    def test_a_date_picks_its_month_and_nonsense_falls_back_to_today(self, client, l1):
        client.force_login(l1)
        assert client.get(URL, {"date": "2026-07-19"}).context["cal"].anchor == date(2026, 7, 1)
        for nonsense in ("yesterday", "2026-02-30", "9999-01-01"):
            shown = client.get(URL, {"date": nonsense, "view": "year"}).context["cal"]
            assert (shown.view, shown.anchor) == ("month", date(2026, 3, 1)), nonsense

    def test_a_window_across_days_and_weeks_is_on_every_day_it_spans(self, client, l1):
        long = planned(berlin(2026, 3, 6, 20, 0), berlin(2026, 3, 10, 6, 0), title="Move racks")
        client.force_login(l1)

        response = client.get(URL, HTTP_ACCEPT_LANGUAGE="de")

        spans = {d.date.day: d.entries[0].span for d in response.context["cal"].days if d.entries}
        assert sorted(spans) == [6, 7, 8, 9, 10]  # Friday into the next week
        assert spans[6].starts == berlin(2026, 3, 6, 20, 0) and spans[6].ends is None
        assert spans[7].all_day and spans[9].all_day
        assert spans[10].starts is None and spans[10].ends == berlin(2026, 3, 10, 6, 0)
        page = response.text
        assert page.count(f'data-change="{long.number}"') == 5
        assert "20:00 →" in page and "→ 06:00" in page

    def test_a_window_crossing_midnight_in_berlin_is_on_both_local_days(self, client, l1, settings):
        # 23:30–00:30 in Berlin is 22:30–23:30 UTC: one day in UTC, two in Berlin.
        change = planned(berlin(2026, 3, 16, 23, 30), berlin(2026, 3, 17, 0, 30))
        client.force_login(l1)

        response = client.get(URL)

        assert numbers(day_of(response, "2026-03-16")) == [change.number]
        assert numbers(day_of(response, "2026-03-17")) == [change.number]
        first = day_of(response, "2026-03-16").entries[0].span
        assert timezone.localtime(first.starts).strftime("%H:%M") == "23:30"
        assert "23:30 →" in response.text and "→ 00:30" in response.text

        settings.TIME_ZONE = "UTC"
        response = client.get(URL)
        assert numbers(day_of(response, "2026-03-16")) == [change.number]
        assert numbers(day_of(response, "2026-03-17")) == []
        assert "22:30–23:30" in response.text

    def test_a_window_ending_at_midnight_does_not_reach_the_next_day(self, client, l1):
        change = planned(berlin(2026, 3, 18, 22, 0), berlin(2026, 3, 19, 0, 0))
        client.force_login(l1)

        response = client.get(URL)

        assert numbers(day_of(response, "2026-03-18")) == [change.number]
        assert numbers(day_of(response, "2026-03-19")) == []
        assert "22:00–24:00" in response.text

    def test_a_window_of_whole_days_reads_all_day(self, client, l1):
        change = planned(berlin(2026, 3, 18, 0, 0), berlin(2026, 3, 20, 0, 0))
        client.force_login(l1)

        response = client.get(URL)

        for iso in ("2026-03-18", "2026-03-19"):
            (entry,) = day_of(response, iso).entries
            assert (entry.change, entry.span.label) == (change, "all day")
        assert numbers(day_of(response, "2026-03-20")) == []

    def test_planned_and_carried_out_changes_are_shown_drafts_and_cancelled_ones_not(
        self, client, l1
    ):
        start, end = berlin(2026, 3, 20, 9, 0), berlin(2026, 3, 20, 10, 0)
        shown = [
            planned(start, end, Status.SUBMITTED),
            planned(start, end, Status.CAB_REVIEW),
            planned(berlin(2026, 3, 12, 9, 0), berlin(2026, 3, 12, 18, 0), Status.CLOSED),
        ]
        hidden = [planned(start, end, Status.DRAFT), planned(start, end, Status.CANCELLED)]
        client.force_login(l1)

        page = client.get(URL).text

        for change in shown:
            assert f'data-change="{change.number}"' in page
        for change in hidden:
            assert change.number not in page

    def test_blackouts_are_shaded_with_their_names_on_the_days_they_cover(self, client, l1):
        BlackoutPeriod.objects.create(
            name="Year-end closing",
            starts_at=berlin(2026, 3, 24, 18, 0),
            ends_at=berlin(2026, 3, 26, 6, 0),
        )
        client.force_login(l1)

        response = client.get(URL)

        shaded = [d.date.day for d in response.context["cal"].days if d.blackouts]
        assert shaded == [24, 25, 26]
        assert response.text.count("Year-end closing") == 3
        assert 'class="chg-day blackout" data-date="2026-03-25"' in response.text

    def test_conflicts_are_marked_on_planned_changes(self, client, l1):
        web = ServiceFactory(name="Web")
        start, end = berlin(2026, 3, 20, 9, 0), berlin(2026, 3, 20, 11, 0)
        first = planned(start, end, services=[web])
        second = planned(start + timedelta(hours=1), end, services=[web])
        alone = planned(start, end, services=[ServiceFactory(name="DNS")])
        client.force_login(l1)

        response = client.get(URL)

        entries = {e.change.number: e for e in day_of(response, "2026-03-20").entries}
        assert [c.change for c in entries[first.number].conflicts] == [second]
        assert [c.change for c in entries[second.number].conflicts] == [first]
        assert entries[alone.number].conflicts == ()
        page = response.text
        assert page.count("chg-entry chg-type-normal conflicted") == 2
        assert f"Conflicts with {second.number}" in page


class TestWeek:
    def test_the_week_of_a_date_with_links_to_the_weeks_around_it(self, client, l1):
        change = planned(berlin(2026, 3, 17, 9, 0), berlin(2026, 3, 17, 11, 30))
        client.force_login(l1)

        response = client.get(
            URL, {"view": "week", "date": "2026-03-18"}, HTTP_ACCEPT_LANGUAGE="de"
        )

        shown = response.context["cal"]
        assert shown.view == "week"
        assert [d.date.day for d in shown.days] == [16, 17, 18, 19, 20, 21, 22]
        assert numbers(day_of(response, "2026-03-17")) == [change.number]
        page = response.text
        assert "09:00–11:30" in page and change.title in page
        assert "?view=week&amp;date=2026-03-09" in page  # previous
        assert "?view=week&amp;date=2026-03-23" in page  # next
        assert "?view=week&amp;date=2026-03-12" in page  # today
        assert "?view=month&amp;date=2026-03-01" in page  # the month of the date asked

    def test_the_change_to_summer_time_keeps_local_times(self, client, l1):
        # Berlin moves its clocks from 02:00 to 03:00 on Sunday 29 March 2026.
        change = planned(berlin(2026, 3, 29, 1, 0), berlin(2026, 3, 29, 4, 0))
        client.force_login(l1)

        response = client.get(URL, {"view": "week", "date": "2026-03-29"})

        assert numbers(day_of(response, "2026-03-29")) == [change.number]
        assert numbers(day_of(response, "2026-03-30")) == []
        assert "01:00–04:00" in response.text


class TestBusyPeriods:
    def test_a_day_of_the_month_lists_its_first_changes_and_links_to_its_week(
        self, client, l1, monkeypatch
    ):
        monkeypatch.setattr(calendar_view, "MONTH_DAY_SHOWN", 2)
        start = berlin(2026, 3, 18, 9, 0)
        made = [
            planned(start + timedelta(hours=n), start + timedelta(hours=n + 1)) for n in range(3)
        ]
        client.force_login(l1)

        month = client.get(URL)
        week = client.get(URL, {"view": "week", "date": "2026-03-18"})

        day = day_of(month, "2026-03-18")
        assert [e.change for e in day.shown] == made[:2] and day.hidden == 1
        assert made[2].number not in month.text
        assert 'href="/changes/calendar/?view=week&amp;date=2026-03-18"' in month.text
        assert 'data-hidden="1"' in month.text and "1 more" in month.text
        assert [e.change for e in day_of(week, "2026-03-18").shown] == made
        assert "data-hidden" not in week.text

    def test_a_period_with_more_changes_than_it_shows_says_how_many_more(
        self, client, l1, monkeypatch
    ):
        monkeypatch.setattr(selectors, "CALENDAR_SHOWN", 2)
        start = berlin(2026, 3, 16, 9, 0)
        made = [
            planned(start + timedelta(days=n), start + timedelta(days=n, hours=1)) for n in range(4)
        ]
        client.force_login(l1)

        response = client.get(URL, {"view": "week", "date": "2026-03-18"})

        shown = {e.change for d in response.context["cal"].days for e in d.entries}
        assert shown == set(made[:2])
        assert response.context["rest"].count == 2
        note = response.text.split("data-not-shown>")[1].split("</p>")[0]
        assert "2 more changes in this period are not shown" in note
        assert "the first 2, up to Tue 17 Mar 09:00" in note
        assert 'href="/changes/?sort=window"' in note

    def test_a_period_that_shows_every_change_says_nothing_of_more(self, client, l1):
        planned(berlin(2026, 3, 18, 9, 0), berlin(2026, 3, 18, 10, 0))
        client.force_login(l1)
        response = client.get(URL)
        assert response.context["rest"] is None and "data-not-shown" not in response.text


class TestHtmx:
    def test_moving_between_periods_swaps_only_the_calendar(self, client, l1):
        client.force_login(l1)
        response = client.get(
            URL,
            {"view": "week", "date": "2026-03-18"},
            HTTP_HX_REQUEST="true",
            HTTP_HX_TARGET="calendar",
        )
        page = response.text
        assert page.lstrip().startswith('<div id="calendar"')
        assert "<html" not in page and "chg-sections" not in page

    def test_switching_sections_swaps_the_section(self, client, l1):
        client.force_login(l1)
        page = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_TARGET="section").text
        assert page.lstrip().startswith('<div id="section"')
        assert "<html" not in page and 'id="calendar"' in page


def test_the_query_count_stays_flat_as_changes_grow(
    client, change_manager, django_assert_max_num_queries
):
    web = ServiceFactory(name="Web")
    client.force_login(change_manager)

    def add(n):
        for i in range(n):
            start = berlin(2026, 3, 2 + i, 22, 0)
            planned(start, start + timedelta(hours=30), services=[web])  # overlaps the next
            planned(start, start + timedelta(hours=1), Status.CLOSED, services=[web])
        BlackoutPeriod.objects.create(
            name=f"Freeze {n}", starts_at=berlin(2026, 3, 2, 0, 0), ends_at=berlin(2026, 3, 3)
        ).services.add(web)

    add(1)
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    add(6)
    with django_assert_max_num_queries(len(few)):
        response = client.get(URL)
    assert sum(len(d.entries) for d in response.context["cal"].days) > 20
    assert sum(bool(e.conflicts) for d in response.context["cal"].days for e in d.entries) > 7


class TestFrame:
    """The geometry without a request: changes/calendar.py."""

    def test_a_month_grid_from_sunday_or_monday(self):
        monday = cal.frame("month", date(2026, 2, 14), date(2026, 2, 14), 1)
        sunday = cal.frame("month", date(2026, 2, 14), date(2026, 2, 14), 0)
        # February 2026 begins on a Sunday and has exactly four weeks from it.
        assert (sunday.first, sunday.last, len(sunday.weeks)) == (
            date(2026, 2, 1),
            date(2026, 2, 28),
            4,
        )
        assert (monday.first, monday.last, len(monday.weeks)) == (
            date(2026, 1, 26),
            date(2026, 3, 1),
            5,
        )
        assert (monday.previous, monday.next) == (date(2026, 1, 1), date(2026, 3, 1))

    def test_a_year_end_week_and_its_bounds_in_local_time(self):
        with timezone.override("Europe/Berlin"):
            week = cal.frame("week", date(2027, 1, 1), date(2026, 12, 30), 1)
            assert week.first == date(2026, 12, 28)
            assert week.start == datetime(2026, 12, 27, 23, 0, tzinfo=UTC)
            assert week.end == datetime(2027, 1, 3, 23, 0, tzinfo=UTC)
            assert (week.previous, week.next) == (date(2026, 12, 21), date(2027, 1, 4))
