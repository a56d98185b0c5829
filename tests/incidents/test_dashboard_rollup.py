"""The dashboard's daily roll-up (incidents/dashboard/rollup.py): with past days rolled
up, every figure equals the one counted live from the tickets, on the hand-built week of
tests/incidents/dashboard_week.py and after changes to tickets of rolled-up days (a
save, the SLA sweep's flags); the median found through the histogram of times to
resolve equals percentile_cont / the middle values of all of them."""

import random
from datetime import UTC, date, datetime, timedelta

import pytest
from django.db import connection, transaction

from incidents import services
from incidents.dashboard import metrics, rollup
from incidents.dashboard.cohorts import WORKED, resolved
from incidents.dashboard.period import period_of
from incidents.models import (
    Incident,
    RegisteredHour,
    ResolvedDay,
    ResolvedTime,
    RollupMark,
    Status,
)
from tests.factories import ContactFactory
from tests.incidents.dashboard_week import NOW, WEEK, build_week

pytestmark = pytest.mark.django_db

FRIDAY = date(2026, 11, 6)  # NOW's day: counted live
ROLLUP = (RegisteredHour, ResolvedDay, ResolvedTime, RollupMark)


@pytest.fixture
def week(monkeypatch):
    return build_week(monkeypatch)


def live(period):
    """The figures counted from the tickets alone (the roll-up set aside, then restored)."""
    with transaction.atomic():
        for model in ROLLUP:
            model.objects.all().delete()
        figures = metrics.measure(period, NOW)
        transaction.set_rollback(True)
    return figures


def periods(week):
    longer = period_of(date(2026, 9, 1), FRIDAY)  # weekly columns
    groups = [week[name].pk for name in ("l1", "l2")]
    return [period_of(*WEEK), *(period_of(*WEEK, group) for group in groups), longer]


def test_the_rolled_up_figures_are_the_live_ones(week):
    before = [live(period) for period in periods(week)]
    assert rollup.roll_up(today=FRIDAY) == 7  # Fri 30 Oct (T7) to Thu 5 Nov
    assert RollupMark.objects.get().day == date(2026, 11, 5)
    assert RegisteredHour.objects.filter(day=date(2026, 11, 2)).count() > 0
    assert [metrics.measure(period, NOW) for period in periods(week)] == before
    assert rollup.roll_up(today=FRIDAY) == 0


def test_the_live_half_is_only_what_is_not_rolled_up(week):
    rollup.roll_up(today=FRIDAY)
    # Monday's figures come from the roll-up: change them behind its back (no save()).
    RegisteredHour.objects.filter(day=date(2026, 11, 2)).update(total=100)
    figures = metrics.measure(period_of(*WEEK), NOW)
    monday = next(column for column in figures.columns if column.start == date(2026, 11, 2))
    assert monday.registered == 100 * RegisteredHour.objects.filter(day=date(2026, 11, 2)).count()


def test_a_ticket_saved_counts_its_rolled_up_days_again(week, django_capture_on_commit_callbacks):
    rollup.roll_up(today=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        # T8, registered on Thursday (rolled up), is assigned today.
        services.incident_assign(
            incident=week["t8"], group=week["l1"], assignee=week["agent"], actor=week["agent"]
        )
    period = period_of(*WEEK)
    assert metrics.measure(period, NOW) == live(period)
    assert live(period).arrivals.assigned == 6


def test_without_the_touch_the_roll_up_would_be_stale(week, django_capture_on_commit_callbacks):
    rollup.roll_up(today=FRIDAY)
    with django_capture_on_commit_callbacks(execute=False):
        services.incident_assign(
            incident=week["t8"], group=week["l1"], assignee=week["agent"], actor=week["agent"]
        )
    period = period_of(*WEEK)
    assert metrics.measure(period, NOW).arrivals.assigned == 5
    assert live(period).arrivals.assigned == 6


def test_a_rejected_resolution_leaves_its_rolled_up_day(week, django_capture_on_commit_callbacks):
    t1 = week["t1"]
    Incident.objects.filter(pk=t1.pk).update(status=Status.COMPLETED)  # not confirmed yet
    rollup.roll_up(today=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.incident_reject_resolution(
            incident=Incident.objects.get(pk=t1.pk), reason="No", actor=week["contact"].user
        )
    period = period_of(*WEEK)
    assert metrics.measure(period, NOW) == live(period)
    assert live(period).resolutions.total == 5


def test_the_sla_sweep_counts_the_days_of_its_breaches_again(
    week, django_capture_on_commit_callbacks
):
    t8 = week["t8"]
    Incident.objects.filter(pk=t8.pk).update(response_breached=False)  # before the sweep
    rollup.roll_up(today=FRIDAY)
    with django_capture_on_commit_callbacks(execute=True):
        services.sla_sweep(now=NOW)
    period = period_of(*WEEK)
    assert metrics.measure(period, NOW) == live(period)
    assert live(period).arrivals.reaction_breached == 2


# ----- the median through the histogram ------------------------------------------------------


def resolutions(count: int, seed: int) -> None:
    """Resolved tickets on 2–4 Nov 2026 whose times to resolve spread over many bands."""
    rng = random.Random(seed)
    contact = ContactFactory.create()
    rows = []
    for i in range(count):
        registered = datetime(2026, 11, 2, 8, tzinfo=UTC) + timedelta(hours=rng.uniform(0, 48))
        took = timedelta(seconds=int(rng.expovariate(1 / 20_000)) + 1)
        rows.append(
            Incident(
                number=f"INC-7{i:05d}",
                title=f"Timed {i}",
                organisation_id=contact.organisation_id,
                contact=contact,
                status=Status.CLOSED,
                closure_code="resolved",
                registered_at=registered,
                resolved_at=registered + took,
            )
        )
    Incident.objects.bulk_create(rows)


@pytest.mark.parametrize(("count", "seed"), [(1, 1), (2, 2), (41, 3), (120, 4)])
def test_the_median_found_by_band_is_the_median_of_all(count, seed):
    resolutions(count, seed)
    period = period_of(date(2026, 11, 2), date(2026, 11, 5))
    everything = Incident.objects.filter(resolved(period) & WORKED)
    worked = everything.count()
    expected = metrics.middle_median(everything, worked)
    if connection.vendor == "postgresql":
        assert metrics.percentile_median(everything) == expected
    for today in (date(2026, 11, 3), date(2026, 11, 10)):  # partly, wholly rolled up
        rollup.rebuild_all(today=today)
        until = metrics.rolled_until()
        assert metrics.median_time_to_resolve(period, worked, until) == expected
