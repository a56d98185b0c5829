"""Time the ticket list's bulk actions on N tickets, committed, with their side effects.

    manage.py bench_bulk --count 500

Registers --count tickets through incident_register (as bench-l1, for a benchmark
contact), then posts *Change priority* and *Assign* for all of them to the bulk view
through django.test.Client, each committed ticket by ticket as in production; the
contacts' status mails are written by the configured mailer (Celery tasks in-process
when CELERY_TASK_ALWAYS_EAGER). More than servicedesk.bulk_jobs.INLINE_MAX tickets run
as a background job: the command then waits for the job (in the request itself when
Celery runs in-process) and prints the request's time and the job's. Adds tickets to
the configured database: run it on a benchmark copy, not on live data.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import Client
from django.test.utils import override_settings
from django.urls import reverse

from incidents import services
from incidents.management.commands.generate_tickets import (
    ensure_bench_users,
    ensure_support_groups,
)
from incidents.models import Channel, Kind
from servicedesk.models import BulkJob, Contact, Organisation


class Command(BaseCommand):
    help = "Time bulk actions on N tickets through the ticket list's bulk view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=500, help="tickets to act on")

    def handle(self, *args, count: int, **options) -> None:
        if not 1 <= count <= 500:
            raise CommandError("--count must be between 1 and 500 (the bulk view's limit)")
        users = ensure_bench_users()
        group = ensure_support_groups()["Bench Service Desk"]
        organisation, _ = Organisation.objects.get_or_create(
            contract_number="BENCH-BULK", defaults={"name": "Bench bulk customer"}
        )
        contact, _ = Contact.objects.get_or_create(
            organisation=organisation,
            email="bulk@bench.example",
            defaults={"name": "Bench Bulk"},
        )
        started = time.perf_counter()
        ids = [
            services.incident_register(
                actor=users["l1"],
                contact=contact,
                title=f"Bulk benchmark {n}",
                description="",
                kind=Kind.INCIDENT,
                channel=Channel.PHONE,
                category="other",
                urgency=3,
                impact=None,
                service=None,
                configuration_item=None,
            ).pk
            for n in range(count)
        ]
        self.stdout.write(f"registered {count} tickets in {time.perf_counter() - started:.1f} s")
        client = Client()
        client.force_login(users["l1"])
        runs: list[tuple[str, dict[str, object]]] = [
            (
                "priority",
                {"priority-urgency": "2", "priority-impact": "3", "priority-reason": "Bench"},
            ),
            ("assign", {"assign-group": group.pk, "assign-reason": "Bench"}),
        ]
        with override_settings(ALLOWED_HOSTS=[*settings.ALLOWED_HOSTS, "testserver"]):
            for action, fields in runs:
                started = time.perf_counter()
                response = client.post(
                    reverse("incidents:bulk"),
                    {"action": action, "tickets": ids, "confirm": "1", **fields},
                )
                took = time.perf_counter() - started
                self.stdout.write(
                    f"bulk {action} on {count} tickets: HTTP {response.status_code} in {took:.2f} s"
                )
                if response.status_code == 302:
                    self._wait_for_job(response["Location"], started)

    def _wait_for_job(self, location: str, started: float, timeout: float = 1800) -> None:
        """The job the request started, until it has finished (a worker may run it)."""
        job = BulkJob.objects.get(pk=int(location.rstrip("/").rsplit("/", 1)[1]))
        while not job.finished and time.perf_counter() - started < timeout:
            time.sleep(0.2)
            job.refresh_from_db()
        took = time.perf_counter() - started
        self.stdout.write(
            f"  background job #{job.pk}: {job.get_state_display()}, {job.done} done, "
            f"{job.refused} left as they were, {took:.2f} s from the request to its end"
        )
