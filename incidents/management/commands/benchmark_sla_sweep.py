"""Time one SLA sweep over a large open backlog.

    manage.py benchmark_sla_sweep --generate 1000000   # once: 1M open tickets with clocks
    manage.py benchmark_sla_sweep --repeat 5

The generated tickets are benchmark data only (written like generate_tickets does, see
its docstring): every one is open with a running resolution clock, due times spread
over the next 30 days and the last 10 minutes, so each sweep has a realistic handful
of newly due tickets to mark among a million that are not. Each timed sweep runs in a
transaction that is rolled back, so runs are repeatable.
"""

import random
import statistics
import time
from datetime import datetime, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.utils import timezone

from incidents import services
from incidents.management.commands import generate_tickets
from incidents.models import Incident, Status

OPEN_WORKING = [Status.ASSIGNED, Status.IN_PROGRESS, Status.EXTERNAL_PROCESSING]
DUE_SPREAD = timedelta(days=30)
ALREADY_DUE = timedelta(minutes=10)


class OpenTickets(generate_tickets.Command):
    """generate_tickets, but every ticket open with a running SLA clock."""

    def _ticket(self, rng: random.Random, ref, n: int, now: datetime) -> dict[str, object]:
        row = super()._ticket(rng, ref, n, now)
        row.update(
            status=rng.choice(OPEN_WORKING).value,  # benchmark data only
            closure_code="",
            resolved_at=None,
            closed_at=None,
        )
        if row["support_group_id"] is None:
            group_ids = [g for groups in ref.groups.values() for g in groups]
            row["support_group_id"] = rng.choice(group_ids)
        due = now - ALREADY_DUE + timedelta(seconds=rng.uniform(0, DUE_SPREAD.total_seconds()))
        row.update(
            resolution_due_at=due,
            resolution_warn_at=due - timedelta(hours=2),
            sla_warned=due - timedelta(hours=2) < now - ALREADY_DUE,
        )
        return row


class Command(BaseCommand):
    help = "Time the SLA sweep (incidents.services.sla_sweep) over the open backlog."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--generate",
            type=int,
            default=0,
            help="first create this many open tickets with running clocks",
        )
        parser.add_argument("--repeat", type=int, default=5)
        parser.add_argument("--target-ms", type=float, default=1000.0)

    def handle(self, *args, generate: int, repeat: int, target_ms: float, **options) -> None:
        if generate:
            call_command(OpenTickets(stdout=self.stdout, stderr=self.stderr), count=generate)
        running = Incident.objects.filter(resolution_due_at__isnull=False).count()
        self.stdout.write(
            f"Database: {connection.vendor}; tickets: {Incident.objects.count():,}; "
            f"running resolution clocks: {running:,}"
        )
        timings, result = [], {}
        for _ in range(max(repeat, 1)):
            with transaction.atomic():
                started = time.perf_counter()
                result = services.sla_sweep(now=timezone.now())
                timings.append((time.perf_counter() - started) * 1000)
                transaction.set_rollback(True)
        median, worst = statistics.median(timings), max(timings)
        self.stdout.write(f"One sweep marks: {result}")
        self.stdout.write(
            f"Sweep time over {len(timings)} runs: median {median:.1f} ms, max {worst:.1f} ms"
        )
        verdict = "under" if worst < target_ms else "OVER"
        style = self.style.SUCCESS if worst < target_ms else self.style.ERROR
        self.stdout.write(style(f"{verdict} the {target_ms:.0f} ms target"))
