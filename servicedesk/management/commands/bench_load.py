"""Load the benchmark's data set (issue 14, `make bench`): every installed app's part,
in INSTALLED_APPS order (servicedesk/benchmark/registry.py), resumably.

    manage.py bench_load --tickets 1000000    # creates the database if missing, migrates

Each app counts what it finds and adds the rest, in committed batches: run it again
after an interruption, or with a larger --tickets to grow the set. Refuses a database
whose name does not contain "bench" (the loaders write millions of rows around the
services) unless --force."""

import time

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from servicedesk.benchmark import database
from servicedesk.benchmark.loading import LoadContext
from servicedesk.benchmark.registry import app_benches


class Command(BaseCommand):
    help = "Load the benchmark data set (resumable): every app's bench.load, in order."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets wanted")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch", type=int, default=20_000, help="tickets per transaction")
        parser.add_argument("--days", type=int, default=730, help="days the data spans")
        parser.add_argument("--only", default="", help="comma-separated app labels to load")
        parser.add_argument("--no-migrate", action="store_true", help="skip migrate")
        parser.add_argument(
            "--pause-search-triggers",
            action="store_true",
            help="full-text triggers off while loading, vectors computed afterwards",
        )
        parser.add_argument(
            "--force", action="store_true", help="load even where the name lacks 'bench'"
        )

    def handle(
        self, *args, tickets: int, seed: int, batch: int, days: int, only: str, **options
    ) -> None:
        if tickets < 0 or batch < 1 or days < 1:
            raise CommandError("--tickets must be >= 0, --batch and --days >= 1")
        name = str(connection.settings_dict.get("NAME", ""))
        if "bench" not in name and not options["force"]:
            raise CommandError(
                f"The database {name!r} is not a benchmark database (its name lacks 'bench'): "
                "set DATABASE_URL (make bench does: BENCH_DB), or pass --force."
            )
        if database.create_if_missing():
            self.stdout.write(f"Created the database {name}")
        if not options["no_migrate"]:
            started = time.monotonic()
            call_command("migrate", interactive=False, verbosity=0)
            self.stdout.write(f"Migrated ({time.monotonic() - started:.0f} s)")
        wanted = {label.strip() for label in only.split(",") if label.strip()}
        ctx = LoadContext(
            tickets=tickets,
            seed=seed,
            batch=batch,
            span_days=days,
            pause_search_triggers=options["pause_search_triggers"],
            stdout=self.stdout,
        )
        started = time.monotonic()
        self.stdout.write(
            f"Loading {tickets:,} tickets and what goes with them into {connection.vendor} ({name})"
        )
        for app in app_benches():
            if not app.loads or (wanted and app.label not in wanted):
                continue
            app_started = time.monotonic()
            self.stdout.write(self.style.MIGRATE_HEADING(f"{app.label}"))
            app.module.load(ctx)
            self.stdout.write(f"{app.label}: {time.monotonic() - app_started:.1f} s")
        self.stdout.write(
            self.style.SUCCESS(f"Loaded in {time.monotonic() - started:.1f} s (wall clock)")
        )
