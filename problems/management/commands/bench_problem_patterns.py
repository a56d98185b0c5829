"""Pattern detection at volume: loads benchmark incidents (bulk_create, not the services:
problems/bench_data.py) with a few recurring faults planted among them, then runs the
workspace's pattern detection (problems.patterns.find_patterns) and prints each of its
queries with its milliseconds, and p50 / max of the whole detection.

    manage.py bench_problem_patterns               # 100,000 incidents, measured, rolled back
    manage.py bench_problem_patterns --keep        # the same, and the rows stay (INB-…)
    manage.py bench_problem_patterns --count 0     # measure what is there (kept before)
    manage.py bench_problem_patterns --delete      # remove kept benchmark rows

The database is the one DATABASE_URL names (SQLite by default). By default everything
happens in one transaction rolled back at the end: nothing stays behind."""

import statistics
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from incidents.models import Incident
from problems import bench_data
from problems.models import Problem, ProblemIncident
from problems.patterns import KINDS, find_patterns, pattern_for_key, uncovered_incidents
from servicedesk.models import ConfigurationItem, Contact, Organisation, Service

PLANTED_PREFIX = f"{bench_data.NUMBER_PREFIX}P"


class Command(BaseCommand):
    help = "Load benchmark incidents and measure the problem workspace's pattern detection."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000, help="benchmark incidents")
        parser.add_argument("--days", type=int, default=365, help="spread over this many days")
        parser.add_argument("--batch", type=int, default=5000, help="incidents per insert")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--repeat", type=int, default=5, help="measured runs")
        parser.add_argument("--keep", action="store_true", help="commit the rows")
        parser.add_argument("--delete", action="store_true", help="remove kept rows")
        parser.add_argument("--sql", action="store_true", help="print each query in full")

    def handle(self, *args, **options: Any) -> None:
        if options["delete"]:
            self._delete()
            return
        if options["keep"]:
            self._run(**options)
            return
        with transaction.atomic():
            self._run(**options)
            transaction.set_rollback(True)
        self.stdout.write("Rolled back: nothing stays.")

    def _run(
        self,
        *,
        count: int,
        days: int,
        batch: int,
        seed: int,
        repeat: int,
        sql: bool,
        **_options: Any,
    ) -> None:
        now = timezone.now()
        if count:
            self._load(count, max(1, days), max(1, batch), seed, now)
        self._analyse()
        self._measure(max(1, repeat), now, full_sql=sql)

    # ----- loading ------------------------------------------------------------------------

    def _load(self, count: int, days: int, batch: int, seed: int, now: datetime) -> None:
        ref = bench_data.reference_rows()
        bench = Incident.objects.filter(number__startswith=bench_data.NUMBER_PREFIX)
        have = bench.exclude(number__startswith=PLANTED_PREFIX).count()
        started = time.perf_counter()
        new_ids: list[int] = []
        for first in range(have, count, batch):
            last = min(count, first + batch)
            rows = [
                bench_data.incident(n, ref, count=count, now=now, days=days, seed=seed)
                for n in range(first, last)
            ]
            new_ids += [row.pk for row in Incident.objects.bulk_create(rows)]
            rate = (last - have) / (time.perf_counter() - started)
            self.stdout.write(f"  {last:,} / {count:,} incidents ({rate:,.0f}/s)")
        if not bench.filter(number__startswith=PLANTED_PREFIX).exists():
            planted = bench_data.planted(ref, now=now, start=0)
            for row in planted:
                row.number = row.number.replace(bench_data.NUMBER_PREFIX, PLANTED_PREFIX)
            Incident.objects.bulk_create(planted)
        if new_ids:
            ProblemIncident.objects.bulk_create(bench_data.links(ref, new_ids, seed=seed))
            parent, children = bench_data.children(new_ids, seed=seed)
            Incident.objects.filter(pk__in=children).update(parent_id=parent)
        self.stdout.write(
            f"Loaded {len(new_ids):,} incidents in {time.perf_counter() - started:.1f} s."
        )

    def _analyse(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE incidents_incident")
                cursor.execute("ANALYZE problems_problemincident")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _delete(self) -> None:
        bench = Incident.objects.filter(number__startswith=bench_data.NUMBER_PREFIX)
        with transaction.atomic():
            ProblemIncident.objects.filter(
                Q(incident__number__startswith=bench_data.NUMBER_PREFIX)
                | Q(problem__number__startswith=bench_data.PROBLEM_PREFIX)
            ).delete()
            bench.exclude(parent=None).update(parent=None)
        ids = list(bench.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            with transaction.atomic():
                Incident.objects.filter(pk__in=ids[start : start + 5000])._raw_delete(
                    connection.alias
                )
        with transaction.atomic():
            Problem.objects.filter(number__startswith=bench_data.PROBLEM_PREFIX).delete()
            services = Service.objects.filter(name__startswith=bench_data.NAME_PREFIX)
            ConfigurationItem.objects.filter(service__in=services).delete()
            services.delete()
            organisations = Organisation.objects.filter(name__startswith=bench_data.NAME_PREFIX)
            Contact.objects.filter(organisation__in=organisations).delete()
            organisations.delete()
        self.stdout.write(f"Removed {len(ids):,} benchmark incidents.")

    # ----- measuring ----------------------------------------------------------------------

    def _measure(self, repeat: int, now: datetime, *, full_sql: bool) -> None:
        find_patterns(now=now)  # warm the caches once
        timings = []
        for _ in range(repeat):
            started = time.perf_counter()
            found = find_patterns(now=now)
            timings.append((time.perf_counter() - started) * 1000)
        queries: list[tuple[float, str]] = []
        with connection.execute_wrapper(_timed(queries)):
            find_patterns(now=now)
        total = Incident.objects.count()
        window = uncovered_incidents(now).count()
        self.stdout.write(
            f"{connection.vendor}: {total:,} tickets, {window:,} incidents of the last 30 days "
            f"without a problem"
        )
        self.stdout.write(f"  find_patterns: {len(queries)} queries")
        for ms, text in queries:
            shown = text if full_sql else _summary(text)
            self.stdout.write(f"    {ms:8.1f} ms  {shown}")
        values = sorted(timings)
        self.stdout.write(
            f"  whole detection over {repeat} runs: p50 {statistics.median(values):.1f} ms, "
            f"max {values[-1]:.1f} ms"
        )
        for kind in KINDS:  # the two busiest of each kind
            for pattern in [p for p in found if p.kind == kind][:2]:
                self.stdout.write(
                    f"    {pattern.n7:5d} / {pattern.n30:5d}  {pattern.key[:40]:40}  "
                    f"{pattern.title[:50]}"
                )
        if found:
            started = time.perf_counter()
            pattern_for_key(found[0].key, now=now)
            ms = (time.perf_counter() - started) * 1000
            self.stdout.write(f"  opening the first pattern reads its incidents in {ms:.1f} ms")


def _timed(queries: list[tuple[float, str]]) -> Callable:
    def wrapper(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            queries.append(((time.perf_counter() - started) * 1000, sql))

    return wrapper


def _summary(sql: str) -> str:
    """A query on one line: which kind it groups by, or what it reads."""
    flat = " ".join(sql.split())
    if "busiest AS" in flat:
        key = flat.split("keyed AS (", 1)[1].split(" FROM", 1)[0]
        return f"GROUP BY {key.rsplit(',', 1)[-1].strip()} (+ samples)"
    return flat[:110] + ("…" if len(flat) > 110 else "")
