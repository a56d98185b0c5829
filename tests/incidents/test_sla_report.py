"""The customer SLA report's figures, on hand-built data with known answers: September
2026 on a Mon–Fri 09:00–18:00 Berlin calendar without holidays has 22 working days,
198 support hours (11,880 minutes)."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from incidents.models import Incident, Status
from incidents.sla_report.availability import merged
from incidents.sla_report.report import build, month_bounds
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
SEPTEMBER = date(2026, 9, 1)
AFTER = datetime(2026, 10, 15, 12, 0, tzinfo=BERLIN)
SUPPORT_MINUTES = 22 * 9 * 60


def berlin(day: int, hour: int, minute: int = 0, month: int = 9) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture
def web():
    return ServiceFactory(name="Web hosting")


@pytest.fixture
def mail():
    return ServiceFactory(name="Mail")


@pytest.fixture
def policy(web, mail):
    organisation = OrganisationFactory(time_zone="Europe/Berlin")
    policy = SlaPolicyFactory(
        organisation=organisation,
        availability_target_percent=Decimal("99.5"),
        monthly_fee=Decimal("1000"),
        currency="EUR",
        credit_per_downtime_hour_percent=Decimal("5"),
        credit_per_resolution_breach_percent=Decimal("1"),
        credit_cap_percent=Decimal("50"),
    )
    policy.services.set([web, mail])
    return policy


def outage(service, start, end, *, major=True, contact=None):
    ticket = IncidentFactory(service=service, contact=contact or ContactFactory())
    Incident.objects.filter(pk=ticket.pk).update(
        is_major=major, outage_started_at=start, outage_ended_at=end
    )
    return ticket


def report_of(policy, month=SEPTEMBER, now=AFTER):
    with time_machine.travel(now, tick=False):
        return build(policy.organisation, month, now)


class TestAvailability:
    @pytest.fixture
    def outages(self, web):
        other = ServiceFactory(name="Not in the contract")
        return {
            # 09:00–10:00 in support hours
            "a": outage(web, berlin(1, 7), berlin(1, 10)),
            # overlaps a: together 07:00–10:30, 90 minutes in support hours
            "b": outage(web, berlin(1, 9, 30), berlin(1, 10, 30)),
            # a Saturday: no support hours
            "c": outage(web, berlin(5, 10), berlin(5, 14)),
            # into October: 17:00–18:00 on 30 September counts
            "d": outage(web, berlin(30, 17), berlin(1, 12, month=10)),
            # not a major incident: its outage fields are not an outage of the service
            "e": outage(web, berlin(8, 10), berlin(8, 12), major=False),
            "f": outage(other, berlin(2, 10), berlin(2, 12)),
        }

    def test_downtime_counts_support_hours_once_per_moment(self, policy, outages):
        report = report_of(policy)

        mail, web = report.services
        assert (mail.service.name, web.service.name) == ("Mail", "Web hosting")
        assert web.support_time == timedelta(minutes=SUPPORT_MINUTES)
        assert web.downtime == timedelta(minutes=150)
        assert [(w.start, w.end, w.downtime, w.ongoing, w.numbers) for w in web.windows] == [
            (
                berlin(1, 7),
                berlin(1, 10, 30),
                timedelta(minutes=90),
                False,
                (outages["a"].number, outages["b"].number),
            ),
            (berlin(5, 10), berlin(5, 14), timedelta(0), False, (outages["c"].number,)),
            (
                berlin(30, 17),
                berlin(1, 0, month=10),
                timedelta(minutes=60),
                True,
                (outages["d"].number,),
            ),
        ]

    def test_availability_is_the_up_share_of_the_support_hours(self, policy, outages):
        mail, web = report_of(policy).services
        # 1 - 150 / 11,880
        assert web.percent == Decimal("98.737")
        assert (web.met, mail.met, mail.percent) == (False, True, Decimal("100.000"))
        # The target allows 0.5 % of 11,880 minutes: 59.4 minutes.
        assert web.allowed == timedelta(minutes=59.4)
        assert web.excess == timedelta(minutes=150 - 59.4)

    def test_the_month_under_way_counts_up_to_now_and_the_outage_still_running(self, policy, web):
        running = outage(web, berlin(1, 9), None)
        report = report_of(policy, now=berlin(2, 12))

        web_row = report.services[1]
        assert report.under_way and report.next_month is None
        # Tuesday 09:00–18:00 and Wednesday 09:00–12:00
        assert web_row.support_time == timedelta(hours=12)
        assert web_row.downtime == timedelta(hours=12)
        assert web_row.windows[0].ongoing and web_row.windows[0].numbers == (running.number,)
        assert web_row.percent == Decimal("0.000")

    def test_touching_spans_join_and_the_later_end_wins(self):
        one, two, three = berlin(1, 9), berlin(1, 10), berlin(1, 11)
        assert merged([(two, three, False, "B"), (one, two, False, "A")]) == [
            (one, three, False, ("A", "B"))
        ]
        # Same start: the shorter first; the join keeps the later end and "ongoing".
        assert merged([(one, three, True, "A"), (one, two, False, "B")]) == [
            (one, three, True, ("B", "A"))
        ]


class TestTickets:
    @pytest.fixture
    def tickets(self, policy):
        organisation = policy.organisation
        contact = ContactFactory(organisation=organisation)
        made = {}

        def ticket(key, priority, registered, **fields):
            made[key] = IncidentFactory(contact=contact)
            Incident.objects.filter(pk=made[key].pk).update(
                priority=priority, registered_at=registered, sla_policy=policy, **fields
            )

        ticket(
            "p1_in_time",
            1,
            berlin(2, 10),
            status=Status.CLOSED,
            first_response_at=berlin(2, 10, 5),
            resolved_at=berlin(3, 10),
        )
        ticket(
            "p1_late",
            1,
            berlin(4, 10),
            status=Status.COMPLETED,
            first_response_at=berlin(4, 11),
            response_breached=True,
            resolved_at=berlin(10, 10),
            resolution_breached=True,
        )
        ticket(
            "p3_from_august",
            3,
            berlin(28, 10, month=8),
            status=Status.CLOSED,
            first_response_at=berlin(28, 11, month=8),
            resolved_at=berlin(2, 10),
            resolution_breached=True,
        )
        ticket("p3_waiting", 3, berlin(15, 10), status=Status.IN_PROGRESS)
        other = IncidentFactory(contact=ContactFactory())
        Incident.objects.filter(pk=other.pk).update(
            priority=1,
            registered_at=berlin(2, 10),
            resolution_breached=True,
            resolved_at=berlin(3, 10),
            status=Status.CLOSED,
        )
        return made

    def test_counts_by_priority(self, policy, tickets):
        report = report_of(policy)

        rows = {row.priority: row for row in report.priorities}
        assert list(rows) == [1, 2, 3, 4, 5]  # every priority with a target
        p1, p2, p3 = rows[1], rows[2], rows[3]
        assert (p1.registered, p1.resolved) == (2, 2)
        assert (p1.reaction_met, p1.reaction_decided, p1.reaction_percent) == (1, 2, 50.0)
        assert (p1.resolution_met, p1.resolution_measured) == (1, 2)
        assert (p2.registered, p2.resolved, p2.reaction_percent) == (0, 0, None)
        # Registered in August: resolved (late) in September; the one still waiting has
        # no reaction verdict yet.
        assert (p3.registered, p3.resolved, p3.reaction_decided) == (1, 1, 0)
        assert (p3.resolution_met, p3.resolution_measured, p3.late) == (0, 1, 1)
        assert p1.reaction_target == timedelta(
            minutes=policy.targets.get(priority=1).reaction_minutes
        )

    def test_the_total_adds_the_rows_and_counts_the_late(self, policy, tickets):
        total = report_of(policy).total
        assert (total.registered, total.resolved, total.late) == (3, 3, 2)
        assert total.resolution_percent == pytest.approx(100 / 3)

    def test_without_an_sla_the_tickets_are_listed_without_targets(self, tickets, policy):
        policy.is_active = False
        policy.save()
        report = report_of(policy)
        assert report.policy is None and report.credit is None and report.services == []
        assert [row.priority for row in report.priorities] == [1, 3]
        assert report.priorities[0].reaction_target is None


class TestServiceCredit:
    def test_started_hours_beyond_the_allowance_and_late_tickets(self, policy, web):
        outage(web, berlin(1, 9), berlin(1, 11, 30))  # 150 min: 90.6 over, 2 started hours
        policy.credit_per_resolution_breach_percent = Decimal("1")
        credit = policy.service_credit(
            excess_downtime=[s.excess for s in report_of(policy).services], late=2
        )
        assert (credit.downtime_hours, credit.late) == (2, 2)
        assert (credit.percent, credit.capped, credit.amount) == (
            Decimal("12"),
            False,
            Decimal("120.00"),
        )

    def test_the_cap_limits_the_credit(self, policy):
        policy.credit_per_downtime_hour_percent = Decimal("30")
        credit = policy.service_credit(
            excess_downtime=[timedelta(minutes=61), timedelta(0)], late=3
        )
        # two started hours × 30 % + 3 × 1 % = 63 %, capped at 50 %
        assert (credit.earned_percent, credit.percent, credit.capped) == (
            Decimal("63"),
            Decimal("50"),
            True,
        )
        assert credit.amount == Decimal("500.00")

    def test_without_a_fee_the_credit_is_a_share_only(self, policy):
        policy.monthly_fee = None
        credit = policy.service_credit(excess_downtime=[timedelta(seconds=1)], late=0)
        assert (credit.percent, credit.amount) == (Decimal("5"), None)

    def test_the_report_credits_what_it_measured(self, policy, web):
        outage(web, berlin(1, 9), berlin(1, 11, 30))
        credit = report_of(policy).credit
        assert (credit.downtime_hours, credit.late, credit.amount) == (2, 0, Decimal("100.00"))


def test_a_month_runs_midnight_to_midnight_in_the_organisation_s_time_zone():
    start, end = month_bounds(date(2026, 10, 1), BERLIN)
    assert (start, end) == (berlin(1, 0, month=10), berlin(1, 0, month=11))
    # The clocks go back on 25 October: 31 days and one hour.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(days=31, hours=1)
