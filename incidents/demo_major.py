"""Demo major incidents, played through incidents.services among the everyday tickets
(incidents/demo.py plays `steps` in the order of time), each step at its moment with the
clock frozen, as the demo user who took it:

- open now: Exchange (Email hosting) is down for both customers. Jana's call became the
  major incident, coordinated by the desk manager; three tickets of both customers hang
  off it, two updates went to every affected contact, and a fourth ticket that came in
  ten minutes ago is waiting on triage with the proposal to link it;
- resolved last month: the core router FRA-CR1 failed on a weekday morning, 09:40 to
  11:55 Berlin time (the outage window the customer SLA report counts), with Contoso's
  call as the major incident, two children, two updates; resolving it completed the
  children and every contact confirmed."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from incidents import services
from incidents.models import Channel, Incident
from servicedesk.demo import DemoData

BERLIN = ZoneInfo("Europe/Berlin")
OPEN_TITLE = "Outlook cannot connect to Exchange"
RESOLVED_TITLE = "No connectivity to Frankfurt: all sites down"


@dataclass
class _Step:
    at: datetime
    run: Callable[[], object]


class _Player:
    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.tickets: dict[str, Incident] = {}

    def user(self, name: str):
        return self.data.users[name]

    def ticket(self, key: str) -> Incident:
        return Incident.objects.get(pk=self.tickets[key].pk)

    def register(
        self, key: str, *, contact: str, by: str | None, channel: str, title: str, service: str
    ) -> Callable[[], object]:
        def run() -> None:
            self.tickets[key] = services.incident_register(
                contact=self.data.contacts[contact],
                title=title,
                actor=self.user(by) if by else None,
                channel=channel,
                category="outage",
                service=self.data.services[service],
                urgency=2,
                impact=2 if key.endswith("parent") else 4,
            )

        return run


def steps(data: DemoData) -> list[tuple[datetime, Callable[[], object]]]:
    """Every step of both major incidents, each with its moment: incidents/demo.py plays
    them among the everyday tickets' steps, in the order of time, so numbers still follow
    the order of registration."""
    player = _Player(data)
    found = [*_open_now(player, data.now), *_resolved_last_month(player, data.now)]
    return [(step.at, step.run) for step in found]


def last_month_morning(now: datetime) -> datetime:
    """09:40 Berlin time on a weekday around the 22nd of the month before `now`: inside
    that month and the support hours, and at most 40 days back, so after the demo's
    customers and SLAs were set up (42 days before)."""
    first = now.astimezone(BERLIN).date().replace(day=1)
    day = (first - timedelta(days=1)).replace(day=22)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(9, 40), tzinfo=BERLIN)


# ----- Exchange, now -----------------------------------------------------------------------


def _open_now(p: _Player, now: datetime) -> list[_Step]:
    mail = "Email hosting"
    desk, l1 = p.user("desk-manager"), p.user("l1")

    def ago(minutes: int) -> datetime:
        return now - timedelta(minutes=minutes)

    def declare() -> None:
        services.incident_declare_major(
            incident=p.ticket("mx-parent"),
            manager=desk,
            outage_started_at=ago(62),
            reason="Exchange DAG MX-1 unreachable for both customers; monitoring red.",
            actor=desk,
        )

    def assign_parent() -> None:
        services.incident_assign(
            incident=p.ticket("mx-parent"),
            group=p.data.groups["Platform Operations"],
            assignee=p.user("l2"),
            actor=desk,
        )
        services.incident_start_work(incident=p.ticket("mx-parent"), actor=p.user("l2"))

    def link(key: str) -> Callable[[], object]:
        return lambda: services.incident_link_child(
            parent=p.ticket("mx-parent"), child=p.ticket(key), actor=l1
        )

    def update(text: str) -> Callable[[], object]:
        return lambda: services.major_post_update(
            incident=p.ticket("mx-parent"), text=text, actor=desk
        )

    return [
        _Step(
            ago(55),
            p.register(
                "mx-parent",
                contact="jana",
                by="l1",
                channel=Channel.PHONE,
                title=OPEN_TITLE,
                service=mail,
            ),
        ),
        _Step(
            ago(50),
            p.register(
                "mx-priya",
                contact="priya",
                by=None,
                channel=Channel.EMAIL,
                title="No email since this morning",
                service=mail,
            ),
        ),
        _Step(ago(46), declare),
        _Step(ago(45), assign_parent),
        _Step(ago(44), link("mx-priya")),
        _Step(
            ago(40),
            update(
                "We are aware that our hosted Exchange service is unavailable. Our engineers "
                "are investigating; the next update follows within 30 minutes."
            ),
        ),
        _Step(
            ago(38),
            p.register(
                "mx-oliver",
                contact="oliver",
                by="contoso",
                channel=Channel.PORTAL,
                title="Mailboxes unreachable for all users",
                service=mail,
            ),
        ),
        _Step(ago(36), link("mx-oliver")),
        _Step(
            ago(30),
            p.register(
                "mx-mehmet",
                contact="mehmet",
                by="l1",
                channel=Channel.PHONE,
                title="Outlook disconnected in the Berlin office",
                service=mail,
            ),
        ),
        _Step(ago(29), link("mx-mehmet")),
        _Step(
            ago(12),
            update(
                "The cause is found: a storage path of one mail server failed. We are moving "
                "the mailboxes to the other server; mail that was sent to you is queued and "
                "will be delivered. Next update within 30 minutes."
            ),
        ),
        # Just in: waits on triage, where the page proposes linking it.
        _Step(
            ago(8),
            p.register(
                "mx-katrin",
                contact="katrin",
                by="l1",
                channel=Channel.PHONE,
                title='Outlook shows "trying to connect" since a few minutes',
                service=mail,
            ),
        ),
    ]


# ----- the core router, last month ---------------------------------------------------------


def _resolved_last_month(p: _Player, now: datetime) -> list[_Step]:
    net = "Managed network"
    start = last_month_morning(now)
    desk, l1, l2 = p.user("desk-manager"), p.user("l1"), p.user("l2")

    def at(minutes: int) -> datetime:
        return start + timedelta(minutes=minutes)

    def declare() -> None:
        services.incident_declare_major(
            incident=p.ticket("cr-parent"),
            manager=l2,
            outage_started_at=start,
            reason="Core router FRA-CR1 down: no customer site reaches Frankfurt.",
            actor=desk,
        )

    def work_parent() -> None:
        services.incident_assign(
            incident=p.ticket("cr-parent"),
            group=p.data.groups["Network Operations"],
            assignee=l2,
            actor=desk,
        )
        services.incident_start_work(incident=p.ticket("cr-parent"), actor=l2)

    def link(key: str) -> Callable[[], object]:
        return lambda: services.incident_link_child(
            parent=p.ticket("cr-parent"), child=p.ticket(key), actor=l1
        )

    def update(text: str) -> Callable[[], object]:
        return lambda: services.major_post_update(
            incident=p.ticket("cr-parent"), text=text, actor=l2
        )

    def end_outage() -> None:
        services.incident_end_outage(incident=p.ticket("cr-parent"), actor=l2)

    def resolve() -> None:
        services.incident_complete(
            incident=p.ticket("cr-parent"),
            closure_code="resolved",
            resolution=(
                "A line card of core router FRA-CR1 failed. Traffic was moved to the "
                "standby router and the card replaced; all sites have been reachable again "
                "since 11:55."
            ),
            actor=l2,
        )

    def confirm(key: str, login: str) -> Callable[[], object]:
        return lambda: services.incident_confirm(incident=p.ticket(key), actor=p.user(login))

    return [
        _Step(
            at(5),
            p.register(
                "cr-parent",
                contact="oliver",
                by="l1",
                channel=Channel.PHONE,
                title=RESOLVED_TITLE,
                service=net,
            ),
        ),
        _Step(
            at(10),
            p.register(
                "cr-jana",
                contact="jana",
                by="northwind",
                channel=Channel.PORTAL,
                title="Our VPN to Frankfurt is down",
                service=net,
            ),
        ),
        _Step(at(15), declare),
        _Step(at(16), work_parent),
        _Step(at(18), link("cr-jana")),
        _Step(
            at(25),
            p.register(
                "cr-camille",
                contact="camille",
                by="camille",
                channel=Channel.PORTAL,
                title="Load balancer cc-lb-01 unreachable",
                service=net,
            ),
        ),
        _Step(at(27), link("cr-camille")),
        _Step(
            at(30),
            update(
                "Our core router in Frankfurt has failed; no site reaches the data centre. "
                "Engineers are on site and switching to the standby router."
            ),
        ),
        _Step(
            at(80),
            update(
                "Traffic is moving to the standby router; some sites are reachable again. "
                "A replacement line card is being fitted."
            ),
        ),
        _Step(at(135), end_outage),
        _Step(at(150), resolve),
        _Step(at(60 * 26), confirm("cr-parent", "contoso")),
        _Step(at(60 * 27), confirm("cr-jana", "northwind")),
        _Step(at(60 * 28), confirm("cr-camille", "camille")),
    ]


# ----- what there is to see ----------------------------------------------------------------


def summary(data: DemoData) -> list[str]:
    """One line: the open major incident and the resolved one with its outage window."""
    majors = Incident.objects.filter(is_major=True, title__in=[OPEN_TITLE, RESOLVED_TITLE])
    parts = []
    for major in majors.select_related("service").order_by("registered_at"):
        children = major.children.count()
        if major.is_open:
            parts.append(
                f"{major.number} ({major.service}) open, {children} children and "
                f"{major.major_updates.count()} updates"
            )
        elif major.outage_started_at and major.outage_ended_at:
            start = major.outage_started_at.astimezone(BERLIN)
            end = major.outage_ended_at.astimezone(BERLIN)
            parts.append(
                f"{major.number} ({major.service}) resolved, {children} children, "
                f"outage {start:%d %b %H:%M}–{end:%H:%M} Berlin"
            )
    return [f"Major incidents: {'; '.join(reversed(parts))}"] if parts else []
