"""The knowledge app's part of the benchmark (servicedesk/benchmark/): articles KBB-0000123
from bench_kb_search's generator (knowledge/bench_data.py, English and Russian, article
n the same on every run), most published, some drafts, in review and retired, each with
its creation history row; and the knowledge manager's workspace.

Benchmark data only: rows written in bulk with their status (see knowledge/bench_data.py);
the full-text trigger indexes them on PostgreSQL, index_articles does on SQLite."""

import random
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from knowledge import bench_data
from knowledge.models import Article, Status
from knowledge.search import index_articles
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

PREFIX = "KBB-"
#: Articles per 1,000,000 tickets (at least MINIMUM).
PER_MILLION = 10_000
MINIMUM = 20
BATCH = 2_000
STATUSES = {Status.PUBLISHED: 85, Status.DRAFT: 5, Status.IN_REVIEW: 4, Status.RETIRED: 6}


def load(ctx: LoadContext) -> None:
    wanted = ctx.scaled(PER_MILLION, minimum=MINIMUM)
    have = Article.objects.filter(number__startswith=PREFIX).count()
    if have >= wanted:
        ctx.say(f"Articles: {have:,} {PREFIX} articles there, {wanted:,} wanted: none to add")
        return
    author = User.objects.filter(username=core_bench.STAFF_LOGINS["kb_manager"][0]).first()
    articles, history = RowWriter(Article, with_pk=True), history_writer(Article)
    progress = Progress(ctx, "articles", wanted - have)
    now = timezone.now()
    for start in range(have, wanted, BATCH):
        with transaction.atomic():
            first = next_id(Article)
            rows = [
                _row(n, first + n - start, author, now, ctx.seed, ctx.span)
                for n in range(start, min(wanted, start + BATCH))
            ]
            written = articles.write(rows)
            written += history.write(
                history_row(row, at=row["created_at"], kind="+", user_id=row["author_id"])
                for row in rows
            )
            index_articles(Article.objects.filter(pk__in=[row["id"] for row in rows]))
        progress.step(min(wanted, start + BATCH) - have, rows=written)
    reset_sequence(Article)
    analyse(Article)


def _row(n: int, pk: int, author: User | None, now, seed: int, span: timedelta) -> dict:
    generated = bench_data.article(n, seed=seed)
    rng = random.Random(seed * 7_919 + n)
    status = rng.choices(list(STATUSES), list(STATUSES.values()))[0]
    created = now - span * rng.random()
    published = status in (Status.PUBLISHED, Status.RETIRED)
    return {
        "id": pk,
        "number": generated.number,
        "title": generated.title,
        "body": generated.body,
        "keywords": generated.keywords,
        "language": generated.language,
        "visibility": generated.visibility,
        "status": status.value,  # benchmark data only
        "author_id": author.pk if author else None,
        "created_at": created,
        "published_at": created + timedelta(days=1) if published else None,
        "reviewed_at": created + timedelta(days=1) if published else None,
        "use_count": int(rng.paretovariate(1.5)) - 1,
    }


def pages(ctx: PageContext) -> list[Page]:
    return [Page("kb", "KB workspace", "kb_manager", reverse("knowledge:home"))]
