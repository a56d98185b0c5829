"""Where one page's time goes: cProfile over its requests through the Django test client
(the whole middleware stack, DEBUG off) against the benchmark database.

    manage.py bench_profile triage                 # 50 requests, top 25 functions
    manage.py bench_profile ticket --requests 100 --top 40
    manage.py bench_profile comment                # a POST: its requests in turn, as wrk's

The page names are bench_serve_measure's (--list there). Prints the mean time per
request with and without the profiler, the queries of one request, a summary (SQL,
template rendering, translation look-ups, date formats) and the functions that took the
most time, cumulative and on their own. A POST really changes the data (as under wrk);
what it made is removed afterwards, and the tasks it queues (mail) are not run."""

import cProfile
import importlib
import io
import pstats
import re
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import override_settings
from django.urls import clear_url_caches

from servicedesk.benchmark import measure
from servicedesk.benchmark.pages import Page
from servicedesk.benchmark.profiling import summary
from servicedesk.celery import app as celery_app
from servicedesk.models import ApiToken

WARM_UP = 3


class Command(BaseCommand):
    help = "cProfile one benchmark page over ~50 requests through the test client."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("page", help="a page name (bench_serve_measure --list)")
        parser.add_argument("--requests", type=int, default=50)
        parser.add_argument("--top", type=int, default=25)

    def handle(self, *args, page: str, requests: int, top: int, **options) -> None:
        ctx = measure.page_context()
        pages = {p.name: p for p in measure.all_pages(ctx)}
        if page not in pages:
            raise CommandError(f"No page {page!r}; there are: {', '.join(pages)}")
        chosen = pages[page]
        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        with override_settings(DEBUG=False, ALLOWED_HOSTS=hosts, BENCH_FLOOR=True):
            _mount_the_floor()
            client, cleanup = self._client(chosen, ctx.users)
            try:
                with _tasks_queued():
                    self._profile(chosen, client, requests, top)
            finally:
                cleanup()
                if chosen.cleanup is not None:
                    self.stdout.write(f"\nRemoved {chosen.cleanup():,} records the POSTs made.")

    def _client(self, page: Page, users) -> tuple[Client, Callable[[], None]]:
        client = Client(raise_request_exception=True)
        token_pk = None
        if page.login.startswith(measure.TOKEN):
            from servicedesk import tokens

            user = users[page.login[len(measure.TOKEN) :]]
            issued = tokens.issue(tokens.API_TOKEN_KIND)
            token = ApiToken.objects.create(
                name="bench profile", user=user, prefix=issued.prefix, token_hash=issued.digest
            )
            token_pk = token.pk
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issued.plaintext}"
        elif page.login:
            if page.login not in users:
                raise CommandError(f"No login {page.login!r}: run bench_load first")
            client.force_login(users[page.login])

        def cleanup() -> None:
            if token_pk is not None:
                ApiToken.objects.filter(pk=token_pk).delete()

        return client, cleanup

    def _profile(self, page: Page, client: Client, requests: int, top: int) -> None:
        tag = secrets.token_hex(3)
        k = 0

        def send():
            nonlocal k
            path, data = page.request(k, tag=tag)
            k += 1
            if page.is_post:
                return client.post(path, data)
            return client.get(path)

        for _ in range(WARM_UP):
            response = send()
            if response.status_code != page.expect:
                raise CommandError(
                    f"{page.label}: answered {response.status_code}, expected {page.expect}"
                )
        queries: list[float] = []

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                queries.append(time.perf_counter() - started)

        with connection.execute_wrapper(timed):
            send()
        started = time.perf_counter()
        for _ in range(requests):
            send()
        plain = (time.perf_counter() - started) * 1000 / requests
        profiler = cProfile.Profile()
        started = time.perf_counter()
        profiler.enable()
        for _ in range(requests):
            send()
        profiler.disable()
        profiled = (time.perf_counter() - started) * 1000 / requests
        stats = pstats.Stats(profiler)
        self.stdout.write(
            f"{page.label} ({page.method} as {page.login or 'nobody'}): {requests} requests, "
            f"{plain:.1f} ms each ({profiled:.1f} ms under the profiler), "
            f"{len(queries)} queries, {sum(queries) * 1000:.1f} ms "
            "of SQL in one request"
        )
        self.stdout.write(summary(stats, requests))
        base = str(settings.BASE_DIR)
        listings = [
            ("cumulative", "by cumulative time", ()),
            ("tottime", "by own time", ()),
            ("cumulative", "of the project's own code, by cumulative time", (_own_code(base),)),
        ]
        for order, title, restrictions in listings:
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(*restrictions, top)
            text = _shorten(out.getvalue(), base)
            start = text.find("   ncalls")
            self.stdout.write(f"\n== top {top} {title} ({requests} requests)")
            self.stdout.write(text[start:] if start >= 0 else text)


@contextmanager
def _tasks_queued() -> Iterator[None]:
    """Tasks are queued (to an in-memory broker nobody reads), as from the web server,
    not run inside the request as a management command's eager Celery would."""
    conf = celery_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, "memory://"
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved


def _mount_the_floor() -> None:
    """The URLconf as BENCH_FLOOR=1 makes it (the pages named URLs before)."""
    import servicedesk.urls

    importlib.reload(servicedesk.urls)
    clear_url_caches()


def _own_code(base: str) -> str:
    """A pstats restriction: files of the project, not of its virtualenv."""
    return rf"^{re.escape(base)}/(?!\.venv/)"


def _shorten(text: str, base: str) -> str:
    text = re.sub(r"\S*/site-packages/", "", text)
    return text.replace(base + "/", "")
