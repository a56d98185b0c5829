"""Demo tickets: a few weeks of a support desk's work, played through incidents.services.

The specs are in incidents/demo_tickets.py, and in incidents/demo_recurring.py the faults
that keep coming back (which the problems demo links to its problems). All steps of all
tickets are played in the order of their times with the clock frozen at each step's
moment, acting as the demo user who would have done it, one transaction per step: numbers
follow the order of registration, and history, SLA ledgers, comments and the mails sent
after each commit carry the times they would have had. Then the SLA sweep runs at the
real time, so the queues show at once what is at risk and what is breached.
"""

from collections import Counter
from collections.abc import Callable
from datetime import datetime, timedelta
from functools import partial
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Max, Min, Q

from incidents import demo_canned, demo_major, demo_tickets, services
from incidents.demo_recurring import RECURRING
from incidents.demo_tickets import Ticket
from incidents.models import Incident, SlaEvent, Status, TicketArticle
from knowledge.models import Article
from knowledge.models import Status as ArticleStatus
from knowledge.search.quality import fixture_articles
from servicedesk.demo import DemoData, contract_numbers, duration, frozen_clock

#: Every demo ticket: the desk's everyday work and the faults that keep coming back.
TICKETS = [*demo_tickets.TICKETS, *RECURRING]
#: The time zone of "12d@10:30" in the specs.
DEMO_TIME_ZONE = ZoneInfo("Europe/Berlin")
#: No step is played later than this before the real time.
LATEST = timedelta(minutes=2)


# ----- playing the specs ---------------------------------------------------------------------


def opened_at(opened: str, now: datetime) -> datetime:
    """'50m' → 50 minutes before now; '12d@10:30' → 10:30 Berlin time twelve days ago,
    or on the Friday before if that day is a Saturday or Sunday."""
    ago, _, clock = opened.partition("@")
    if not clock:
        return now - duration(ago)
    day = now.astimezone(DEMO_TIME_ZONE).date() - duration(ago)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=DEMO_TIME_ZONE)


def timeline(spec: Ticket, now: datetime) -> list[datetime]:
    """When the ticket was registered and when each step happened. A ticket whose last
    step would lie in the future (a day-anchored ticket seeded early in the morning)
    moves back as a whole."""
    times = [opened_at(spec.opened, now)]
    for gap, *_ in spec.steps:
        times.append(times[-1] + duration(gap))
    late = times[-1] - (now - LATEST)
    if late > timedelta(0):
        times = [moment - late for moment in times]
    return times


def schedule(specs: list[Ticket], now: datetime) -> list[tuple[datetime, Ticket, int]]:
    """Every registration (step -1) and step of every ticket, in the order of time."""
    events = []
    for order, spec in enumerate(specs):
        for index, moment in enumerate(timeline(spec, now)):
            events.append((moment, order, index - 1, spec))
    events.sort(key=lambda event: event[:3])
    return [(moment, spec, index) for moment, _order, index, spec in events]


def seed(data: DemoData) -> None:
    player = _Player(data)
    events: list[tuple[datetime, Callable[[], object]]] = [
        (moment, partial(player.play, spec, index))
        for moment, spec, index in schedule(TICKETS, data.now)
    ]
    # The major incidents (incidents/demo_major.py), among the everyday tickets. The sort
    # is stable: steps at the same moment keep their order.
    events.extend(demo_major.steps(data))
    events.sort(key=lambda event: event[0])
    with frozen_clock(events[0][0]) as clock:
        # The desk's canned responses are there before the first ticket.
        demo_canned.seed(data)
        for moment, play in events:
            clock.move_to(moment)
            with transaction.atomic():
                play()
    # At the real time: mark what is at risk or breached now, as the sweep every minute
    # of a running desk would have.
    services.sla_sweep()


class _Player:
    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.tickets: dict[str, Incident] = {}
        self.article_titles = {fixture.key: fixture.title for fixture in fixture_articles()}

    def play(self, spec: Ticket, index: int) -> None:
        if index < 0:
            self.tickets[spec.key] = self._register(spec)
            return
        _gap, action, username, arguments = spec.steps[index]
        actor = self.data.users[username] if username else None
        ticket = Incident.objects.get(pk=self.tickets[spec.key].pk)
        self.tickets[spec.key] = self._step(ticket, action, actor, self._fill(arguments))

    def _register(self, spec: Ticket) -> Incident:
        data = self.data
        # Mail and monitoring register with no acting user, as their intake code does.
        system = spec.channel in services.SYSTEM_INTAKE_CHANNELS
        return services.incident_register(
            contact=data.contacts[spec.contact],
            title=spec.title,
            actor=None if system else data.users[spec.by],
            channel=spec.channel,
            kind=spec.kind,
            description=spec.description,
            category=spec.category,
            service=data.services[spec.service] if spec.service else None,
            configuration_item=data.cis[spec.ci] if spec.ci else None,
            urgency=spec.urgency,
            impact=spec.impact,
            form_answers={"answers": [{"label": q, "value": a} for q, a in spec.answers.items()]},
        )

    def _fill(self, arguments: dict[str, Any]) -> dict[str, Any]:
        """Resolve names to objects and {key} to ticket numbers."""
        filled = {}
        for name, value in arguments.items():
            if name == "group":
                value = self.data.groups[value]
            elif name == "assignee":
                value = self.data.users[value]
            elif name in ("article", "resolved_with"):
                value = self._article(value)
            elif name == "duplicate_of":
                value = self.tickets[value]
            elif isinstance(value, str):
                for key, ticket in self.tickets.items():
                    value = value.replace("{" + key + "}", ticket.number)
            filled[name] = value
        return filled

    def _article(self, key: str) -> Article | None:
        """The knowledge demo's published article seeded from the fixture `key`."""
        title = self.article_titles[key]
        return Article.objects.filter(title=title, status=ArticleStatus.PUBLISHED).first()

    def _step(self, ticket: Incident, action: str, actor, a: dict[str, Any]) -> Incident:
        if action == "classify":
            return services.incident_classify(incident=ticket, actor=actor, **a)
        if action == "confirm_urgency":
            return services.incident_confirm_urgency(incident=ticket, actor=actor)
        if action == "assign":
            return services.incident_assign(incident=ticket, actor=actor, **a)
        if action == "escalate":
            return services.incident_escalate(
                incident=ticket, actor=actor, to_group=a.pop("group"), **a
            )
        if action == "start":
            return services.incident_start_work(incident=ticket, actor=actor)
        if action == "link":
            if a["article"] is not None:
                services.incident_article_link(incident=ticket, article=a["article"], actor=actor)
            return ticket
        if action == "comment":
            services.incident_add_comment(
                incident=ticket, actor=actor, body=a["body"], is_public=a.get("public", False)
            )
            return ticket
        if action == "email_reply":
            services.incident_add_email_reply(
                incident=ticket, contact=ticket.contact, body=a["body"]
            )
            return ticket
        if action == "ask":
            return services.incident_request_information(incident=ticket, actor=actor, **a)
        if action == "third_party":
            return services.incident_engage_third_party(incident=ticket, actor=actor, **a)
        if action == "resume":
            return services.incident_resume(incident=ticket, actor=actor, **a)
        if action == "complete":
            return services.incident_complete(incident=ticket, actor=actor, **a)
        if action == "invalid":
            return services.incident_complete_as_invalid(incident=ticket, actor=actor, **a)
        if action == "confirm":
            return services.incident_confirm(incident=ticket, actor=actor)
        if action == "reject":
            return services.incident_reject_resolution(incident=ticket, actor=actor, **a)
        if action == "rate":
            services.incident_rate(incident=ticket, actor=actor, **a)
            return ticket
        if action == "auto_close":
            # The scheduled job, run when it would have run: it closes every ticket that
            # has waited its quiet days in Completed by then.
            services.auto_close_completed()
            return ticket
        raise ValueError(f"unknown demo step {action!r}")


# ----- what there is to see ------------------------------------------------------------------


def summary(data: DemoData) -> list[str]:
    tickets = Incident.objects.filter(organisation__contract_number__in=contract_numbers())
    counts = Counter(tickets.values_list("status", flat=True))
    open_tickets = tickets.exclude(status__in=[Status.COMPLETED, Status.CLOSED])
    breached = open_tickets.filter(Q(response_breached=True) | Q(resolution_breached=True))
    at_risk = open_tickets.filter(sla_warned=True).exclude(pk__in=breached)
    reopened = tickets.filter(
        sla_events__kind=SlaEvent.Kind.STATUS, sla_events__status=Status.REJECTED_BY_USER
    ).exclude(status=Status.REJECTED_BY_USER)
    span = tickets.aggregate(first=Min("registered_at"), last=Max("updated_at"))
    days = (span["last"] - span["first"]).days if span["first"] else 0
    statuses = ", ".join(f"{counts.get(s.value, 0)} {s.label.lower()}" for s in Status)
    links = TicketArticle.objects.filter(incident__in=tickets)
    return [
        f"{sum(counts.values())} tickets over the last {days} days: {statuses}",
        f"SLA now: {breached.count()} open tickets breached, {at_risk.count()} at risk; "
        f"{reopened.distinct().count()} reworked after the contact rejected the resolution",
        f"{links.count()} knowledge articles linked to tickets, "
        f"{tickets.filter(resolved_with__isnull=False).count()} tickets resolved with one",
        *demo_major.summary(data),
    ]
