"""Search latency of the knowledge base at volume: loads benchmark articles (bulk,
resumable: knowledge/bench_data.py) into the current database, with the labelled set's
articles among them (knowledge/search/quality/), then runs the labelled queries and a few
one-word ones through `search_articles` and reports p50 and p99 in milliseconds (target:
p99 under 50 ms on PostgreSQL), and how often the right article is still among the first
three.

    manage.py bench_kb_search                 # load up to 100,000 articles, then measure
    manage.py bench_kb_search --count 0       # measure what is there
    manage.py bench_kb_search --delete        # remove the benchmark articles

Benchmark articles are numbered KBB-…, the labelled set's KBQ-…; nothing else is
touched."""

import statistics
import time

from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction
from django.db.models import Q

from knowledge import bench_data
from knowledge.models import Article, Status
from knowledge.search import index_articles, remove_articles, search_articles
from knowledge.search.quality import (
    FixtureArticle,
    evaluate,
    fixture_articles,
    labelled_queries,
)

PREFIX = "KBB-"
QUALITY_PREFIX = "KBQ-"
SHORT_QUERIES = ["vpn", "backup", "password reset", "server", "сертификат", "error", "почта"]


class Command(BaseCommand):
    help = "Load benchmark knowledge articles and measure search latency (p50, p99)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, default=100_000, help="benchmark articles wanted")
        parser.add_argument("--batch", type=int, default=2000, help="articles per transaction")
        parser.add_argument("--seed", type=int, default=0)
        parser.add_argument("--repeat", type=int, default=3, help="runs of each query")
        parser.add_argument("--delete", action="store_true", help="remove the benchmark articles")

    def handle(self, *args, count: int, batch: int, seed: int, repeat: int, delete: bool, **opts):
        if delete:
            self._delete()
            return
        loaded = self._load(count, max(1, batch), seed)
        numbers, added = self._load_labelled_set()
        if loaded or added:
            self._analyse()
        self._measure(max(1, repeat))
        self._quality(numbers)

    # ----- loading ------------------------------------------------------------------------

    def _load(self, count: int, batch: int, seed: int) -> bool:
        bench = Article.objects.filter(number__startswith=PREFIX)
        have = bench.count()
        if have >= count:
            self.stdout.write(f"{have:,} benchmark articles already loaded.")
            return False
        started = time.perf_counter()
        for first in range(have, count, batch):
            last = min(count, first + batch)
            with transaction.atomic():
                created = Article.objects.bulk_create(
                    [_row(bench_data.article(n, seed=seed)) for n in range(first, last)]
                )
                index_articles(created)  # SQLite; PostgreSQL's trigger has done it
            rate = (last - have) / (time.perf_counter() - started)
            self.stdout.write(f"  {last:,} / {count:,} articles ({rate:,.0f}/s)")
        return True

    def _load_labelled_set(self) -> tuple[dict[str, str], bool]:
        """The labelled set's articles, published (once): key → number, and whether
        they were loaded now."""
        fixtures = fixture_articles()
        numbers = {f.key: f"{QUALITY_PREFIX}{n:03d}" for n, f in enumerate(fixtures, 1)}
        if Article.objects.filter(number__startswith=QUALITY_PREFIX).exists():
            return numbers, False
        with transaction.atomic():
            created = Article.objects.bulk_create(
                [_labelled_row(f, numbers[f.key]) for f in fixtures]
            )
            index_articles(created)
        return numbers, True

    def _analyse(self) -> None:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("ANALYZE knowledge_article")
                cursor.execute("ANALYZE knowledge_search_word")
            elif connection.vendor == "sqlite":
                cursor.execute(
                    "INSERT INTO knowledge_article_fts(knowledge_article_fts) VALUES ('optimize')"
                )
                cursor.execute("ANALYZE")

    def _delete(self) -> None:
        bench = Article.objects.filter(
            Q(number__startswith=PREFIX) | Q(number__startswith=QUALITY_PREFIX)
        )
        ids = list(bench.values_list("pk", flat=True))
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            with transaction.atomic():
                Article.objects.filter(pk__in=chunk)._raw_delete(connection.alias)
                remove_articles(chunk)
        self.stdout.write(f"Removed {len(ids):,} benchmark articles.")

    # ----- measuring ----------------------------------------------------------------------

    def _measure(self, repeat: int) -> None:
        queries = [q.query for q in labelled_queries()] + SHORT_QUERIES
        timings: list[tuple[float, str]] = []
        for query in queries:  # once each first: warm caches, then measure
            search_articles(text=query, user_can_see_internal=True, limit=20)
        for run in range(repeat):
            for query in queries:
                started = time.perf_counter()
                search_articles(text=query, user_can_see_internal=run % 2 == 0, limit=20)
                timings.append(((time.perf_counter() - started) * 1000, query))
        values = sorted(ms for ms, _ in timings)
        total = Article.objects.filter(status=Status.PUBLISHED).count()
        self.stdout.write(
            f"{connection.vendor}: {total:,} published articles, {len(values)} searches "
            f"({len(queries)} queries x {repeat})"
        )
        self.stdout.write(
            f"  p50 {statistics.median(values):.1f} ms   p99 {_percentile(values, 99):.1f} ms   "
            f"max {values[-1]:.1f} ms"
        )
        slowest = sorted(timings, reverse=True)[:5]
        self.stdout.write("  slowest: " + "; ".join(f"{q!r} {ms:.0f} ms" for ms, q in slowest))

    def _quality(self, numbers: dict[str, str]) -> None:
        def search(text: str) -> list[str]:
            results = search_articles(text=text, user_can_see_internal=True, limit=3)
            return [hit.article.number for hit in results.hits]

        report = evaluate(numbers, search)
        self.stdout.write(f"  labelled set among them: {report.summary().splitlines()[0]}")


def _labelled_row(fixture: FixtureArticle, number: str) -> Article:
    return Article(
        number=number,
        title=fixture.title,
        body=fixture.body,
        keywords=fixture.keywords,
        language=fixture.language,
        visibility=fixture.visibility,
        status=Status.PUBLISHED,
    )


def _row(generated: bench_data.BenchArticle) -> Article:
    # Setting the protected status in the constructor is allowed; nothing else here is
    # the lifecycle (see knowledge/bench_data.py).
    return Article(
        number=generated.number,
        title=generated.title,
        body=generated.body,
        keywords=generated.keywords,
        language=generated.language,
        visibility=generated.visibility,
        status=Status.PUBLISHED,
    )


def _percentile(values: list[float], percent: float) -> float:
    index = min(len(values) - 1, max(0, round(percent / 100 * len(values) + 0.5) - 1))
    return values[index]
