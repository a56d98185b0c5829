"""Serve the desk with gunicorn and measure every page under load (issue 14, `make bench`).

    manage.py bench_serve_measure                    # every page, 10 s each
    manage.py bench_serve_measure --duration 30 --only triage,ticket
    manage.py bench_serve_measure --memory 600       # workers' memory under a mixed load
    manage.py bench_serve_measure --list             # the pages and their logins

gunicorn (2 sync workers, DEBUG off, the bench database, Redis for the cache and the
broker when it answers) is started on its own port after collectstatic; every login the
pages need logs in through the login page; then wrk (8 connections, one thread, from
127.0.0.1) runs each page for --duration seconds, the floor (a bare Django page,
servicedesk/benchmark/floor.py) first and last. The table gives requests per second,
p50 and p99 latency, the queries of one request (X-Bench-Queries), the web workers' and
the database backends' CPU time per request, and each page's ratio to the floor. A page
is flagged when any answer was not the expected one (wrk's non-2xx/3xx count included)
or a POST made fewer rows than it had answers. Machine load is printed with every page:
the machine is shared, so read the figures with it."""

import os
import subprocess
import sys
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from servicedesk.benchmark import measure, server


class Command(BaseCommand):
    help = "Serve the desk with gunicorn and measure every page with wrk beside the floor."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--duration", type=int, default=10, help="seconds per page")
        parser.add_argument("--only", default="", help="comma-separated page names")
        parser.add_argument("--connections", type=int, default=8)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument("--port", type=int, default=8765)
        parser.add_argument(
            "--pool", type=int, default=2000, help="records a one-off POST may use in turn"
        )
        parser.add_argument(
            "--memory",
            type=int,
            default=0,
            metavar="SECONDS",
            help="instead: a mixed load for SECONDS, the workers' memory at start and end",
        )
        parser.add_argument("--list", action="store_true", help="list the pages and exit")
        parser.add_argument("--no-static", action="store_true", help="skip collectstatic")
        parser.add_argument(
            "--keep", action="store_true", help="keep what the POSTs made (else removed)"
        )

    def handle(self, *args, **options) -> None:
        if options["duration"] < 1 or options["connections"] < 1:
            raise CommandError("--duration and --connections must be at least 1")
        ctx = measure.page_context(pool=options["pool"])
        pages = measure.all_pages(ctx)
        if options["list"]:
            for page in pages:
                self.stdout.write(f"{page.name:<14} {page.method:<5} {page.login:<16} {page.label}")
            return
        wanted = {name.strip() for name in options["only"].split(",") if name.strip()}
        unknown = wanted - {p.name for p in pages}
        if unknown:
            raise CommandError(f"No such page: {', '.join(sorted(unknown))} (see --list)")
        if wanted:
            pages = [p for p in pages if p.name in wanted or p.name == measure.FLOOR]
        if connection.vendor != "postgresql":
            self.stderr.write("warning: not PostgreSQL: figures mean little")
        info = self._describe()
        if not options["no_static"]:
            self._collectstatic(options["port"])
        port = server.free_port(options["port"])
        say = self.stdout.write
        with server.running(port, workers=options["workers"]) as served:
            say(
                f"gunicorn on 127.0.0.1:{port}: workers {served.workers()}, "
                f"{'Redis' if served.redis else 'no Redis (memory broker, local cache)'}"
            )
            if options["memory"]:
                self._memory(served, pages, options, info)
                return
            say(
                f"wrk: {options['connections']} connections, {options['duration']} s per page, "
                f"{len(pages)} pages (the floor first and last)"
            )
            results = measure.measure_all(
                served,
                pages,
                seconds=options["duration"],
                connections=options["connections"],
                say=say,
                keep=options["keep"],
            )
        info["load_after"] = measure.load_average()
        say("")
        for line in measure.table(results):
            say(line)
        say(
            "req/s and latency from wrk; queries: one request's X-Bench-Queries; CPU ms: the "
            "web workers' user+system CPU per request; DB ms: the database backends' (same "
            "host); ratio: req/s over the floors' mean; CPU r.: the floors' mean CPU ms over the "
            "page's (steadier under other load); load: 1-minute load average at the page's "
            "start."
        )
        path = measure.save(results, info)
        say(
            f"Load average before {_loads(info['load_before'])}, after {_loads(info['load_after'])}"
        )
        say(f"Saved {path}")
        flagged = [r.label for r in results if r.problem]
        if flagged:
            say(self.style.ERROR(f"Flagged: {', '.join(flagged)}"))

    def _describe(self) -> dict[str, object]:
        info: dict[str, object] = {"machine": measure.machine(), "data": measure.data_set()}
        info["load_before"] = measure.load_average()
        info["started"] = time.strftime("%Y-%m-%d %H:%M:%S %Z")
        data = ", ".join(f"{v:,} {k}" for k, v in measure.data_set().items())
        self.stdout.write(f"{info['machine']}\n{data}; load average {_loads(info['load_before'])}")
        return info

    def _collectstatic(self, port: int) -> None:
        started = time.monotonic()
        env = server.server_environment(port, "static", redis=False)
        done = subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--verbosity=0"],
            cwd=settings.BASE_DIR,
            env={**os.environ, **env},
            capture_output=True,
            text=True,
            check=False,
        )
        if done.returncode:
            raise CommandError(f"collectstatic failed:\n{done.stdout}\n{done.stderr}")
        self.stdout.write(f"collectstatic: {time.monotonic() - started:.0f} s")

    def _memory(self, served, pages, options, info) -> None:
        run = measure.memory(
            served,
            pages,
            seconds=options["memory"],
            connections=options["connections"],
            say=self.stdout.write,
        )
        verdict = "under" if run.growth < 10 else "OVER"
        self.stdout.write(
            f"Workers' RSS: {sum(run.start_mb.values()):.0f} MB at start, "
            f"{sum(run.end_mb.values()):.0f} MB after {run.seconds} s and {run.requests:,} "
            f"requests ({run.errors:,} errors): growth {run.growth:+.1f} % ({verdict} 10 %); "
            f"load average before {_loads(info['load_before'])}, "
            f"after {_loads(measure.load_average())}"
        )


def _loads(values) -> str:
    return " ".join(f"{v:.2f}" for v in values)
