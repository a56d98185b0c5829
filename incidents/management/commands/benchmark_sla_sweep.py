"""Time one SLA sweep over a large open backlog.

    manage.py benchmark_sla_sweep --generate 1000000   # once: 1M open tickets with clocks
    manage.py benchmark_sla_sweep --repeat 5
    manage.py benchmark_sla_sweep --commit --repeat 3   # committed, with its mail

The generated tickets are benchmark data only (written like generate_tickets does, see
its docstring): every one is open with a running resolution clock, due times spread
over the next 30 days and the last 10 minutes, so each sweep has a realistic handful
of newly due tickets to mark among a million that are not. Each timed sweep runs in a
transaction that is rolled back, so runs are repeatable.

With --commit each sweep commits and its after-commit work runs inside the timing, as in
production: the staff mail is queued (Notification rows) and sent through the in-memory
mail backend by eager Celery tasks. The run is then undone (flags reset, its ledger
events and notifications deleted) so the next run finds the same backlog.
"""

import random
import statistics
import time
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.core import mail
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, models, transaction
from django.test.utils import override_settings
from django.utils import timezone

from incidents import services
from incidents.management.commands import generate_tickets
from incidents.models import Incident, SlaEvent, Status
from servicedesk.celery import app as celery_app
from servicedesk.models import Notification, NotificationStatus

OPEN_WORKING = [Status.ASSIGNED, Status.IN_PROGRESS, Status.EXTERNAL_PROCESSING]
DUE_SPREAD = timedelta(days=30)
ALREADY_DUE = timedelta(minutes=10)
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


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
        parser.add_argument(
            "--newly-due",
            type=int,
            default=0,
            help="first make this many running clocks due a minute ago (a backlog to mark)",
        )
        parser.add_argument(
            "--commit",
            action="store_true",
            help="commit each sweep and run its after-commit work (mail) inside the timing",
        )

    def handle(
        self,
        *args,
        generate: int,
        repeat: int,
        target_ms: float,
        commit: bool,
        newly_due: int,
        **options,
    ) -> None:
        if generate:
            # OutputWrapper is a TextIOBase; django-stubs asks for a TextIO.
            command = OpenTickets(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
            call_command(command, count=generate)
        if newly_due:
            make_due(newly_due, timezone.now())
        running = Incident.objects.filter(resolution_due_at__isnull=False).count()
        self.stdout.write(
            f"Database: {connection.vendor}; tickets: {Incident.objects.count():,}; "
            f"running resolution clocks: {running:,}"
        )
        timings: list[float] = []
        result: dict[str, int] = {}
        side_effects = ""
        for _ in range(max(repeat, 1)):
            if commit:
                elapsed, result, side_effects = committed_sweep(timezone.now())
            else:
                elapsed, result = rolled_back_sweep(timezone.now())
            timings.append(elapsed)
        median, worst = statistics.median(timings), max(timings)
        self.stdout.write(f"One sweep marks: {result}")
        if commit:
            self.stdout.write(f"Committed, after-commit work included: {side_effects}")
        self.stdout.write(
            f"Sweep time over {len(timings)} runs: median {median:.1f} ms, max {worst:.1f} ms"
        )
        verdict = "under" if worst < target_ms else "OVER"
        style = self.style.SUCCESS if worst < target_ms else self.style.ERROR
        self.stdout.write(style(f"{verdict} the {target_ms:.0f} ms target"))


def make_due(count: int, now: datetime) -> None:
    """Benchmark data only: `count` open tickets with running clocks become due a minute
    ago, warned and breached nowhere yet, as after an outage of the sweep."""
    ids = list(
        Incident.objects.filter(status__in=OPEN_WORKING, resolution_due_at__isnull=False)
        .order_by("?")
        .values_list("pk", flat=True)[:count]
    )
    Incident.objects.filter(pk__in=ids).update(
        resolution_due_at=now - timedelta(minutes=1),
        resolution_warn_at=now - timedelta(hours=2),
        sla_warned=False,
        resolution_breached=False,
    )


def rolled_back_sweep(now: datetime) -> tuple[float, dict[str, int]]:
    with transaction.atomic():
        started = time.perf_counter()
        result = services.sla_sweep(now=now)
        elapsed = (time.perf_counter() - started) * 1000
        transaction.set_rollback(True)
    return elapsed, result


def committed_sweep(now: datetime) -> tuple[float, dict[str, int], str]:
    """One committed sweep with its after-commit work (mail queued and sent), timed
    together; then undone. Returns (ms, what it marked, what it queued and sent)."""
    candidates = _unmarked_due(now)
    last_event = SlaEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_note = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with _mail_in_memory():
        started = time.perf_counter()
        result = services.sla_sweep(now=now)  # commits; on_commit work runs here
        elapsed = (time.perf_counter() - started) * 1000
    mine = Notification.objects.filter(pk__gt=last_note)
    queued, sent = mine.count(), mine.filter(status=NotificationStatus.SENT).count()
    _undo(candidates, last_event, last_note)
    return elapsed, result, f"{queued:,} notifications queued, {sent:,} mails sent"


def _unmarked_due(now: datetime) -> dict[str, list[int]]:
    """For each flag the sweep may set: the ids it could set it on (all unset now)."""
    due = {
        "response_breached": "response_due_at",
        "resolution_breached": "resolution_due_at",
        "sla_warned": None,
    }
    found = {}
    for flag, column in due.items():
        if column is None:
            tickets = Incident.objects.filter(sla_warned=False).filter(
                models.Q(resolution_warn_at__lte=now) | models.Q(response_warn_at__lte=now)
            )
        else:
            tickets = Incident.objects.filter(**{flag: False, f"{column}__lte": now})
        found[flag] = list(tickets.values_list("pk", flat=True))
    return found


def _undo(candidates: dict[str, list[int]], last_event: int, last_note: int) -> None:
    with transaction.atomic():
        for flag, ids in candidates.items():
            for start in range(0, len(ids), 10_000):
                Incident.objects.filter(pk__in=ids[start : start + 10_000]).update(**{flag: False})
        SlaEvent.objects.filter(pk__gt=last_event).delete()
        Notification.objects.filter(pk__gt=last_note).delete()


@contextmanager
def _mail_in_memory():
    """Send through the in-memory backend with eager Celery tasks, as a worker would."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    mail.outbox = []
    try:
        with override_settings(MAILERS=LOCMEM):
            yield
    finally:
        celery_app.conf.task_always_eager = eager
