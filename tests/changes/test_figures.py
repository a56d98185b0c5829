"""The change manager's figures (changes/figures.py) on hand-made data, the clock frozen
with time_machine: changes per month by type, the share of emergencies, the share of
changes followed by incidents, the mean time to approval, how implementations ended."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from changes import charts, figures, services
from changes.models import ChangeType, Rule, Status
from incidents.models import Kind
from tests.changes.factories import (
    ChangeFactory,
    change_manager_user,
    decide_all,
    policy,
    window,
)
from tests.factories import ContactFactory, ServiceFactory
from tests.problems.bulk import incident, save

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)


def at(moment):
    return time_machine.travel(moment, tick=False)


@pytest.fixture
def manager():
    return change_manager_user()


def submitted(moment, change_type=ChangeType.NORMAL, **kwargs):
    with at(moment):
        return ChangeFactory(status=Status.SUBMITTED, change_type=change_type, **kwargs)


def carried_out(moment, status=Status.IMPLEMENTED, **kwargs):
    """A change whose implementation finished at `moment` in `status`."""
    with at(moment):
        return ChangeFactory(status=status, **window(starts_in=-HOUR), **kwargs)


class TestPerMonth:
    def test_changes_are_counted_by_type_in_the_month_they_were_submitted_in_local_time(self):
        submitted(datetime(2025, 11, 28, tzinfo=UTC))  # before the twelve months
        submitted(datetime(2026, 3, 5, tzinfo=UTC))
        submitted(datetime(2026, 3, 6, tzinfo=UTC), ChangeType.EMERGENCY)
        # 00:30 on 1 October in Berlin is still 30 September in UTC: October here.
        submitted(datetime(2026, 10, 1, 0, 30, tzinfo=BERLIN), ChangeType.EMERGENCY)
        with at(datetime(2026, 11, 2, tzinfo=UTC)):
            ChangeFactory()  # a draft: not submitted, not counted

        months = {m.start: m for m in figures.per_month(NOW)}

        assert list(months) == figures.month_starts(NOW)
        assert (months[date(2026, 3, 1)].normal, months[date(2026, 3, 1)].emergency) == (1, 1)
        assert months[date(2026, 10, 1)].by_type == {ChangeType.EMERGENCY: 1}
        assert months[date(2026, 9, 1)].total == 0
        assert sum(m.total for m in months.values()) == 3

    def test_a_standard_change_counts_as_standard(self):
        from changes.models import StandardChangeTemplate

        template = StandardChangeTemplate.objects.create(
            name="Renew a certificate", backout_plan="Put the old one back."
        )
        with at(NOW - DAY):
            ChangeFactory(status=Status.APPROVED, template=template)

        (month,) = [m for m in figures.per_month(NOW) if m.total]

        assert (month.standard, month.normal, month.emergency) == (1, 0, 0)


class TestEmergencyShare:
    @pytest.mark.parametrize(("emergencies", "flagged"), [(1, False), (2, True)])
    def test_more_than_ten_percent_emergencies_are_flagged(self, emergencies, flagged):
        for n in range(10):
            kind = ChangeType.EMERGENCY if n < emergencies else ChangeType.NORMAL
            submitted(NOW - (n + 1) * DAY, kind)

        share = figures.emergency_share(figures.per_month(NOW))

        assert (share.emergency, share.total) == (emergencies, 10)
        assert share.percent == 10 * emergencies
        assert share.flagged is flagged

    def test_no_change_gives_no_share_and_no_flag(self):
        share = figures.emergency_share(figures.per_month(NOW))
        assert (share.percent, share.flagged) == (None, False)


class TestFollowedByIncidents:
    @pytest.fixture
    def mail(self):
        return ServiceFactory(name="Mail")

    @pytest.fixture
    def contact(self):
        return ContactFactory()

    def test_an_incident_on_a_service_within_the_hours_after_the_change_counts(
        self, mail, contact, settings
    ):
        settings.CHANGE_INCIDENT_HOURS = 48
        web = ServiceFactory(name="Web")
        finished = NOW - 10 * DAY
        followed = carried_out(finished, services=[mail, web])
        late = carried_out(finished, services=[mail])
        elsewhere = carried_out(finished, services=[ServiceFactory(name="DNS")])
        before = carried_out(finished, services=[ServiceFactory(name="VPN")])
        only_a_request = carried_out(finished, services=[ServiceFactory(name="Backup")])
        carried_out(NOW - 400 * DAY, services=[mail])  # before the twelve months
        save(
            [
                incident("Web down", finished + 47 * HOUR, contact=contact, service=web),
                incident("Mail slow", finished + 49 * HOUR, contact=contact, service=mail),
                incident(
                    "VPN flaky", finished - HOUR, contact=contact, service=before.services.get()
                ),
                incident(
                    "More space",
                    finished + HOUR,
                    contact=contact,
                    service=only_a_request.services.get(),
                    kind=Kind.REQUEST,
                ),
            ]
        )
        assert followed and late and elsewhere

        share = figures.followed_by_incidents(NOW)

        # `followed` by the Web incident; the Mail one came 49 h after `late` (and 49 h
        # after `followed` too, but one incident is enough).
        assert (share.followed, share.total, share.hours) == (1, 5, 48)
        assert share.percent == 20

    def test_the_hours_come_from_the_setting(self, mail, contact, settings):
        finished = NOW - 10 * DAY
        carried_out(finished, services=[mail])
        save([incident("Mail slow", finished + 49 * HOUR, contact=contact, service=mail)])

        settings.CHANGE_INCIDENT_HOURS = 48
        assert figures.followed_by_incidents(NOW).followed == 0
        settings.CHANGE_INCIDENT_HOURS = 72
        assert figures.followed_by_incidents(NOW).followed == 1

    def test_failed_and_closed_changes_count_too_and_unfinished_ones_do_not(self, mail):
        carried_out(NOW - 5 * DAY, Status.FAILED, services=[mail])
        carried_out(NOW - 5 * DAY, Status.CLOSED, services=[mail])
        with at(NOW - 5 * DAY):
            ChangeFactory(status=Status.IMPLEMENTING, services=[mail])
            ChangeFactory(status=Status.SCHEDULED, services=[mail])

        assert figures.followed_by_incidents(NOW).total == 2


class TestTimeToApproval:
    def test_the_mean_wait_from_submission_to_approval_per_type(self, manager):
        policy(ChangeType.EMERGENCY, rule=Rule.ANY)

        def sent_and_decided(kind, sent, wait, decision="approved"):
            with at(sent):
                change = ChangeFactory(status=Status.CAB_REVIEW, change_type=kind, actor=manager)
            with at(sent + wait):
                decide_all(change, decision)
            return change

        sent_and_decided(ChangeType.NORMAL, NOW - 30 * DAY, 2 * DAY)
        sent_and_decided(ChangeType.NORMAL, NOW - 20 * DAY, 4 * DAY)
        sent_and_decided(ChangeType.NORMAL, NOW - 20 * DAY, 9 * DAY, "rejected")
        sent_and_decided(ChangeType.EMERGENCY, NOW - 10 * DAY, 3 * HOUR)
        sent_and_decided(ChangeType.NORMAL, NOW - 500 * DAY, 40 * DAY)  # too long ago
        # Approved and later cancelled: it was approved all the same.
        cancelled = sent_and_decided(ChangeType.EMERGENCY, NOW - 10 * DAY, 5 * HOUR)
        with at(NOW - 5 * DAY):
            services.change_cancel(change=cancelled, actor=manager, reason="Not needed")

        times = figures.time_to_approval(NOW)

        assert (times.normal.days, times.normal.count) == (3, 2)
        assert (times.emergency.hours, times.emergency.count) == (4, 2)
        assert times.both.count == 4
        assert times.both.hours == pytest.approx((48 + 96 + 3 + 5) / 4)

    def test_standard_changes_approved_on_submission_are_left_out(self):
        from changes.models import StandardChangeTemplate

        template = StandardChangeTemplate.objects.create(name="Patch", backout_plan="Undo.")
        with at(NOW - DAY):
            ChangeFactory(status=Status.APPROVED, template=template)

        times = figures.time_to_approval(NOW)

        assert (times.both.mean, times.both.count) == (None, 0)


class TestOutcomes:
    def test_implementations_end_implemented_failed_or_rolled_back_even_after_review(self, manager):
        for status in (Status.IMPLEMENTED, Status.IMPLEMENTED, Status.CLOSED, Status.REVIEW):
            carried_out(NOW - 3 * DAY, status)
        failed = carried_out(NOW - 3 * DAY, Status.FAILED)
        carried_out(NOW - 3 * DAY, Status.FAILED)
        rolled_back = carried_out(NOW - 3 * DAY, Status.ROLLED_BACK)
        carried_out(NOW - 3 * DAY, Status.ROLLED_BACK)
        with at(NOW - 2 * DAY):
            services.change_start_review(change=failed, actor=manager)
            services.change_start_review(change=rolled_back, actor=manager)
            services.change_close(
                change=rolled_back, actor=manager, review="Undone cleanly.", outcome="unsuccessful"
            )
        carried_out(NOW - 500 * DAY, Status.FAILED)  # before the twelve months
        with at(NOW - 3 * DAY):
            ChangeFactory(status=Status.IMPLEMENTING)  # not finished

        outcomes = figures.outcomes(NOW)

        assert (outcomes.implemented, outcomes.failed, outcomes.rolled_back) == (4, 2, 2)
        assert outcomes.total == 8
        assert (outcomes.success_rate, outcomes.failure_rate, outcomes.rollback_rate) == (
            50,
            25,
            25,
        )

    def test_no_implementation_gives_no_rates(self):
        outcomes = figures.outcomes(NOW)
        assert outcomes.total == 0 and outcomes.success_rate is None


def test_the_figures_take_a_fixed_number_of_queries(django_assert_num_queries):
    mail = ServiceFactory(name="Mail")
    for status in (Status.IMPLEMENTED, Status.FAILED, Status.CLOSED):
        carried_out(NOW - 3 * DAY, status, services=[mail])
    with django_assert_num_queries(4):
        figures.emergency_share(figures.per_month(NOW))
        figures.followed_by_incidents(NOW)
        figures.time_to_approval(NOW)
        figures.outcomes(NOW)


class TestCharts:
    def test_a_column_per_month_with_a_bar_per_type(self):
        months = [
            figures.Month(date(2026, 10, 1), {ChangeType.NORMAL: 4, ChangeType.EMERGENCY: 1}),
            figures.Month(date(2026, 11, 1), {}),
        ]

        chart = charts.month_chart(months)

        october = chart.columns[0]
        assert [bar.series for bar in october.bars] == ["standard", "normal", "emergency"]
        assert [bar.value for bar in october.bars] == [0, 4, 1]
        assert october.bars[1].title == "October 2026: 4 normal changes"
        assert october.bars[2].title == "October 2026: 1 emergency change"
        assert october.bars[1].height > october.bars[2].height > october.bars[0].height == 0
        assert [c.label for c in chart.columns] == ["Oct", "Nov"]

    def test_the_outcome_bar_splits_by_share(self):
        bar = charts.outcome_bar(figures.Outcomes(implemented=6, failed=0, rolled_back=2))
        assert [(s.series, s.value) for s in bar.segments] == [
            ("implemented", 6),
            ("rolled_back", 2),
        ]
        assert bar.segments[0].width == 3 * bar.segments[1].width
