"""The desk manager's figures (incidents/dashboard/metrics.py) on the hand-built week of
tests/incidents/dashboard_week.py, each checked against the answer worked out by hand
(README, "The desk manager's dashboard", says what each figure counts)."""

from datetime import date, timedelta

import pytest
from django.db import connection

from incidents.dashboard import metrics
from incidents.dashboard.cohorts import LISTS, WORKED, resolved
from incidents.dashboard.period import period_of
from incidents.models import Incident
from tests.incidents.dashboard_week import NOW, WEEK, H, M, build_week

pytestmark = pytest.mark.django_db


@pytest.fixture
def week(monkeypatch):
    return build_week(monkeypatch)


def measured(group=None):
    return metrics.measure(period_of(*WEEK, group.pk if group else None), NOW)


def numbers(query) -> set[str]:
    return set(query.values_list("number", flat=True))


class TestTheTicketsKeepWhatTheFiguresRead:
    def test_the_deepest_line_rejections_and_first_assignment_are_kept(self, week):
        assert [week[t].highest_line for t in ("t1", "t2", "t3", "t6", "t7")] == [
            "l1",
            "l2",
            "l3",
            "l2",
            "l1",
        ]
        assert week["t5"].highest_line == "" and week["t8"].highest_line == ""
        assert week["t4"].rejection_count == 1 and week["t1"].rejection_count == 0
        # The escalations moved the group, not the first assignment.
        assert week["t3"].assigned_at == week["t3"].registered_at + 5 * M

    def test_the_breach_flags_are_those_worked_out(self, week):
        breached = {
            name
            for name in ("t1", "t2", "t3", "t4", "t5", "t6", "t7", "t8")
            if week[name].response_breached or week[name].resolution_breached
        }
        assert breached == {"t2", "t3", "t6", "t7", "t8"}


class TestVolumeAndBacklog:
    def test_in_out_and_the_backlog(self, week):
        figures = measured()
        assert figures.arrivals.total == 7  # T7 came before the week
        assert figures.resolutions.total == 6  # T1–T5 and T7, the duplicate included
        assert figures.resolutions.worked == 5
        assert figures.backlog.total == 2 and figures.backlog.breached == 2

    def test_the_backlog_is_aged_from_registration_to_now(self, week):
        ages = measured().backlog.ages
        assert ages == {"day": 0, "days": 2, "week": 0, "month": 0, "older": 0}

    def test_day_by_day_and_hour_by_hour_in_local_time(self, week):
        figures = measured()
        by_day = {c.start: (c.registered, c.resolved) for c in figures.columns}
        assert by_day == {
            date(2026, 11, 2): (2, 3),
            date(2026, 11, 3): (2, 1),
            date(2026, 11, 4): (1, 2),
            date(2026, 11, 5): (2, 0),
            date(2026, 11, 6): (0, 0),
            date(2026, 11, 7): (0, 0),
            date(2026, 11, 8): (0, 0),
        }
        hours = {hour: n for hour, n in enumerate(figures.hours) if n}
        assert hours == {9: 3, 10: 2, 11: 2}  # Berlin is UTC+1 in November


class TestResolution:
    def test_first_contact_resolution_is_resolved_at_l1_and_never_rejected(self, week):
        figures = measured()
        assert figures.resolutions.first_contact == 2  # T1 and T7 of T1–T4, T7
        assert figures.resolutions.reopened == 1  # T4

    def test_mean_and_median_time_to_resolve_on_the_wall_clock(self, week):
        done = measured().resolutions
        # T1 1 h, T2 3 h, T3 24 h, T4 3 h, T7 76 h; the duplicate is no resolution.
        assert done.mean_time == timedelta(hours=107 / 5)
        assert done.median_time == 3 * H

    def test_the_portable_median_and_percentile_cont_agree(self, week):
        rows = Incident.objects.filter(resolved(period_of(*WEEK)) & WORKED)
        assert metrics.middle_median(rows, 5) == 3 * H
        assert metrics.middle_median(rows.exclude(pk=week["t7"].pk), 4) == 3 * H
        assert metrics.middle_median(rows.exclude(pk=week["t2"].pk), 4) == 13.5 * H
        if connection.vendor != "postgresql":
            pytest.skip("percentile_cont is PostgreSQL's")
        assert metrics.percentile_median(rows) == 3 * H
        assert metrics.percentile_median(rows.exclude(pk=week["t2"].pk)) == 13.5 * H

    def test_first_response_and_assignment_times_are_means_from_registration(self, week):
        arrived = measured().arrivals
        # Responses: T1 10, T2 30, T3 5, T4 5, T5 5 (completed as a duplicate), T6 10 min.
        assert arrived.responded == 6
        assert arrived.response_time == timedelta(minutes=65 / 6)
        # Assignments (the first one): T1 10, T2 30, T3 5, T4 5, T6 10 min.
        assert arrived.assigned == 5
        assert arrived.assign_time == 12 * M


class TestSlaAndEscalation:
    def test_reaction_compliance_counts_clocks_that_have_a_verdict(self, week):
        arrived = measured().arrivals
        assert arrived.reaction_decided == 7  # six responded, and T8 breached waiting
        assert arrived.reaction_breached == 2  # T2, T8

    def test_resolution_compliance_is_over_the_tickets_resolved(self, week):
        done = measured().resolutions
        assert done.under_sla == 6
        assert done.resolution_breached == 2  # T3 and T7

    def test_breaches_are_the_registered_tickets_with_a_breached_clock(self, week):
        assert measured().arrivals.breached == 4  # T2, T3, T6, T8

    def test_escalation_counts_the_deepest_line_reached(self, week):
        arrived = measured().arrivals
        assert arrived.with_line == 5  # T1–T4, T6
        assert arrived.reached_l2 == 3  # T2, T3, T6
        assert arrived.reached_l3 == 1  # T3


class TestSatisfactionAndWorkload:
    def test_csat_is_the_share_of_ratings_4_or_5(self, week):
        rated = measured().satisfaction
        assert (rated.ratings, rated.satisfied, rated.mean_score) == (2, 1, 3.5)

    def test_no_ratings_is_none_rather_than_zero(self, week):
        rated = metrics.satisfaction(period_of(date(2026, 10, 1), date(2026, 10, 7)))
        assert (rated.ratings, rated.mean_score) == (0, None)

    def test_workload_per_agent(self, week):
        (load,) = measured().workload
        assert load.name == "Ann Agent"
        assert (load.open, load.open_breached, load.resolved) == (1, 1, 5)
        assert load.mean_time == timedelta(hours=107 / 5)


class TestOneGroup:
    def test_a_group_counts_the_tickets_it_holds(self, week):
        figures = measured(week["l1"])
        assert figures.arrivals.total == 2  # T1, T4 (T2, T3 moved on)
        assert figures.resolutions.total == 3  # T1, T4, T7
        assert figures.resolutions.first_contact == 2
        assert figures.backlog.total == 0
        assert measured(week["l2"]).backlog.total == 1  # T6


class TestTheListsBehindTheFigures:
    @pytest.mark.parametrize(
        ("figure", "expected"),
        [
            ("in", {"t1", "t2", "t3", "t4", "t5", "t6", "t8"}),
            ("out", {"t1", "t2", "t3", "t4", "t5", "t7"}),
            ("resolutions", {"t1", "t2", "t3", "t4", "t7"}),
            ("fcr", {"t1", "t7"}),
            ("reopened", {"t4"}),
            ("reaction_breached", {"t2", "t8"}),
            ("resolution_breached", {"t3", "t7"}),
            ("breached", {"t2", "t3", "t6", "t8"}),
            ("escalated_l2", {"t2", "t3", "t6"}),
            ("escalated_l3", {"t3"}),
            ("backlog", {"t6", "t8"}),
            ("rated", {"t1", "t2"}),
        ],
    )
    def test_each_list_holds_the_tickets_its_figure_counts(self, week, figure, expected):
        listed = Incident.objects.filter(LISTS[figure].tickets(period_of(*WEEK)))
        assert numbers(listed) == {week[name].number for name in expected}
