"""Latency of the global search (/search/) at volume: loads benchmark tickets
(`generate_tickets`, BNC-…, resumable), comments on them (BNC tickets only, resumable) and
knowledge articles (`bench_kb_search`'s loader, KBB-…), then requests the staff search page
for a set of queries — common and rare words, two words, Russian, a typo, a name, a ticket
number, a word nothing has — as a logged-in L1 agent through the whole Django stack, and
reports p50 and p99 in milliseconds and the queries per page (target: p99 under 150 ms for
the first page at 1,000,000 tickets and 100,000 articles on PostgreSQL).

    manage.py bench_search                       # load up to the defaults, then measure
    manage.py bench_search --tickets 0 --articles 0 --comments 0   # measure what is there

Nothing but the benchmark's own rows is written."""

import random
import statistics
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.management.commands.generate_tickets import (
    DESCRIPTIONS,
    NUMBER_PREFIX,
    ensure_bench_users,
)
from incidents.models import Comment, Incident

QUERIES = [
    "disk",
    "disk full",
    "backup failed",
    "certificate expires",
    "vpn manchester",
    "licences",
    "сертификат",
    "sertificate",
    "cost centre reboot",
    "zyxqwv",
]
COMMENTS = [
    "Called the customer back; they confirm it works again.",
    "Waiting for the carrier's answer to the NOC ticket.",
    "Restarted the service, monitoring is green since.",
    "Письмо клиенту отправлено, ждём ответа.",
    *[text for text in DESCRIPTIONS if text],
]


class Command(BaseCommand):
    help = "Load benchmark tickets, comments and articles, and measure the search page."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--tickets", type=int, default=1_000_000)
        parser.add_argument("--comments", type=int, default=300_000)
        parser.add_argument("--articles", type=int, default=100_000)
        parser.add_argument("--repeat", type=int, default=20, help="requests per query")

    def handle(self, *args, tickets: int, comments: int, articles: int, repeat: int, **opts):
        self._load_tickets(tickets)
        self._load_comments(comments)
        if articles:
            call_command("bench_kb_search", count=articles, repeat=1, stdout=self.stdout)
        self._measure(max(2, repeat))

    # ----- loading ------------------------------------------------------------------------

    def _bench_tickets(self):
        return Incident.objects.filter(number__startswith=f"{NUMBER_PREFIX}-")

    def _load_tickets(self, wanted: int) -> None:
        missing = wanted - self._bench_tickets().count()
        if missing > 0:
            self.stdout.write(f"generating {missing:,} tickets")
            call_command("generate_tickets", count=missing, stdout=self.stdout)

    def _load_comments(self, wanted: int) -> None:
        have = Comment.objects.filter(incident__number__startswith=f"{NUMBER_PREFIX}-").count()
        missing = wanted - have
        if missing <= 0:
            return
        ids = list(self._bench_tickets().values_list("id", flat=True))
        if not ids:
            return
        rng = random.Random(have)
        started = time.perf_counter()
        for start in range(0, missing, 10_000):
            Comment.objects.bulk_create(
                Comment(
                    incident_id=rng.choice(ids),
                    body=rng.choice(COMMENTS),
                    is_public=rng.random() < 0.5,
                )
                for _ in range(min(10_000, missing - start))
            )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE incidents_comment")
        took = time.perf_counter() - started
        self.stdout.write(f"added {missing:,} comments in {took:.0f} s")

    # ----- measuring ----------------------------------------------------------------------

    def _client(self) -> Client:
        user = ensure_bench_users()["l1"]
        client = Client(HTTP_HOST=settings.ALLOWED_HOSTS[0] if settings.ALLOWED_HOSTS else "")
        client.force_login(user)
        return client

    def _measure(self, repeat: int) -> None:
        client = self._client()
        url = reverse("search")
        number = self._bench_tickets().order_by("-id").values_list("id", flat=True).first()
        queries = [*QUERIES, str(number or 1)]
        tickets = Incident.objects.count()
        self.stdout.write(
            f"search page at {tickets:,} tickets, {Comment.objects.count():,} comments "
            f"({connection.vendor}), {repeat} requests per query"
        )
        self.stdout.write(f"{'query':<22} {'p50 ms':>8} {'p99 ms':>8} {'queries':>8} status")
        every: list[float] = []
        for query in queries:
            times, counts, status = self._run(client, url, query, repeat)
            every += times
            self.stdout.write(
                f"{query:<22} {statistics.median(times):8.1f} {_p99(times):8.1f} "
                f"{max(counts):8d} {status}"
            )
        self.stdout.write(f"{'all queries':<22} {statistics.median(every):8.1f} {_p99(every):8.1f}")

    @staticmethod
    def _run(
        client: Client, url: str, query: str, repeat: int
    ) -> tuple[list[float], list[int], int]:
        client.get(url, {"q": query})  # warm the caches as a real user's second search would
        times, counts = [], []
        status = 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as queries:
                started = time.perf_counter()
                response = client.get(url, {"q": query})
                times.append((time.perf_counter() - started) * 1000)
            counts.append(len(queries))
            status = response.status_code
        return times, counts, status


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
