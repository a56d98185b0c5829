"""A hand-built week of tickets for the desk manager's dashboard, whose figures are
worked out by hand (tests/incidents/test_dashboard_metrics.py lists them). Every ticket
goes through the real services under a frozen clock; the SLA is 24×7 with a 15-minute
reaction and a 4-hour resolution for every priority.

The week (Mon 2 – Sun 8 Nov 2026, Europe/Berlin; times below in UTC, Berlin is +1 h):

    T1  Mon 08:00 in, 08:10 assigned L1, 09:00 resolved, confirmed, rated 5   FCR
    T2  Mon 08:00 in, 08:30 assigned L1 (reaction late), escalated to L2,
        11:00 resolved, confirmed, rated 2
    T3  Tue 08:00 in, 08:05 L1, to L2, to L3, Wed 08:00 resolved (24 h: late)
    T4  Tue 10:00 in, 10:05 L1, 10:30 resolved, rejected 11:00, 13:00 resolved again
    T5  Wed 09:00 in, 09:05 completed as a duplicate (out, but no work done)
    T6  Thu 09:00 in, 09:10 assigned to L2 directly, in progress (open; late by Fri)
    T8  Thu 10:00 in, untouched (open; reaction late by Fri)
    T7  Fri 30 Oct 08:00 in (before the week), Mon 12:00 resolved at L1 (76 h: late)

"Now" is Fri 6 Nov 12:00 (the clock stays there), after an SLA sweep. A test module
makes it a fixture: `week = pytest.fixture(lambda monkeypatch: build_week(monkeypatch))`."""

from datetime import UTC, date, datetime, timedelta

from django.utils import timezone

from incidents import services
from incidents.models import ClosureCode, Incident
from servicedesk import roles
from servicedesk.models import Line
from tests.factories import (
    BusinessCalendarFactory,
    ContactFactory,
    IncidentFactory,
    SlaPolicyFactory,
    SupportGroupFactory,
    UserFactory,
)

H = timedelta(hours=1)
M = timedelta(minutes=1)
MONDAY = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 6, 12, 0, tzinfo=UTC)
WEEK = (date(2026, 11, 2), date(2026, 11, 8))


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def at(self, moment: datetime) -> None:
        self.now = moment


def build_week(monkeypatch) -> dict:
    """The tickets of the module docstring, by name, with the groups, the agent and the
    contact; the clock (timezone.now) is left at NOW."""
    clock = Clock(MONDAY)
    monkeypatch.setattr(timezone, "now", lambda: clock.now)
    calendar = BusinessCalendarFactory.create(is_24x7=True, time_zone="UTC")
    policy = SlaPolicyFactory.create(calendar=calendar, targets={p: (15, 240) for p in range(1, 6)})
    contact = ContactFactory.create(organisation=policy.organisation, with_login=True)
    customer = contact.user
    agent = UserFactory.create(roles=[roles.DESK_MANAGER], first_name="Ann", last_name="Agent")
    l1 = SupportGroupFactory.create(name="Desk", line=Line.L1, members=[agent])
    l2 = SupportGroupFactory.create(name="Operations", line=Line.L2, members=[agent])
    l3 = SupportGroupFactory.create(name="Engineering", line=Line.L3, members=[agent])

    def register(at: datetime) -> Incident:
        clock.at(at)
        return IncidentFactory.create(contact=contact, actor=agent)

    def step(at: datetime, service, **kwargs) -> None:
        clock.at(at)
        service(actor=kwargs.pop("actor", agent), **kwargs)

    def resolve(ticket: Incident, at: datetime) -> None:
        step(
            at,
            services.incident_complete,
            incident=ticket,
            closure_code="resolved",
            resolution="Fixed.",
        )

    t7 = register(MONDAY - 3 * 24 * H)
    step(t7.registered_at + 5 * M, services.incident_assign, incident=t7, group=l1, assignee=agent)
    step(t7.registered_at + 10 * M, services.incident_start_work, incident=t7)

    t1 = register(MONDAY)
    t2 = register(MONDAY)
    step(MONDAY + 10 * M, services.incident_assign, incident=t1, group=l1, assignee=agent)
    step(MONDAY + 20 * M, services.incident_start_work, incident=t1)
    step(MONDAY + 30 * M, services.incident_assign, incident=t2, group=l1, assignee=agent)
    resolve(t1, MONDAY + H)
    step(
        MONDAY + H,
        services.incident_escalate,
        incident=t2,
        to_group=l2,
        assignee=agent,
        reason="Needs operations",
    )
    step(MONDAY + 70 * M, services.incident_start_work, incident=t2)
    step(MONDAY + 90 * M, services.incident_confirm, incident=t1, actor=customer)
    resolve(t2, MONDAY + 3 * H)
    step(MONDAY + 210 * M, services.incident_confirm, incident=t2, actor=customer)
    resolve(t7, MONDAY + 4 * H)
    step(MONDAY + 4 * H, services.incident_rate, incident=t1, score=5, actor=customer)
    step(MONDAY + 4 * H, services.incident_rate, incident=t2, score=2, actor=customer)

    tuesday = MONDAY + 24 * H
    t3 = register(tuesday)
    step(tuesday + 5 * M, services.incident_assign, incident=t3, group=l1, assignee=agent)
    step(
        tuesday + 10 * M,
        services.incident_escalate,
        incident=t3,
        to_group=l2,
        assignee=agent,
        reason="Deeper",
    )
    step(
        tuesday + 20 * M,
        services.incident_escalate,
        incident=t3,
        to_group=l3,
        assignee=agent,
        reason="Deeper still",
    )
    step(tuesday + 30 * M, services.incident_start_work, incident=t3)
    t4 = register(tuesday + 2 * H)
    step(tuesday + 2 * H + 5 * M, services.incident_assign, incident=t4, group=l1, assignee=agent)
    step(tuesday + 2 * H + 10 * M, services.incident_start_work, incident=t4)
    resolve(t4, tuesday + 2 * H + 30 * M)
    step(
        tuesday + 3 * H,
        services.incident_reject_resolution,
        incident=t4,
        reason="Still broken",
        actor=customer,
    )
    step(tuesday + 3 * H + 10 * M, services.incident_start_work, incident=t4)
    resolve(t4, tuesday + 5 * H)

    wednesday = tuesday + 24 * H
    resolve(t3, wednesday)
    t5 = register(wednesday + H)
    step(
        wednesday + H + 5 * M,
        services.incident_complete_as_invalid,
        incident=t5,
        closure_code=ClosureCode.DUPLICATE,
        duplicate_of=t4,
        reason="Same as T4",
    )

    thursday = wednesday + 24 * H
    t6 = register(thursday + H)
    step(thursday + H + 10 * M, services.incident_assign, incident=t6, group=l2, assignee=agent)
    step(thursday + H + 20 * M, services.incident_start_work, incident=t6)
    t8 = register(thursday + 2 * H)

    clock.at(NOW)
    services.sla_sweep(now=NOW)
    tickets = {"t1": t1, "t2": t2, "t3": t3, "t4": t4, "t5": t5, "t6": t6, "t7": t7, "t8": t8}
    for ticket in tickets.values():
        ticket.refresh_from_db()
    return {**tickets, "agent": agent, "l1": l1, "l2": l2, "l3": l3, "contact": contact}
