"""The incidents app's part of the benchmark (servicedesk/benchmark/): tickets BNC-0000123
spread over two years in every status with what the slow paths read — their history,
comments, SLA ledgers and due times — portal logins for the customers' contacts, and the
staff, portal and API pages that show them.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC (see generate_tickets' docstring). The tickets
are generate_tickets' rows with the dashboard benchmark's SLA fields
(incidents/dashboard/bench_data.py: a 24×7 policy per customer, due times, breach flags,
the deepest line, rejections), numbered and registered in order as a live desk writes
them (ticket k of n at k/n of the two years, LoadContext.span_days), their status drawn
by age (recent tickets are mostly open, old ones closed, with a backlog of stale open
ones). With each batch of tickets, in the same transaction and by COPY on PostgreSQL:

- history rows (simple-history): the creation of every ticket; each status step after it
  for the tickets not closed, the closure alone for the closed ones (the version follows
  the rows), so the timeline has something to merge;
- comments: public replies (from agents or the contact) and internal notes, about one
  per closed ticket and two to three per open one (no comment history rows: nothing
  reads them);
- SLA ledgers for the tickets not closed: the clock's start, its first response and each
  status change, matching the stored due times.

The full-text triggers of tickets and comments stay on (see LoadContext.
pause_search_triggers for the measurement); with --pause-search-triggers they are off
during the load and the vectors are computed afterwards in chunks. Then the dashboard's roll-up
is rebuilt and ratings added, as bench_dashboard does."""

import random
import time
from datetime import datetime, timedelta
from typing import cast

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from incidents import queues, search_kinds
from incidents.dashboard import bench_data, rollup
from incidents.management.commands import generate_tickets
from incidents.management.commands.bench_search import COMMENTS
from incidents.models import (
    OPEN_STATUSES,
    Channel,
    Comment,
    Incident,
    Kind,
    SatisfactionRating,
    SlaEvent,
    Status,
)
from servicedesk import bench as core_bench
from servicedesk.benchmark.loading import (
    LoadContext,
    Progress,
    Row,
    RowWriter,
    analyse,
    fill_search_vectors,
    history_row,
    history_writer,
    next_id,
    reset_sequence,
    search_triggers_paused,
)
from servicedesk.benchmark.pages import Cycle, Page, PageContext, Seq, Target, Unique, Value
from servicedesk.models import Contact, Line, Service, SupportGroup

PREFIX = generate_tickets.NUMBER_PREFIX  # BNC
DAY = 86400.0
#: Status weights by the ticket's age (up to so many days): most recent tickets are
#: being worked, Completed ones close within three days, and a backlog of old tickets
#: stays open (about 2 % of all tickets open, 0.1 % completed).
AGE_STATUSES: list[tuple[float, dict[Status, float]]] = [
    (
        1,
        {
            Status.REGISTERED: 15,
            Status.ASSIGNED: 15,
            Status.IN_PROGRESS: 30,
            Status.INFORMATION_NEEDED: 5,
            Status.EXTERNAL_PROCESSING: 5,
            Status.COMPLETED: 20,
            Status.REJECTED_BY_USER: 2,
            Status.CLOSED: 8,
        },
    ),
    (
        3,
        {
            Status.REGISTERED: 2,
            Status.ASSIGNED: 8,
            Status.IN_PROGRESS: 18,
            Status.INFORMATION_NEEDED: 5,
            Status.EXTERNAL_PROCESSING: 4,
            Status.COMPLETED: 25,
            Status.REJECTED_BY_USER: 1,
            Status.CLOSED: 37,
        },
    ),
    (
        7,
        {
            Status.ASSIGNED: 5,
            Status.IN_PROGRESS: 12,
            Status.INFORMATION_NEEDED: 4,
            Status.EXTERNAL_PROCESSING: 4,
            Status.COMPLETED: 3,
            Status.REJECTED_BY_USER: 1,
            Status.CLOSED: 71,
        },
    ),
    (
        30,
        {
            Status.ASSIGNED: 2,
            Status.IN_PROGRESS: 5,
            Status.INFORMATION_NEEDED: 2,
            Status.EXTERNAL_PROCESSING: 2,
            Status.REJECTED_BY_USER: 0.5,
            Status.CLOSED: 88.5,
        },
    ),
    (
        float("inf"),
        {
            Status.ASSIGNED: 0.3,
            Status.IN_PROGRESS: 0.8,
            Status.INFORMATION_NEEDED: 0.2,
            Status.EXTERNAL_PROCESSING: 0.2,
            Status.REJECTED_BY_USER: 0.05,
            Status.CLOSED: 98.45,
        },
    ),
]
_AGE_CHOICES = [(days, list(w), list(w.values())) for days, w in AGE_STATUSES]
#: Comments per ticket: (counts, weights) for closed tickets and for the others.
COMMENTS_CLOSED = ([0, 1, 2, 3], [35, 40, 20, 5])
COMMENTS_OPEN = ([1, 2, 3, 4], [30, 35, 25, 10])
PUBLIC_SHARE = 0.6
FROM_CONTACT = 0.4  # of the public comments
#: The path of statuses that leads to each status (history and ledger steps).
PATHS = {
    Status.REGISTERED: [],
    Status.ASSIGNED: [Status.ASSIGNED],
    Status.IN_PROGRESS: [Status.ASSIGNED, Status.IN_PROGRESS],
    Status.INFORMATION_NEEDED: [Status.ASSIGNED, Status.IN_PROGRESS, Status.INFORMATION_NEEDED],
    Status.EXTERNAL_PROCESSING: [
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.EXTERNAL_PROCESSING,
    ],
    Status.COMPLETED: [Status.ASSIGNED, Status.IN_PROGRESS, Status.COMPLETED],
    Status.REJECTED_BY_USER: [
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.REJECTED_BY_USER,
    ],
    Status.CLOSED: [Status.CLOSED],  # closed tickets: the closure alone
}
#: A ticket as registered: what the creation history row shows of the later fields.
AS_REGISTERED: Row = {
    "status": Status.REGISTERED.value,
    "support_group_id": None,
    "assignee_id": None,
    "first_response_at": None,
    "assigned_at": None,
    "resolved_at": None,
    "closed_at": None,
    "closure_code": "",
    "third_party": "",
    "highest_line": "",
    "rejection_count": 0,
    "resolved_with_id": None,
    "response_breached": False,
    "resolution_breached": False,
}
COMMENT_BODY = "Bench: checked the logs, nothing new since this morning."
LOGGED_CALL_TITLE = "Bench: caller cannot reach the control panel"
PORTAL_TITLE = "Bench: our website answers with error 502"


class BenchTickets(bench_data.DashboardTickets):
    """The dashboard benchmark's tickets, BNC- numbered, registered in order over the
    span with their status drawn by age (AGE_STATUSES)."""

    prefix = PREFIX
    first_id, have, total, span = 1, 0, 1, timedelta(days=730)

    def setup(self, *, first_id: int, have: int, total: int, span: timedelta) -> None:
        self.first_id, self.have, self.total, self.span = first_id, have, max(total, 1), span

    def _status_and_registered(
        self, rng: random.Random, n: int, now: datetime
    ) -> tuple[Status, datetime]:
        position = (self.have + n - self.first_id + rng.random()) / self.total
        age = max(self.span.total_seconds() * (1 - min(position, 1.0)), 60.0)
        for days, statuses, weights in _AGE_CHOICES:
            if age <= days * DAY:
                return rng.choices(statuses, weights)[0], now - timedelta(seconds=age)
        raise AssertionError("the last band is unbounded")


# ----- loading ----------------------------------------------------------------------------


def load(ctx: LoadContext) -> None:
    rng = random.Random(ctx.seed)
    maker = BenchTickets()
    with transaction.atomic():
        reference = maker._reference(rng)
    contacts = Contact.objects.in_bulk([contact for contact, _org in reference.contacts])
    core_bench.portal_logins(ctx, [contacts[c] for c, _org in reference.contacts])

    have = Incident.objects.filter(number__startswith=f"{PREFIX}-").count()
    missing = ctx.tickets - have
    if missing <= 0:
        ctx.say(f"Tickets: {have:,} {PREFIX}- tickets there, {ctx.tickets:,} wanted: none to add")
        _after_load(ctx, loaded=False)
        return
    ctx.say(f"Tickets: {have:,} {PREFIX}- tickets there, adding {missing:,}")
    writers = _Writers()
    first = next_id(Incident)
    maker.setup(first_id=first, have=have, total=ctx.tickets, span=ctx.span)
    rng = random.Random(ctx.seed * 1_000_003 + have)
    now = timezone.now()
    progress = Progress(ctx, "tickets", missing)
    indexes = [search_kinds.TICKETS, search_kinds.COMMENTS]
    done = 0
    with search_triggers_paused(indexes if ctx.pause_search_triggers else []):
        while done < missing:
            size = min(ctx.batch, missing - done)
            batch = _Batch(rng, reference, now)
            for n in range(first + done, first + done + size):
                batch.add(maker._ticket(rng, reference, n, now) | {"id": n})
            with transaction.atomic():
                rows = writers.write(batch)
            done += size
            progress.step(done, rows=rows)
    reset_sequence(Incident)
    for index in indexes:  # rows loaded with the triggers off (now or by an earlier run)
        fill_search_vectors(ctx, index)
    _after_load(ctx, loaded=True)


class _Writers:
    def __init__(self) -> None:
        self.tickets = RowWriter(Incident, with_pk=True)
        self.history = history_writer(Incident)
        self.comments = RowWriter(Comment)
        self.ledger = RowWriter(SlaEvent)

    def write(self, batch: "_Batch") -> int:
        return (
            self.tickets.write(batch.tickets)
            + self.history.write(batch.history)
            + self.comments.write(batch.comments)
            + self.ledger.write(batch.ledger)
        )


class _Batch:
    """One batch of tickets with their history, comments and ledger rows."""

    def __init__(
        self, rng: random.Random, reference: generate_tickets.Reference, now: datetime
    ) -> None:
        self.rng, self.now = rng, now
        self.agents = sorted({u for members in reference.members.values() for u in members})
        self.tickets: list[Row] = []
        self.history: list[Row] = []
        self.comments: list[Row] = []
        self.ledger: list[Row] = []

    def add(self, row: Row) -> None:
        status = Status(row["status"])
        steps = self._steps(row, status)
        self._history(row, steps)
        self._comments(row, status)
        if status != Status.CLOSED:
            self._ledger(row, steps)
        self.tickets.append(row)

    def _steps(self, row: Row, status: Status) -> list[tuple[Status, datetime]]:
        """When the ticket reached each status of its path (in order, never after now)."""
        rng, now = self.rng, self.now
        at: datetime = row["registered_at"]
        assigned = row["assigned_at"] or at
        resolved = row["resolved_at"] or row["closed_at"] or now
        steps = []
        for step in PATHS[status]:
            if step == Status.ASSIGNED:
                when = assigned
            elif step == Status.IN_PROGRESS:
                when = assigned + timedelta(seconds=rng.uniform(30, 2 * 3600))
                when = min(when, resolved - timedelta(seconds=1))
            elif step == Status.COMPLETED:
                when = row["resolved_at"] or at + (now - at) * rng.uniform(0.3, 0.8)
            elif step == Status.CLOSED:
                when = row["closed_at"] or now
            else:  # the last step of an open ticket: some time after the one before
                when = at + (now - at) * rng.uniform(0.3, 1.0)
            at = min(max(when, at), now)
            steps.append((step, at))
        return steps

    def _history(self, row: Row, steps: list[tuple[Status, datetime]]) -> None:
        registered: datetime = row["registered_at"]
        state = {**row, **AS_REGISTERED, "version": 1}
        self.history.append(history_row(state, at=registered, kind="+"))
        for number, (status, at) in enumerate(steps, start=2):
            last = number == len(steps) + 1
            if last:
                state = {**row, "version": number}
            else:
                state = {**state, "status": status.value, "version": number}
                if status == Status.ASSIGNED:
                    state.update(
                        support_group_id=row["support_group_id"],
                        assignee_id=row["assignee_id"],
                        first_response_at=row["first_response_at"],
                        assigned_at=row["assigned_at"],
                        highest_line=row["highest_line"],
                    )
            self.history.append(history_row(state, at=at, user_id=row["assignee_id"]))
        row["version"] = len(steps) + 1

    def _comments(self, row: Row, status: Status) -> None:
        rng = self.rng
        counts, weights = COMMENTS_CLOSED if status == Status.CLOSED else COMMENTS_OPEN
        count = rng.choices(counts, weights)[0]
        start: datetime = row["registered_at"]
        end: datetime = row["resolved_at"] or row["closed_at"] or self.now
        span = max((end - start).total_seconds(), 60.0)
        for offset in sorted(rng.uniform(30, span) for _ in range(count)):
            public = rng.random() < PUBLIC_SHARE
            from_contact = public and rng.random() < FROM_CONTACT
            agent = row["assignee_id"] or rng.choice(self.agents)
            self.comments.append(
                {
                    "incident_id": row["id"],
                    "author_id": None if from_contact else agent,
                    "author_contact_id": row["contact_id"] if from_contact else None,
                    "body": rng.choice(COMMENTS),
                    "is_public": public,
                    "created_at": min(start + timedelta(seconds=offset), self.now),
                }
            )

    def _ledger(self, row: Row, steps: list[tuple[Status, datetime]]) -> None:
        """The SLA ledger: the clock's start, each status step and the first response."""
        ticket, priority = row["id"], row["priority"]
        events = [(row["registered_at"], SlaEvent.Kind.START, Status.REGISTERED)]
        events += [(at, SlaEvent.Kind.STATUS, status) for status, at in steps]
        if row["first_response_at"] is not None:
            responded = row["first_response_at"]
            status_then = Status.ASSIGNED if steps else Status.REGISTERED
            events.append((responded, SlaEvent.Kind.RESPOND, status_then))
        events.sort(key=lambda event: event[0])
        for at, kind, status in events:
            self.ledger.append(
                {
                    "incident_id": ticket,
                    "kind": kind.value,
                    "at": at,
                    "status": status.value,
                    "priority": priority,
                    "note": "",
                }
            )


def _after_load(ctx: LoadContext, *, loaded: bool) -> None:
    """The dashboard's roll-up (rebuilt after a load, else brought up to yesterday),
    ratings of closed tickets, and statistics."""
    started = time.monotonic()
    days = rollup.rebuild_all() if loaded else rollup.roll_up()
    ctx.say(f"Dashboard roll-up: {days:,} days in {time.monotonic() - started:.1f} s")
    if loaded:
        with transaction.atomic():
            rated = bench_data.add_ratings(prefix=PREFIX)
        ctx.say(f"Ratings: {rated:,}")
        took = analyse(Incident, Incident.history.model, Comment, SlaEvent, SatisfactionRating)
        ctx.say(f"Statistics: {took:.1f} s")
    counts = {
        "tickets": Incident.objects.count(),
        "open": Incident.objects.filter(status__in=OPEN_STATUSES).count(),
        "comments": Comment.objects.count(),
        "history rows": Incident.history.count(),
        "ledger rows": SlaEvent.objects.count(),
    }
    ctx.notes["incidents"] = counts
    ctx.say("Incidents: " + ", ".join(f"{value:,} {name}" for name, value in counts.items()))


def describe() -> dict[str, int]:
    return {
        "tickets": Incident.objects.count(),
        "open tickets": Incident.objects.filter(status__in=OPEN_STATUSES).count(),
    }


# ----- the floor's rows -------------------------------------------------------------------


def floor_rows(limit: int) -> list[Incident]:
    """The newest tickets for the benchmark's bare page (servicedesk/benchmark/floor.py):
    one query, read in order from the primary key."""
    return list(
        Incident.objects.only("number", "title", "status", "registered_at").order_by("-pk")[:limit]
    )


# ----- the pages ----------------------------------------------------------------------------


def pages(ctx: PageContext) -> list[Page]:
    users = ctx.users
    result = [
        Page("triage", "L1 triage", "l1", reverse("incidents:triage")),
        Page("l2", "L2 queue", "l2", reverse("incidents:queue_l2")),
        Page("l3", "L3 queue", "l3", reverse("incidents:queue_l3")),
        Page("mine", "My work (L2)", "l2", reverse("incidents:mine")),
        Page("overview", "All open", "manager", reverse("incidents:overview")),
        Page("tickets", "Ticket list", "l1", reverse("incidents:tickets")),
    ]
    ticket = _ticket_page_ticket(users.get("l2"))
    if ticket is not None:
        result.append(
            Page("ticket", "Ticket page", "l2", reverse("incidents:detail", args=[ticket.number]))
        )
    result += [
        Page("sla", "SLA page", "manager", reverse("incidents:sla")),
        Page("dashboard", "Manager dashboard", "manager", reverse("dashboard:index")),
        Page("portal", "Portal: our tickets", core_bench.CONTACT_LOGIN, reverse("portal:home")),
        Page("api", "API: ticket list", "token:l1", "/api/v1/tickets"),
    ]
    exclude = ticket.pk if ticket is not None else None
    result += [
        page
        for page in (
            _comment_page(ctx, exclude),
            _transition_page(ctx, exclude),
            _log_call_page(ctx),
            _portal_raise_page(ctx),
        )
        if page is not None
    ]
    return result


def _ticket_page_ticket(l2) -> Incident | None:
    """The ticket page measured: the newest ticket in progress in the L2 user's queue
    (a worked ticket with history and comments), else the newest ticket."""
    tickets = Incident.objects.order_by("-pk")
    if l2 is not None:
        found = (
            queues.line_tickets(l2, Line.L2)
            .filter(status=Status.IN_PROGRESS)
            .order_by("-pk")
            .only("pk", "number")
            .first()
        )
        if found is not None:
            return found
    return tickets.only("pk", "number").first()


def _comment_page(ctx: PageContext, exclude: int | None) -> Page | None:
    """A comment (public and internal in turn) on each of a pool of tickets in progress,
    so no ticket's timeline grows much from one run."""
    pool = list(
        Incident.objects.filter(status=Status.IN_PROGRESS)
        .exclude(pk=exclude or 0)
        .order_by("-pk")
        .values_list("pk", "number")[: ctx.pool]
    )
    if not pool:
        return None
    ids = [pk for pk, _number in pool]
    data = {"body": COMMENT_BODY}
    targets = [
        Target(
            reverse("incidents:comment", args=[number]), {**data, "is_public": Cycle(("on", ""))}
        )
        for _pk, number in pool
    ]
    return Page(
        "comment",
        "POST a comment",
        "l2",
        method="POST",
        targets=targets,
        count=lambda: Comment.objects.filter(incident_id__in=ids).count(),
        cleanup=lambda: _delete(Comment.objects.filter(body=COMMENT_BODY)),
    )


def _transition_page(ctx: PageContext, exclude: int | None) -> Page | None:
    """The assign transition (a reassignment within the ticket's group, to one of two of
    its members in turn), on a pool of assigned tickets: each form carries the version
    the ticket will have by then (one more per round)."""
    tickets = list(
        Incident.objects.filter(status=Status.ASSIGNED, support_group__isnull=False)
        .exclude(pk=exclude or 0)
        .order_by("-pk")
        .only("pk", "number", "version", "support_group_id")[: ctx.pool]
    )
    members = {
        group.pk: sorted(group.members.values_list("pk", flat=True))
        for group in SupportGroup.objects.filter(pk__in={t.support_group_id for t in tickets})
    }
    targets = []
    ids = []
    for ticket in tickets:
        pair = members.get(cast(int, ticket.support_group_id), [])[:2]
        if len(pair) < 2:
            continue
        ids.append(ticket.pk)
        targets.append(
            Target(
                reverse("incidents:action", args=[ticket.number, "assign"]),
                {
                    "group": str(ticket.support_group_id),
                    "assignee": Cycle((str(pair[1]), str(pair[0]))),
                    "reason": "Bench: rebalancing the queue",
                    "version": Seq(ticket.version),
                },
            )
        )
    if not targets:
        return None
    history = Incident.history.model
    return Page(
        "transition",
        "POST a transition (reassign)",
        "l1",
        method="POST",
        targets=targets,
        count=lambda: history.objects.filter(id__in=ids).count(),
    )


def _log_call_page(ctx: PageContext) -> Page | None:
    service = Service.objects.filter(name__startswith="Bench", is_active=True).first()
    contact = Contact.objects.filter(email__endswith=".bench.example").order_by("pk").last()
    if service is None or contact is None:
        return None
    item = service.configuration_items.order_by("pk").first()
    data: dict[str, Value] = {
        "contact": str(contact.pk),
        "kind": Kind.INCIDENT.value,
        "title": LOGGED_CALL_TITLE,
        "description": "Called at 09:12, cannot log in since the password change.",
        "category": "access",
        "service": str(service.pk),
        "configuration_item": str(item.pk) if item else "",
        "urgency": "3",
        "impact": "4",
        "submission": Unique("bench-call-"),
    }
    tickets = Incident.objects.filter(
        contact=contact, channel=Channel.PHONE, title=LOGGED_CALL_TITLE
    )
    return Page(
        "log_call",
        "POST log a call",
        "l1",
        reverse("incidents:log_call"),
        method="POST",
        data=data,
        count=tickets.count,
        cleanup=lambda: _delete(Incident.objects.filter(title=LOGGED_CALL_TITLE)),
    )


def _portal_raise_page(ctx: PageContext) -> Page | None:
    user = ctx.users.get(core_bench.CONTACT_LOGIN)
    contact = getattr(user, "contact", None) if user is not None else None
    service = (
        Service.objects.filter(
            name__startswith="Bench", is_active=True, is_requestable=True, form_fields=None
        )
        .order_by("pk")
        .first()
    )
    if contact is None or service is None:
        return None
    data: dict[str, Value] = {
        "kind": Kind.INCIDENT.value,
        "title": PORTAL_TITLE,
        "description": "Since 08:15 about one request in five fails; nothing changed here.",
        "urgency": "3",
        "submission": Unique("bench-portal-"),
    }
    tickets = Incident.objects.filter(contact=contact, channel=Channel.PORTAL, title=PORTAL_TITLE)
    return Page(
        "portal_raise",
        "POST raise a portal ticket",
        core_bench.CONTACT_LOGIN,
        reverse("portal:raise", args=[service.pk]),
        method="POST",
        data=data,
        count=tickets.count,
        cleanup=lambda: _delete(Incident.objects.filter(title=PORTAL_TITLE)),
    )


def _delete(rows) -> int:
    """What a run's POSTs made: removed with what hangs on it (benchmark data only)."""
    removed, _by_model = rows.delete()
    return removed
