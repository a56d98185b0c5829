"""Time the desk manager's dashboard (/manager/) against a large ticket volume.

    manage.py bench_dashboard --count 1000000     # load up to 1M BND- tickets, then measure
    manage.py bench_dashboard --count 0           # measure what is there
    manage.py bench_dashboard --extra-open 100000 # grow the open backlog, then measure
    manage.py bench_dashboard --delete            # remove the BND-/BNO- tickets

Loading reuses generate_tickets (COPY on PostgreSQL, bulk_create elsewhere; committed in
batches, so an interrupted load resumes: --count is the total of BND- tickets wanted)
through incidents/dashboard/bench_data.py, which adds the SLA fields, support lines and
rejections the dashboard reads, a 24×7 SLA policy per benchmark customer, satisfaction
ratings and portal deflections; then the dashboard's daily roll-up is built again (the
rows were written around save(); without a load it is brought up to yesterday, as beat
does). Each page is requested through django.test.Client as bench-manager (a service
desk manager), once to warm up and count the SQL queries, then --repeat times for the
wall time (middleware, view, queries, template: the server's share of a request). The
target is 300 ms; --explain prints EXPLAIN ANALYZE of slow queries.
"""

import statistics
import time
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import timezone

from incidents.dashboard import bench_data, rollup
from incidents.management.commands.generate_tickets import ensure_bench_users
from incidents.models import (
    OPEN_STATUSES,
    Incident,
    RegisteredHour,
    ResolvedDay,
    ResolvedTime,
    SatisfactionRating,
)
from knowledge.models import PortalDeflection
from servicedesk.models import Line, SupportGroup

TARGET_MS = 300
ROLLUP = (RegisteredHour, ResolvedDay, ResolvedTime)
SLOW_QUERY_MS = 20


@dataclass
class Page:
    label: str
    url_name: str
    params: dict[str, str] = field(default_factory=dict)


@dataclass
class Result:
    page: Page
    queries: int
    sql_ms: float
    times_ms: list[float]
    slow: list[dict[str, str]]

    @property
    def p50(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def p99(self) -> float:
        ordered = sorted(self.times_ms)
        return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def pages() -> list[Page]:
    today = timezone.localdate()
    year = {"from": str(today - timedelta(days=364)), "to": str(today)}
    quarter = {"from": str(today - timedelta(days=89)), "to": str(today)}
    group = (
        SupportGroup.objects.filter(line=Line.L1, name__startswith="Bench")
        .values_list("pk", flat=True)
        .first()
    )
    one_group = {"group": str(group)} if group else {}
    return [
        Page("dashboard, last 30 days", "dashboard:index"),
        Page("dashboard, last 30 days, one group", "dashboard:index", one_group),
        Page("dashboard, last 90 days", "dashboard:index", quarter),
        Page("dashboard, last 365 days", "dashboard:index", year),
        Page("dashboard, last 365 days, one group", "dashboard:index", {**year, **one_group}),
        Page("export.csv, last 30 days", "dashboard:export"),
        Page("tickets behind 'resolved'", "dashboard:tickets", {"figure": "out"}),
        Page("tickets behind 'backlog'", "dashboard:tickets", {"figure": "backlog"}),
    ]


class Command(BaseCommand):
    help = "Load benchmark tickets for the desk manager's dashboard and time its pages."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--count", type=int, default=1_000_000, help="BND- tickets wanted in total"
        )
        parser.add_argument("--extra-open", type=int, default=0, help="open BNO- tickets to add")
        parser.add_argument("--batch", type=int, default=20_000, help="rows per insert")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--repeat", type=int, default=20, help="timed runs per page")
        parser.add_argument("--target-ms", type=float, default=TARGET_MS)
        parser.add_argument("--explain", action="store_true", help="EXPLAIN slow queries")
        parser.add_argument("--delete", action="store_true", help="remove BND-/BNO- tickets")
        parser.add_argument(
            "--layout",
            choices=["registered", "as-loaded"],
            default="registered",
            help="after loading, store the ticket table in order of registration as a live "
            "desk writes it (PostgreSQL: CLUSTER), or leave the generator's random order",
        )

    def handle(self, *args, **options) -> None:
        if options["delete"]:
            self._delete()
            return
        if options["count"] < 0 or options["extra_open"] < 0 or options["batch"] < 1:
            raise CommandError("--count and --extra-open must be >= 0, --batch >= 1")
        loaded = self._load(
            options["count"], options["extra_open"], options["batch"], options["seed"]
        )
        if loaded and options["layout"] == "registered":
            self._cluster()
        self._roll_up(rebuild=loaded)
        if options["repeat"] > 0:
            results = self._measure_all(options["repeat"])
            self._table(results, options["target_ms"])
            if options["explain"]:
                self._explain(results)

    # ----- loading ------------------------------------------------------------------------

    def _load(self, count: int, extra_open: int, batch: int, seed: int) -> bool:
        have = Incident.objects.filter(number__startswith=f"{bench_data.PREFIX}-").count()
        loaded = False
        if count > have:
            self.stdout.write(f"Loading {count - have:,} BND- tickets ({have:,} there)")
            command = bench_data.DashboardTickets(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
            call_command(command, count=count - have, batch=batch, seed=seed + have)
            loaded = True
        if extra_open:
            self.stdout.write(f"Loading {extra_open:,} open BNO- tickets")
            command = bench_data.OpenDashboardTickets(stdout=self.stdout, stderr=self.stderr)  # type: ignore[arg-type]
            call_command(command, count=extra_open, batch=batch, seed=seed + 10_000_000)
            loaded = True
        if loaded:
            with transaction.atomic():
                rated = bench_data.add_ratings()
                deflected = bench_data.add_deflections()
            self.stdout.write(f"Added {rated:,} ratings; {deflected:,} portal deflections")
            self._analyse()
        return loaded

    def _cluster(self) -> None:
        """A desk writes its tickets as they are registered, so the rows of a period sit
        together; the generator writes them in random order (three years mixed in every
        batch), which no live table has. On PostgreSQL the table is rewritten in order of
        registration (CLUSTER; about 30 s for 1,000,000 tickets here)."""
        if connection.vendor != "postgresql" or connection.in_atomic_block:
            return
        table = connection.ops.quote_name(Incident._meta.db_table)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(f"CLUSTER {table} USING inc_registered")
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        self.stdout.write(
            f"Stored {table} in order of registration: {time.perf_counter() - started:.1f} s"
        )

    def _roll_up(self, *, rebuild: bool) -> None:
        """The dashboard's daily roll-up: built again after a load (the rows were written
        around save(), which keeps it), else brought up to yesterday as beat would."""
        started = time.perf_counter()
        days = rollup.rebuild_all() if rebuild else rollup.roll_up()
        if days:
            self._analyse()
        self.stdout.write(f"Rolled up {days:,} days: {time.perf_counter() - started:.1f} s")

    def _analyse(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                models = (Incident, SatisfactionRating, PortalDeflection, *ROLLUP)
                for model in models:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
            elif connection.vendor == "sqlite":
                cursor.execute("ANALYZE")

    def _delete(self) -> None:
        bench = Incident.objects.filter(number__regex=r"^(BND|BNO)-")
        ids = list(bench.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            with transaction.atomic():
                SatisfactionRating.objects.filter(incident_id__in=chunk)._raw_delete(
                    connection.alias
                )
                Incident.objects.filter(pk__in=chunk)._raw_delete(connection.alias)
        PortalDeflection.objects.filter(article__number="KBD-000001").delete()
        rollup.rebuild_all()
        self.stdout.write(f"Removed {len(ids):,} benchmark tickets.")

    # ----- measuring ----------------------------------------------------------------------

    def _measure_all(self, repeat: int) -> list[Result]:
        manager = ensure_bench_users()["manager"]
        client = Client(raise_request_exception=True)
        client.force_login(manager)
        total = Incident.objects.count()
        backlog = Incident.objects.filter(status__in=OPEN_STATUSES).count()
        month = Incident.objects.filter(registered_at__gte=timezone.now() - timedelta(days=30))
        self.stdout.write(
            f"Database: {connection.vendor} ({connection.settings_dict.get('NAME')}); "
            f"tickets: {total:,}; open: {backlog:,}; registered in the last 30 days: "
            f"{month.count():,}; ratings: {SatisfactionRating.objects.count():,}"
        )
        self.stdout.write(f"Runs per page: 1 warm-up + {repeat} timed")
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False):
            return [self._measure(page, client, repeat) for page in pages()]

    def _measure(self, page: Page, client: Client, repeat: int) -> Result:
        url = reverse(page.url_name)
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, page.params)
        queries = captured.captured_queries
        if response.status_code != 200:
            raise CommandError(f"{page.label}: {url} answered {response.status_code}")
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, page.params)
            times.append((time.perf_counter() - started) * 1000)
        return Result(
            page=page,
            queries=len(queries),
            sql_ms=sum(float(q["time"]) for q in queries) * 1000,
            times_ms=times,
            slow=[q for q in queries if float(q["time"]) * 1000 >= SLOW_QUERY_MS],
        )

    # ----- reporting ----------------------------------------------------------------------

    def _table(self, results: list[Result], target_ms: float) -> None:
        width = max(len(r.page.label) for r in results)
        header = f"{'page':<{width}}  {'queries':>7}  {'sql ms':>7}  {'p50 ms':>7}  {'p99 ms':>7}"
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            flag = "" if r.p99 < target_ms else "  << over target"
            self.stdout.write(
                f"{r.page.label:<{width}}  {r.queries:>7}  {r.sql_ms:>7.1f}  {r.p50:>7.1f}  "
                f"{r.p99:>7.1f}{flag}"
            )
        self.stdout.write("-" * len(header))
        over = [r.page.label for r in results if r.p99 >= target_ms]
        if over:
            self.stdout.write(
                self.style.ERROR(f"Over the {target_ms:g} ms target (p99): {', '.join(over)}")
            )
        else:
            self.stdout.write(self.style.SUCCESS(f"Every page under {target_ms:g} ms (p99)."))
        self.stdout.write("(sql ms: time spent in SQL during the warm-up request)")

    def _explain(self, results: list[Result]) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("--explain needs PostgreSQL; skipped.")
            return
        for r in results:
            for query in r.slow:
                self.stdout.write(
                    f"\n== {r.page.label}: {float(query['time']) * 1000:.1f} ms\n{query['sql']}"
                )
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    for (line,) in cursor.fetchall():
                        self.stdout.write(f"   {line}")
