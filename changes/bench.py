"""The changes app's part of the benchmark (servicedesk/benchmark/): a few thousand change
requests over two years (and planned into the next weeks) in every status, numbered
CHG-9000001 on (the sequence's numbers have six digits), each with its creation history
row, the service it touches and, for one in five, a benchmark problem it answers; and the
change manager's workspace.

Benchmark data only: rows written in bulk with their status (see
servicedesk/benchmark/__init__.py)."""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from changes.models import ChangeRequest
from changes.models.choices import ChangeType, Level, Status, assess_risk
from problems.models import Problem
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
from servicedesk.models import Service

PREFIX = "CHG-9"
PER_MILLION = 3_000
MINIMUM = 6
BATCH = 1_000
#: Past changes are mostly closed; the planned ones sit in the weeks ahead.
PAST = {
    Status.CLOSED: 70,
    Status.CANCELLED: 6,
    Status.REJECTED: 4,
    Status.FAILED: 2,
    Status.ROLLED_BACK: 2,
    Status.REVIEW: 3,
    Status.IMPLEMENTED: 3,
}
PLANNED = {
    Status.DRAFT: 3,
    Status.SUBMITTED: 2,
    Status.ASSESSMENT: 2,
    Status.CAB_REVIEW: 2,
    Status.APPROVED: 1,
}
FUTURE_SHARE = 0.05
ANSWERS_PROBLEM = 0.2
TYPES = {ChangeType.NORMAL: 60, ChangeType.STANDARD: 35, ChangeType.EMERGENCY: 5}
TITLES = [
    "Patch the hypervisors of {service}",
    "Replace a failed disk in {service}",
    "Raise the connection pool of {service}",
    "Renew certificates of {service}",
    "Upgrade the firmware behind {service}",
]


def load(ctx: LoadContext) -> None:
    wanted = ctx.scaled(PER_MILLION, minimum=MINIMUM)
    have = ChangeRequest.objects.filter(number__startswith=PREFIX).count()
    if have >= wanted:
        ctx.say(f"Changes: {have:,} there, {wanted:,} wanted: none to add")
        return
    rng = random.Random(ctx.seed * 37 + have)
    now = timezone.now()
    manager = User.objects.filter(username=core_bench.STAFF_LOGINS["change_manager"][0]).first()
    services = list(
        Service.objects.filter(name__startswith="Bench").order_by("pk").values_list("pk", "name")
    )
    problems = list(Problem.objects.filter(number__startswith="PRB-9").values_list("pk", flat=True))
    changes, history = RowWriter(ChangeRequest, with_pk=True), history_writer(ChangeRequest)
    touches = RowWriter(ChangeRequest.services.through)
    answers = RowWriter(ChangeRequest.problems.through)
    progress = Progress(ctx, "changes", wanted - have)
    for start in range(have, wanted, BATCH):
        size = min(BATCH, wanted - start)
        with transaction.atomic():
            first = next_id(ChangeRequest)
            rows = [
                _row(rng, start + i, first + i, now, ctx.span, manager, services)
                for i in range(size)
            ]
            written = changes.write(rows)
            written += history.write(
                history_row(row, at=row["created_at"], kind="+", user_id=row["requested_by_id"])
                for row in rows
            )
            written += touches.write(
                {"changerequest_id": row["id"], "service_id": row["_service"]}
                for row in rows
                if row["_service"]
            )
            if problems:
                written += answers.write(
                    {"changerequest_id": row["id"], "problem_id": rng.choice(problems)}
                    for row in rows
                    if rng.random() < ANSWERS_PROBLEM
                )
        progress.step(start + size - have, rows=written)
    reset_sequence(ChangeRequest)
    analyse(ChangeRequest)


def _row(rng, n, pk, now, span, manager, services) -> dict:
    future = rng.random() < FUTURE_SHARE
    statuses = PLANNED if future else PAST
    status = rng.choices(list(statuses), list(statuses.values()))[0]
    start = now + timedelta(days=rng.uniform(1, 42)) if future else now - span * rng.random()
    start = start.replace(minute=0, second=0, microsecond=0)
    end = start + timedelta(hours=rng.choice([1, 2, 4]))
    created = min(start - timedelta(days=rng.uniform(2, 20)), now)
    service_id, service_name = rng.choice(services) if services else (None, "the platform")
    impact, likelihood = rng.choice(list(Level)), rng.choice(list(Level))
    tested, backout_tested = rng.random() < 0.7, rng.random() < 0.5
    carried_out = status not in (Status.CANCELLED, Status.REJECTED) and not future
    decided = status not in (Status.DRAFT, Status.SUBMITTED, Status.ASSESSMENT)
    return {
        "id": pk,
        "_service": service_id,
        "number": f"{PREFIX}{n + 1:06d}",
        "title": rng.choice(TITLES).format(service=service_name),
        "description": "Planned maintenance; customers are told a week ahead.",
        "reason": "Vendor advisory and two incidents last month.",
        "change_type": rng.choices(list(TYPES), list(TYPES.values()))[0].value,
        "status": status.value,  # benchmark data only
        "impact": impact.value,
        "likelihood": likelihood.value,
        "tested": tested,
        "backout_tested": backout_tested,
        "risk": assess_risk(
            impact=impact, likelihood=likelihood, tested=tested, backout_tested=backout_tested
        ).value,
        "implementation_plan": "1. Drain the node. 2. Apply. 3. Check. 4. Return to the pool.",
        "backout_plan": "Roll back to the snapshot taken before step 2.",
        "test_plan": "Monitoring green for 30 minutes; a test order on the shop.",
        "planned_start": start,
        "planned_end": end,
        "requested_by_id": manager.pk if manager else None,
        "implementer_id": manager.pk if manager else None,
        "created_at": created,
        "submitted_at": created + timedelta(hours=1) if status != Status.DRAFT else None,
        "decided_at": created + timedelta(days=1) if decided else None,
        "scheduled_at": created + timedelta(days=1) if carried_out else None,
        "started_at": start if carried_out else None,
        "finished_at": end if carried_out else None,
        "closed_at": end + timedelta(days=2) if status == Status.CLOSED else None,
    }


def pages(ctx: PageContext) -> list[Page]:
    return [Page("changes", "Change workspace", "change_manager", reverse("changes:home"))]
