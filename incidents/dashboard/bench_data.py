"""Benchmark volume for the desk manager's dashboard: generate_tickets' tickets with what
the dashboard reads besides (the SLA fields the clock and the sweep keep, the deepest
support line, rejections), then satisfaction ratings and portal deflections.

THIS IS BENCHMARK DATA, NOT BUSINESS LOGIC (see generate_tickets' docstring): finished
rows written in bulk, no history, no ledger. The tickets are numbered BND-0000123 so they
are counted apart from generate_tickets' BNC- tickets, and every organisation gets a
24×7 SLA policy, so that wall-clock durations and the SLA's business time agree and the
breach flags written here are the ones the clock would have set."""

import random
from datetime import datetime, timedelta
from typing import cast
from zoneinfo import ZoneInfo

from django.db import connection

from incidents.management.commands import generate_tickets
from incidents.models import Incident, SatisfactionRating, Status
from knowledge.models import Article, PortalDeflection, Visibility
from knowledge.models import Status as ArticleStatus
from servicedesk.models import BusinessCalendar, Line, SlaPolicy, SlaTarget

PREFIX = "BND"
OPEN_PREFIX = "BNO"
CALENDAR = "Bench 24×7"
#: Priority → (reaction, resolution), 24×7.
TARGETS = {
    1: (timedelta(minutes=15), timedelta(hours=4)),
    2: (timedelta(minutes=30), timedelta(hours=8)),
    3: (timedelta(hours=2), timedelta(days=3)),
    4: (timedelta(hours=4), timedelta(days=5)),
    5: (timedelta(hours=8), timedelta(days=10)),
}
WARN = 0.75
#: How long a ticket takes, as a share of its target (exponential: about 13 % of the
#: reactions and 8 % of the resolutions come late).
REACTION_MEAN = 0.5
RESOLUTION_MEAN = 0.4
#: Share of the tickets worked that the contact rejected once (and twice).
REJECTED_ONCE = 0.04
REJECTED_TWICE = 0.005
#: Share of the tickets now at L1 that had been with L2 before.
BACK_FROM_L2 = 0.05
#: Share of the resolutions that followed a knowledge article.
WITH_ARTICLE = 0.15
#: Closed tickets rated (1 in RATED), portal tickets deflected (1 in DEFLECTED).
RATED = 5
DEFLECTED = 30
OFFICE_HOURS = range(8, 18)
LOCAL = ZoneInfo("Europe/Berlin")


def ensure_policies(organisation_ids: set[int]) -> dict[int, int]:
    """A 24×7 policy with TARGETS for each organisation that has none: organisation id →
    policy id."""
    calendar, _ = BusinessCalendar.objects.get_or_create(
        name=CALENDAR, defaults={"is_24x7": True, "time_zone": "Europe/Berlin"}
    )
    have = dict(
        SlaPolicy.objects.filter(organisation_id__in=organisation_ids).values_list(
            "organisation_id", "pk"
        )
    )
    for organisation_id in sorted(organisation_ids - set(have)):
        policy = SlaPolicy.objects.create(
            name=f"Bench SLA {organisation_id}", organisation_id=organisation_id, calendar=calendar
        )
        SlaTarget.objects.bulk_create(
            SlaTarget(
                policy=policy,
                priority=priority,
                reaction_minutes=int(reaction.total_seconds() // 60),
                resolution_minutes=int(resolution.total_seconds() // 60),
            )
            for priority, (reaction, resolution) in TARGETS.items()
        )
        have[organisation_id] = policy.pk
    return have


class DashboardTickets(generate_tickets.Command):
    """generate_tickets, with the SLA, line and rejection fields the dashboard reads."""

    prefix = PREFIX

    def _reference(self, rng: random.Random) -> generate_tickets.Reference:
        ref = super()._reference(rng)
        self.policies = ensure_policies({organisation for _contact, organisation in ref.contacts})
        self.line_of = {group: line for line, ids in ref.groups.items() for group in ids}
        self.article_id = bench_article().pk
        return ref

    def _ticket(
        self, rng: random.Random, ref: generate_tickets.Reference, n: int, now: datetime
    ) -> dict[str, object]:
        row = super()._ticket(rng, ref, n, now)
        row["number"] = f"{self.prefix}-{n:07d}"
        self._reshape(rng, row, now)
        status = row["status"]
        done = status in (Status.COMPLETED, Status.CLOSED)
        registered: datetime = row["registered_at"]  # type: ignore[assignment]
        if status == Status.CLOSED and rng.random() < 0.7:
            # Most tickets arrive in office hours; not later than now (a ticket of today
            # loaded before office hours stays where it was).
            moved = registered.astimezone(LOCAL).replace(hour=rng.choice(OFFICE_HOURS))
            if moved < now - timedelta(minutes=5):
                registered = moved
                row["registered_at"] = registered
        reaction, resolution = TARGETS[row["priority"]]  # type: ignore[index]
        row["sla_policy_id"] = self.policies[row["organisation_id"]]  # type: ignore[index]

        if status == Status.REGISTERED:
            due, warn = registered + reaction, registered + reaction * WARN
            row.update(response_due_at=due, response_warn_at=warn, response_breached=due <= now)
            row["sla_warned"] = warn <= now < due
        else:
            took = _exponential(rng, reaction * REACTION_MEAN)
            responded = min(registered + took, now)
            row.update(first_response_at=responded, assigned_at=responded)
            row["response_breached"] = responded - registered > reaction
            line = self.line_of.get(cast(int, row["support_group_id"]), "")
            if line == Line.L1 and rng.random() < BACK_FROM_L2:
                line = Line.L2
            row["highest_line"] = line

        if done:
            took = timedelta(minutes=1) + _exponential(rng, resolution * RESOLUTION_MEAN)
            resolved = min(registered + took, now - timedelta(minutes=1))
            row["resolved_at"] = resolved
            row["resolution_breached"] = resolved - registered > resolution
            if rng.random() < WITH_ARTICLE:
                row["resolved_with_id"] = self.article_id
            if status == Status.CLOSED:
                closed = resolved + timedelta(seconds=rng.uniform(600, 3 * 86400))
                row["closed_at"] = min(closed, now)
        elif status not in (Status.REGISTERED, Status.INFORMATION_NEEDED):
            due, warn = registered + resolution, registered + resolution * WARN
            row.update(resolution_due_at=due, resolution_warn_at=warn)
            row["resolution_breached"] = due <= now
            row["sla_warned"] = warn <= now < due and not row["response_breached"]

        if status == Status.REJECTED_BY_USER:
            row["rejection_count"] = 1
        elif done:
            chance = rng.random()
            row["rejection_count"] = (
                2 if chance < REJECTED_TWICE else 1 if chance < REJECTED_ONCE else 0
            )
        return row

    def _reshape(self, rng: random.Random, row: dict[str, object], now: datetime) -> None:
        """A subclass's say over the status and times before the SLA fields follow them."""


class OpenDashboardTickets(DashboardTickets):
    """The same, every ticket open and worked on, registered 5 to 17 weeks ago: a backlog
    that grows old (numbered BNO-). They fall before the dashboard's default 30 days, so
    only what reads the backlog sees them."""

    prefix = OPEN_PREFIX
    statuses = [
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.INFORMATION_NEEDED,
        Status.EXTERNAL_PROCESSING,
        Status.REJECTED_BY_USER,
    ]

    def _reshape(self, rng: random.Random, row: dict[str, object], now: datetime) -> None:
        status = rng.choice(self.statuses)
        row.update(
            status=status.value,  # benchmark data only
            registered_at=now - timedelta(days=rng.uniform(35, 120)),
            closure_code="",
            resolved_at=None,
            closed_at=None,
            third_party="Carrier NOC" if status == Status.EXTERNAL_PROCESSING else "",
        )


def _exponential(rng: random.Random, mean: timedelta) -> timedelta:
    return timedelta(seconds=rng.expovariate(1 / mean.total_seconds()))


def add_ratings(*, prefix: str = PREFIX) -> int:
    """One closed ticket numbered `prefix`- in RATED gets a satisfaction rating (mostly
    good), given when it closed; tickets already rated are skipped, so a second run adds
    what is new."""
    rating = connection.ops.quote_name(SatisfactionRating._meta.db_table)
    incident = connection.ops.quote_name(Incident._meta.db_table)
    sql = f"""
        INSERT INTO {rating} (incident_id, score, comment, created_at)
        SELECT i.id,
               CASE WHEN (i.id / {RATED}) %% 10 < 5 THEN 5
                    WHEN (i.id / {RATED}) %% 10 < 8 THEN 4
                    WHEN (i.id / {RATED}) %% 10 < 9 THEN 3
                    ELSE 1 + (i.id / {RATED}) %% 2 END,
               '', i.closed_at
        FROM {incident} i
        WHERE i.number LIKE %s AND i.status = %s AND i.closed_at IS NOT NULL
          AND i.id %% {RATED} = 0
          AND NOT EXISTS (SELECT 1 FROM {rating} r WHERE r.incident_id = i.id)
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{prefix}-%", Status.CLOSED.value])
        return cursor.rowcount


def add_deflections() -> int:
    """One portal BND- ticket in DEFLECTED stands for a question a public article answered
    before a ticket was raised (at the ticket's time, by its contact). Written again on
    every run (the earlier rows removed), so it follows the tickets loaded so far."""
    article = bench_article()
    PortalDeflection.objects.filter(article=article).delete()
    deflection = connection.ops.quote_name(PortalDeflection._meta.db_table)
    incident = connection.ops.quote_name(Incident._meta.db_table)
    sql = f"""
        INSERT INTO {deflection} (article_id, contact_id, created_at)
        SELECT %s, i.contact_id, i.registered_at
        FROM {incident} i
        WHERE i.number LIKE %s AND i.channel = %s AND i.id %% {DEFLECTED} = 0
    """
    with connection.cursor() as cursor:
        cursor.execute(sql, [article.pk, f"{PREFIX}-%", "portal"])
        return cursor.rowcount


def bench_article() -> Article:
    article = Article.objects.filter(number="KBD-000001").first()
    if article is None:
        article = Article(
            number="KBD-000001",
            title="Bench: resetting the control panel password",
            body="Open the login page and choose *Forgot password*.",
            visibility=Visibility.PUBLIC,
            status=ArticleStatus.PUBLISHED,  # benchmark data only
        )
        Article.objects.bulk_create([article])
        article = Article.objects.get(number="KBD-000001")
    return article
