"""The lists' calendars, kept per process until one changes (servicedesk.sla_calendars)."""

import datetime

import pytest
from django.core.cache import cache

from servicedesk import sla_calendars
from servicedesk.models import CalendarHoliday, WorkingHours
from tests.factories import SlaPolicyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _forget_kept():
    sla_calendars._Kept.generation = None
    yield
    sla_calendars._Kept.generation = None


def test_read_once_then_kept(django_assert_num_queries):
    policy = SlaPolicyFactory()
    with django_assert_num_queries(3):
        first = sla_calendars.calendars_of([policy.pk])
    with django_assert_num_queries(0):
        again = sla_calendars.calendars_of([policy.pk])
    assert again[policy.pk] is first[policy.pk]
    assert first[policy.pk].pk == policy.calendar_id


def test_policies_of_one_calendar_share_it_and_unknown_ones_are_left_out():
    one = SlaPolicyFactory()
    two = SlaPolicyFactory(calendar=one.calendar)
    found = sla_calendars.calendars_of([one.pk, two.pk, 999_999])
    assert found.keys() == {one.pk, two.pk}
    assert found[one.pk] is found[two.pk]


@pytest.mark.parametrize(
    "change",
    [
        lambda policy: WorkingHours.objects.create(
            calendar=policy.calendar, weekday=5, start=datetime.time(9), end=datetime.time(12)
        ),
        lambda policy: policy.calendar.working_hours.first().delete(),
        lambda policy: CalendarHoliday.objects.create(
            calendar=policy.calendar, date=datetime.date(2031, 1, 2), name="Closed"
        ),
        lambda policy: policy.calendar.save(),
        lambda policy: policy.save(),
    ],
    ids=["hours added", "hours removed", "holiday added", "calendar saved", "policy saved"],
)
def test_a_change_makes_every_process_read_again(change, django_assert_num_queries):
    policy = SlaPolicyFactory()
    before = sla_calendars.calendars_of([policy.pk])[policy.pk]
    change(policy)
    with django_assert_num_queries(3):
        after = sla_calendars.calendars_of([policy.pk])[policy.pk]
    assert after is not before


def test_saturday_hours_count_once_added():
    policy = SlaPolicyFactory()
    saturday = datetime.datetime(2031, 1, 4, 8, tzinfo=datetime.UTC)
    calendar = sla_calendars.calendars_of([policy.pk])[policy.pk]
    assert calendar.business_time_between(saturday, saturday + datetime.timedelta(hours=4)) == (
        datetime.timedelta(0)
    )
    WorkingHours.objects.create(
        calendar=policy.calendar, weekday=5, start=datetime.time(9), end=datetime.time(12)
    )
    calendar = sla_calendars.calendars_of([policy.pk])[policy.pk]
    assert calendar.business_time_between(saturday, saturday + datetime.timedelta(hours=4)) == (
        datetime.timedelta(hours=3)
    )


def test_a_cache_that_lost_the_token_means_reading_again(django_assert_num_queries):
    policy = SlaPolicyFactory()
    sla_calendars.calendars_of([policy.pk])
    cache.clear()
    with django_assert_num_queries(3):
        sla_calendars.calendars_of([policy.pk])


def test_no_policies_no_queries(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sla_calendars.calendars_of([]) == {}
