"""The problems app's part of the benchmark (servicedesk/benchmark/): a few thousand
problems over two years in every status, numbered PRB-9000001 on (the sequence's
numbers have six digits, so they never meet), each with its creation history row and a
few of the benchmark's incidents linked; and the problem manager's workspace.

Benchmark data only: rows written in bulk with their status (see
servicedesk/benchmark/__init__.py)."""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import timezone

from incidents.models import Category, Incident
from problems.models import Problem, ProblemIncident, Status
from servicedesk import bench as core_bench
from servicedesk.benchmark.loading import (
    LoadContext,
    Progress,
    RowWriter,
    analyse,
    history_row,
    history_writer,
    next_id,
    reset_sequence,
)
from servicedesk.benchmark.pages import Page, PageContext
from servicedesk.models import ConfigurationItem, Line, SupportGroup

PREFIX = "PRB-9"
PER_MILLION = 3_000
MINIMUM = 6
BATCH = 1_000
STATUSES = {
    Status.NEW: 10,
    Status.UNDER_INVESTIGATION: 15,
    Status.KNOWN_ERROR: 15,
    Status.RESOLVED: 10,
    Status.CLOSED: 45,
    Status.CANCELLED: 5,
}
TITLES = [
    "Recurring 502 errors behind {ci}",
    "Backups on {ci} fail every Monday",
    "Intermittent packet loss through {ci}",
    "Memory leak on {ci} after the last update",
    "Certificates on {ci} renew too late",
    "Mail queue on {ci} grows at night",
]
LINKS = (1, 6)  # incidents linked to a problem: from, to (exclusive)


def load(ctx: LoadContext) -> None:
    wanted = ctx.scaled(PER_MILLION, minimum=MINIMUM)
    have = Problem.objects.filter(number__startswith=PREFIX).count()
    if have >= wanted:
        ctx.say(f"Problems: {have:,} there, {wanted:,} wanted: none to add")
        return
    rng = random.Random(ctx.seed * 31 + have)
    now = timezone.now()
    owner = User.objects.filter(username=core_bench.STAFF_LOGINS["problem_manager"][0]).first()
    items = list(ConfigurationItem.objects.filter(name__startswith="Bench").order_by("pk"))
    groups = list(
        SupportGroup.objects.filter(name__startswith="Bench", line__in=[Line.L2, Line.L3])
    )
    investigators = {g.pk: list(g.members.values_list("pk", flat=True)) for g in groups}
    linked = set(ProblemIncident.objects.values_list("incident_id", flat=True))
    ids = Incident.objects.filter(number__startswith="BNC-").aggregate(
        low=Min("pk"), high=Max("pk")
    )
    problems, history = RowWriter(Problem, with_pk=True), history_writer(Problem)
    links = RowWriter(ProblemIncident)
    progress = Progress(ctx, "problems", wanted - have)
    for start in range(have, wanted, BATCH):
        size = min(BATCH, wanted - start)
        with transaction.atomic():
            first = next_id(Problem)
            rows = [
                _row(rng, start + i, first + i, now, ctx.span, owner, items, groups, investigators)
                for i in range(size)
            ]
            written = problems.write(rows)
            written += history.write(
                history_row(row, at=row["created_at"], kind="+", user_id=row["created_by_id"])
                for row in rows
            )
            if ids["low"] is not None:
                written += links.write(_links(rng, rows, ids["low"], ids["high"], linked))
        progress.step(start + size - have, rows=written)
    reset_sequence(Problem)
    analyse(Problem, ProblemIncident)


def _row(rng, n, pk, now, span, owner, items, groups, investigators) -> dict:
    status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
    created = now - span * rng.random()
    item = rng.choice(items) if items else None
    group = rng.choice(groups) if groups else None
    members = investigators.get(group.pk, []) if group else []
    known = status in (Status.KNOWN_ERROR, Status.RESOLVED, Status.CLOSED)
    done = status in (Status.RESOLVED, Status.CLOSED)
    days = timedelta(days=rng.uniform(1, 30))
    return {
        "id": pk,
        "number": f"{PREFIX}{n + 1:06d}",
        "title": rng.choice(TITLES).format(ci=item.name if item else "the platform"),
        "description": "Several customers report the same symptom; see the linked tickets.",
        "status": status.value,  # benchmark data only
        "priority": rng.choice([2, 3, 3, 4]),
        "service_id": item.service_id if item else None,
        "configuration_item_id": item.pk if item else None,
        "category": rng.choice([Category.OUTAGE, Category.DEGRADATION, Category.ERROR]).value,
        "owner_id": owner.pk if owner else None,
        "investigator_id": rng.choice(members) if members else None,
        "support_group_id": group.pk if group else None,
        "root_cause": "A connection pool too small for the evening peak." if known else "",
        "workaround": "Restart the pool's service; it holds for a day." if known else "",
        "permanent_fix": "Pool size raised through a change." if done else "",
        "created_by_id": owner.pk if owner else None,
        "created_at": created,
        "investigation_started_at": created + days / 4 if status != Status.NEW else None,
        "root_cause_at": created + days / 2 if known else None,
        "known_error_at": created + days / 2 if known else None,
        "resolved_at": min(created + days, now) if done else None,
        "closed_at": min(created + days * 2, now) if status == Status.CLOSED else None,
    }


def _links(rng, rows, low: int, high: int, linked: set[int]) -> list[dict]:
    """A few tickets per problem (an incident explains at most one problem)."""
    wanted = [(row, rng.randint(low, high)) for row in rows for _ in range(rng.randrange(*LINKS))]
    exists = set(
        Incident.objects.filter(pk__in={pk for _row, pk in wanted}).values_list("pk", flat=True)
    )
    result = []
    for row, incident in wanted:
        if incident in linked or incident not in exists:
            continue
        linked.add(incident)
        result.append(
            {
                "problem_id": row["id"],
                "incident_id": incident,
                "linked_by_id": row["owner_id"],
                "linked_at": row["created_at"],
            }
        )
    return result


def pages(ctx: PageContext) -> list[Page]:
    return [Page("problems", "Problem workspace", "problem_manager", reverse("problems:home"))]
