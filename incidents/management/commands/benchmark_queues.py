"""Time the staff queue pages against whatever volume the database holds.

Run `generate_tickets --count 1000000` first (on PostgreSQL for numbers that mean
anything), then this. Each page is requested through django.test.Client as a logged-in
benchmark user (bench-l1, bench-l2, bench-l3, bench-manager; created if missing), once to
warm up and count the SQL queries, then --repeat times for the wall time (full middleware
stack, view, queries and template: the server's share of a request). The target is
300 ms per page; `--explain` prints EXPLAIN ANALYZE for every slow query (PostgreSQL).
"""

import re
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse

from incidents import queues
from incidents.management.commands.generate_tickets import BENCH_USERS, ensure_bench_users
from incidents.models import Incident, Status
from servicedesk.models import Line, Priority, Specialisation

TARGET_MS = 300
#: Queries slower than this get an EXPLAIN ANALYZE with --explain.
SLOW_QUERY_MS = 20
CURSOR = re.compile(r"after=(\d+-\d+)")


@dataclass
class Page:
    label: str
    user: str  # a key of BENCH_USERS
    url_name: str
    params: dict[str, str] = field(default_factory=dict)
    htmx: bool = False
    #: Fills params / args just before the page is measured (cursor, ticket number).
    prepare: Callable[["Page", dict[str, Any]], None] | None = None
    args: list[str] = field(default_factory=list)


@dataclass
class Result:
    page: Page
    queries: int
    sql_ms: float
    times_ms: list[float]
    slow: list[dict[str, str]]

    @property
    def median(self) -> float:
        return statistics.median(self.times_ms)

    @property
    def worst(self) -> float:
        return max(self.times_ms)


def _show_more(page: Page, state: dict[str, Any]) -> None:
    """The "show more" link of the overview: the ?after= cursor its first page printed
    (or, if everything fit on one page, a cursor after its first ticket)."""
    match = CURSOR.search(state.get("overview_html", ""))
    if match:
        page.params["after"] = match.group(1)
        return
    first = queues.open_tickets().order_by("priority", "id").values_list("priority", "id").first()
    page.params["after"] = f"{first[0]}-{first[1]}" if first else "1-0"


def _ticket(page: Page, state: dict[str, Any]) -> None:
    """An open ticket of the L2 user's groups (the first row of its queue)."""
    number = (
        queues.line_tickets(state["users"]["l2"], Line.L2)
        .order_by("priority", "id")
        .values_list("number", flat=True)
        .first()
    ) or Incident.objects.order_by("-id").values_list("number", flat=True).first()
    if number is None:
        raise CommandError("There are no tickets: run generate_tickets first.")
    page.args = [number]


def pages() -> list[Page]:
    return [
        Page("triage", "l1", "incidents:triage"),
        Page("triage ?priority=2", "l1", "incidents:triage", {"priority": str(Priority.HIGH)}),
        Page("queue_l2", "l2", "incidents:queue_l2"),
        Page(
            "queue_l2 ?status=in_progress",
            "l2",
            "incidents:queue_l2",
            {"status": Status.IN_PROGRESS.value},
        ),
        Page("queue_l3", "l3", "incidents:queue_l3"),
        Page(
            "queue_l3 ?specialisation=network",
            "l3",
            "incidents:queue_l3",
            {"specialisation": Specialisation.NETWORK.value},
        ),
        Page("mine", "l2", "incidents:mine"),
        Page("mine ?status=in_progress", "l2", "incidents:mine", {"status": Status.IN_PROGRESS}),
        Page("overview", "manager", "incidents:overview"),
        Page(
            "overview ?status=assigned",
            "manager",
            "incidents:overview",
            {"status": Status.ASSIGNED.value},
        ),
        Page(
            "overview ?after= (show more)",
            "manager",
            "incidents:overview",
            htmx=True,
            prepare=_show_more,
        ),
        Page("detail", "l2", "incidents:detail", prepare=_ticket),
        Page("sla", "manager", "incidents:sla"),
        Page("sla ?view=breached", "manager", "incidents:sla", {"view": "breached"}),
        Page("overview ?sort=due", "manager", "incidents:overview", {"sort": "due"}),
    ]


class Command(BaseCommand):
    help = "Time every staff queue page (and a ticket page) as the benchmark users."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--repeat", type=int, default=5, help="timed runs per page")
        parser.add_argument(
            "--users",
            default=",".join(BENCH_USERS),
            help="which benchmark users' pages to run (comma-separated: l1,l2,l3,manager)",
        )
        parser.add_argument("--target-ms", type=float, default=TARGET_MS)
        parser.add_argument(
            "--explain",
            action="store_true",
            help=f"EXPLAIN ANALYZE every query slower than {SLOW_QUERY_MS} ms (PostgreSQL)",
        )

    def handle(self, *args, repeat: int, users: str, target_ms: float, explain: bool, **options):
        if repeat < 1:
            raise CommandError("--repeat must be at least 1")
        wanted = [key.strip() for key in users.split(",") if key.strip()]
        unknown = sorted(set(wanted) - set(BENCH_USERS))
        if unknown:
            raise CommandError(
                f"Unknown user key(s): {', '.join(unknown)} (use {', '.join(BENCH_USERS)})"
            )

        bench_users = ensure_bench_users()
        clients = {}
        for key in wanted:
            client = Client(raise_request_exception=True)
            client.force_login(bench_users[key])
            clients[key] = client
        state: dict[str, Any] = {"users": bench_users}

        total = Incident.objects.count()
        name = connection.settings_dict.get("NAME")
        self.stdout.write(f"Database: {connection.vendor} ({name}); tickets: {total:,}")
        self.stdout.write(f"Runs per page: 1 warm-up + {repeat} timed; target {target_ms:g} ms")

        results = []
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(ALLOWED_HOSTS=hosts, DEBUG=False):
            for page in pages():
                if page.user not in clients:
                    continue
                results.append(self._measure(page, clients[page.user], state, repeat))

        self._table(results, target_ms)
        if explain:
            self._explain(results)

    # ----- measuring -------------------------------------------------------------------

    def _measure(self, page: Page, client: Client, state: dict[str, Any], repeat: int) -> Result:
        if page.prepare:
            page.prepare(page, state)
        url = reverse(page.url_name, args=page.args)
        headers = {"HX-Request": "true"} if page.htmx else {}

        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, page.params, headers=headers)
        # Read them now: the next request clears the connection's query log.
        queries = captured.captured_queries
        if response.status_code != 200:
            raise CommandError(f"{page.label}: {url} answered {response.status_code}")
        if page.url_name == "incidents:overview" and not page.params:
            state["overview_html"] = response.content.decode()

        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            client.get(url, page.params, headers=headers)
            times.append((time.perf_counter() - started) * 1000)

        slow = [q for q in queries if float(q["time"]) * 1000 >= SLOW_QUERY_MS]
        return Result(
            page=page,
            queries=len(queries),
            sql_ms=sum(float(q["time"]) for q in queries) * 1000,
            times_ms=times,
            slow=slow,
        )

    # ----- reporting -------------------------------------------------------------------

    def _table(self, results: list[Result], target_ms: float) -> None:
        width = max([len(r.page.label) for r in results] + [4])
        header = (
            f"{'page':<{width}}  {'user':<13}  {'queries':>7}  {'sql ms':>7}  "
            f"{'median ms':>9}  {'max ms':>7}"
        )
        self.stdout.write("")
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for r in results:
            username = BENCH_USERS[r.page.user][0]
            flag = "" if r.worst < target_ms else "  << over target"
            self.stdout.write(
                f"{r.page.label:<{width}}  {username:<13}  {r.queries:>7}  {r.sql_ms:>7.1f}  "
                f"{r.median:>9.1f}  {r.worst:>7.1f}{flag}"
            )
        self.stdout.write("-" * len(header))
        over = [r.page.label for r in results if r.worst >= target_ms]
        if over:
            self.stdout.write(
                self.style.ERROR(
                    f"NOT all pages under the {target_ms:g} ms target (max of the timed runs): "
                    f"{len(over)} over ({', '.join(over)})"
                )
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"All {len(results)} pages under the {target_ms:g} ms target "
                    "(max of the timed runs)."
                )
            )
        self.stdout.write("(sql ms: time spent in SQL during the warm-up request)")

    def _explain(self, results: list[Result]) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("--explain needs PostgreSQL; skipped.")
            return
        for r in results:
            for query in r.slow:
                self.stdout.write("")
                self.stdout.write(
                    f"== {r.page.label}: {float(query['time']) * 1000:.1f} ms\n{query['sql']}"
                )
                with connection.cursor() as cursor:
                    cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {query['sql']}")
                    for (line,) in cursor.fetchall():
                        self.stdout.write(f"   {line}")
