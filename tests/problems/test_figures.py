"""The problem manager's figures (problems/figures.py) on known data, the clock frozen
with time_machine: problems per month, mean times, the share of incidents a known
problem explains, incidents before and after a fix."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Kind
from problems import charts, figures, services
from problems.models import Status
from tests.factories import ContactFactory, ServiceFactory
from tests.problems.bulk import incident, save
from tests.problems.factories import ProblemFactory, move_to, problem_manager_user

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def manager():
    return problem_manager_user()


@pytest.fixture
def contact():
    return ContactFactory()


class TestPerMonth:
    def test_the_last_twelve_months_end_with_the_current_one(self):
        starts = figures.month_starts(NOW)
        assert (starts[0], starts[-1], len(starts)) == (date(2025, 12, 1), date(2026, 11, 1), 12)

    def test_problems_opened_and_closed_per_month_in_local_time(self, manager):
        with at(datetime(2025, 11, 28, tzinfo=UTC)):
            ProblemFactory(actor=manager)  # before the twelve months
        with at(datetime(2026, 3, 5, tzinfo=UTC)):
            closed = ProblemFactory(actor=manager)
            cancelled = ProblemFactory(actor=manager)
        # 23:30 in Berlin on 30 September: September there, whatever UTC says.
        with at(datetime(2026, 9, 30, 23, 30, tzinfo=BERLIN)):
            ProblemFactory(actor=manager)
            move_to(closed, Status.RESOLVED, actor=manager)
        with at(datetime(2026, 10, 1, 0, 30, tzinfo=BERLIN)):  # 22:30 UTC on 30 September
            services.problem_close(problem=closed, actor=manager, override_reason="Verified")
            services.problem_cancel(problem=cancelled, actor=manager, reason="Duplicate")

        months = {m.start: (m.opened, m.closed) for m in figures.per_month(NOW)}

        assert months[date(2026, 3, 1)] == (2, 0)
        assert months[date(2026, 9, 1)] == (1, 0)
        assert months[date(2026, 10, 1)] == (0, 1)  # the cancelled one is not closed
        assert sum(opened for opened, _ in months.values()) == 3
        assert list(months) == figures.month_starts(NOW)


class TestMeanTimes:
    def test_mean_time_to_root_cause_and_to_resolution(self, manager):
        def problem_found_and_fixed(opened, cause_after, fix_after):
            with at(opened):
                problem = ProblemFactory(actor=manager, status=Status.UNDER_INVESTIGATION)
            with at(opened + cause_after):
                services.problem_investigate(problem=problem, actor=manager, root_cause="Leak")
            if fix_after is not None:
                with at(opened + fix_after):
                    services.problem_resolve(
                        problem=problem, actor=manager, permanent_fix="Patched"
                    )

        problem_found_and_fixed(NOW - 100 * DAY, 2 * DAY, 10 * DAY)
        problem_found_and_fixed(NOW - 50 * DAY, 4 * DAY, 20 * DAY)
        problem_found_and_fixed(NOW - 30 * DAY, 6 * DAY, None)  # no fix yet
        problem_found_and_fixed(NOW - 500 * DAY, 90 * DAY, 100 * DAY)  # over a year ago

        to_cause, to_fix = figures.mean_times(NOW)

        assert (to_cause.mean, to_cause.count) == (4 * DAY, 3)
        assert (to_fix.mean, to_fix.count) == (15 * DAY, 2)
        assert to_fix.days == 15

    def test_without_problems_there_is_no_mean(self):
        to_cause, to_fix = figures.mean_times(NOW)
        assert (to_cause.mean, to_cause.count, to_fix.days) == (None, 0, None)


class TestKnownProblemShare:
    def test_share_of_recent_incidents_linked_to_a_problem_whose_cause_is_known(
        self, manager, contact
    ):
        with at(NOW - 2 * DAY):
            last_month = save(
                [incident(f"A{i}", NOW - i * DAY, contact=contact) for i in range(10)]
            )
            earlier = save(
                [incident(f"B{i}", NOW - (31 + i) * DAY, contact=contact) for i in range(10)]
            )
            save([incident("R", NOW - DAY, contact=contact, kind=Kind.REQUEST)])  # not counted
            ProblemFactory(actor=manager, status=Status.KNOWN_ERROR, incidents=last_month[:4])
            ProblemFactory(actor=manager, status=Status.NEW, incidents=last_month[4:5])
            ProblemFactory(actor=manager, status=Status.CLOSED, incidents=earlier[:2])

        shares = {s.days: (s.linked, s.total) for s in figures.known_problem_shares(NOW)}

        assert shares == {30: (4, 10), 90: (6, 20)}

    def test_no_incidents_is_no_share_rather_than_zero(self):
        assert [s.percent for s in figures.known_problem_shares(NOW)] == [None, None]


class TestBeforeAndAfterAFix:
    def test_incidents_on_the_service_per_period_around_the_fix(self, manager, contact):
        mail, other = ServiceFactory(name="Mail"), ServiceFactory(name="Other")
        fixed_at = NOW - 40 * DAY
        with at(fixed_at - 100 * DAY):
            problem = ProblemFactory(actor=manager, service=mail, status=Status.KNOWN_ERROR)
        with at(fixed_at):
            services.problem_resolve(problem=problem, actor=manager, permanent_fix="Patched")
        save(
            [
                *[
                    incident(f"m{i}", fixed_at - (61 + i) * DAY, contact=contact, service=mail)
                    for i in range(2)
                ],
                *[
                    incident(f"n{i}", fixed_at - (31 + i) * DAY, contact=contact, service=mail)
                    for i in range(3)
                ],
                *[
                    incident(f"o{i}", fixed_at - (1 + i) * DAY, contact=contact, service=mail)
                    for i in range(5)
                ],
                incident("p", fixed_at + DAY, contact=contact, service=mail),
                incident("elsewhere", fixed_at - DAY, contact=contact, service=other),
                incident("asked", fixed_at - DAY, contact=contact, service=mail, kind=Kind.REQUEST),
                incident("long before", fixed_at - 95 * DAY, contact=contact, service=mail),
            ]
        )

        (fix,) = figures.recent_fixes(NOW)

        assert fix.problem == problem
        assert [p.count for p in fix.before] == [2, 3, 5]
        assert [(p.count, p.ongoing) for p in fix.after] == [(1, False), (0, True), (None, False)]

    def test_only_the_most_recent_fixes_with_a_service_are_compared(self, manager):
        mail = ServiceFactory(name="Mail")
        fixed = []
        for days_ago in (200, 150, 100, 50, 40, 30, 20):
            with at(NOW - days_ago * DAY):
                fixed.append(ProblemFactory(actor=manager, service=mail, status=Status.RESOLVED))
        with at(NOW - 10 * DAY):
            ProblemFactory(actor=manager, status=Status.RESOLVED)  # no service

        shown = [fix.problem for fix in figures.recent_fixes(NOW)]

        assert shown == fixed[::-1][: figures.FIXES]

    def test_figures_take_a_fixed_number_of_queries(self, manager, django_assert_num_queries):
        mail = ServiceFactory(name="Mail")
        with at(NOW - 20 * DAY):
            for _ in range(3):
                ProblemFactory(actor=manager, service=mail, status=Status.RESOLVED)
        with django_assert_num_queries(2 + 1 + 1 + 2):
            figures.per_month(NOW)
            figures.mean_times(NOW)
            figures.known_problem_shares(NOW)
            figures.recent_fixes(NOW)


class TestCharts:
    def test_bars_scale_to_the_largest_value_and_stand_on_the_baseline(self):
        chart = charts.bar_chart(
            [("a", [("opened", 10, ""), ("closed", 5, "")]), ("b", [("opened", 0, "")])],
            height=120,
        )
        (ten, five), (zero,) = (column.bars for column in chart.columns)
        plot = 120 - charts.TOP - charts.BOTTOM
        assert (ten.height, five.height, zero.height) == (plot, plot / 2, 0)
        for bar in (ten, five, zero):
            assert bar.y + bar.height == chart.baseline
        assert ten.x < five.x < zero.x < chart.width

    def test_the_fix_marker_stands_between_the_last_period_before_and_the_first_after(
        self,
    ):
        start = NOW - 100 * DAY
        fix = figures.Fix(
            problem=None,
            periods=[
                figures.Period(offset, start, count, ongoing=offset == 1)
                for offset, count in zip(range(-3, 3), [4, 2, 0, 1, 0, None], strict=True)
            ],
        )

        chart = charts.fix_chart(fix)

        before, after = chart.columns[2].bars[0], chart.columns[3].bars[0]
        assert before.x + before.width < chart.marker_x < after.x
        assert [c.label for c in chart.columns] == ["-3", "-2", "-1", "+1", "+2", "+3"]
        assert chart.columns[4].bars[0].series == "after ongoing"
        assert chart.columns[5].bars[0].title == "+3: not yet"
        assert chart.columns[0].bars[0].title == "-3: 4 incidents"
