"""Where one page's time goes: request it N times as a user, report the median and the
cProfile's top lines.

    manage.py profile_page /triage/ --user bench-l1 --requests 50
    manage.py profile_page /tickets/BNC-0000123/ --user bench-l2 --profile --top 40
    manage.py profile_page /api/v1/tickets --user bench-l2 --api   # a temporary API token
    manage.py profile_page /queues/all/ --user bench-manager --htmx --sort tottime

Each request goes through django.test.Client and the whole middleware stack (DEBUG off),
as the user given (logged in with force_login; with --api a token is issued for that
user, or for its contact, and deleted afterwards). The first --warmup requests are not
timed; the first of them counts the SQL queries. Besides the wall time it reports this
process's CPU time per request (the view and template's share, without the database's;
less disturbed than the wall time by other jobs on the machine). With --profile the
timed requests run under cProfile (which slows them: quote the figures without it).
"""

import cProfile
import io
import pstats
import statistics
import time
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from servicedesk import tokens
from servicedesk.models import ApiToken, Contact


class Command(BaseCommand):
    help = "Time one page as a user (median of N requests) and show where its time goes."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("url", help="the path to request, with its query string")
        parser.add_argument("--user", required=True, help="the username to request it as")
        parser.add_argument("--requests", type=int, default=50, help="timed requests")
        parser.add_argument("--warmup", type=int, default=3, help="untimed requests first")
        parser.add_argument("--htmx", action="store_true", help="send HX-Request: true")
        parser.add_argument(
            "--header",
            action="append",
            default=[],
            metavar="NAME:VALUE",
            help="an extra request header (repeatable), e.g. HX-Target:queue",
        )
        parser.add_argument(
            "--api", action="store_true", help="authenticate with a temporary API token"
        )
        parser.add_argument("--profile", action="store_true", help="run under cProfile")
        parser.add_argument("--top", type=int, default=30, help="cProfile lines to print")
        parser.add_argument(
            "--sort", default="cumulative", choices=["cumulative", "tottime", "ncalls"]
        )
        parser.add_argument(
            "--callees",
            metavar="REGEX",
            help="with --profile: also what the functions matching REGEX called",
        )
        parser.add_argument("--sql", action="store_true", help="print the warm-up's queries")
        parser.add_argument("--output", metavar="FILE", help="write the page (warm-up) to FILE")

    def handle(self, *args: Any, **options: Any) -> None:
        url: str = options["url"]
        n: int = options["requests"]
        if n < 1:
            raise CommandError("--requests must be at least 1")
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")

        headers: dict[str, str] = {}
        for header in options["header"]:
            name, sep, value = header.partition(":")
            if not sep:
                raise CommandError(f"--header wants NAME:VALUE, not {header!r}")
            headers[name.strip()] = value.strip()
        if options["htmx"]:
            headers["HX-Request"] = "true"

        client = Client(raise_request_exception=True)
        token: ApiToken | None = None
        if options["api"]:
            token, plaintext = self._issue_token(user)
            headers["Authorization"] = f"Bearer {plaintext}"
        else:
            client.force_login(user)

        hosts = [*settings.ALLOWED_HOSTS, "testserver"]
        try:
            with override_settings(
                ALLOWED_HOSTS=hosts, DEBUG=False, API_RATE_PER_TOKEN="1000000/min"
            ):
                self._run(client, url, headers, n, options)
        finally:
            if token is not None:
                token.delete()

    def _run(
        self, client: Client, url: str, headers: dict[str, str], n: int, options: dict[str, Any]
    ) -> None:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, headers=headers)
        queries = captured.captured_queries
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        size = len(response.content)
        if options["output"]:
            with open(options["output"], "wb") as page:
                page.write(response.content)
        for _ in range(max(0, options["warmup"] - 1)):
            client.get(url, headers=headers)

        profiler = cProfile.Profile() if options["profile"] else None
        times, cpu = [], []
        for _ in range(n):
            started, started_cpu = time.perf_counter(), time.process_time()
            if profiler is not None:
                profiler.enable()
            client.get(url, headers=headers)
            if profiler is not None:
                profiler.disable()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)

        times.sort()
        sql_ms = sum(float(q["time"]) for q in queries) * 1000
        self.stdout.write(
            f"{url}  as {options['user']}  ({connection.vendor}: "
            f"{connection.settings_dict.get('NAME')})"
        )
        self.stdout.write(
            f"{size:,} bytes  {len(queries)} queries ({sql_ms:.1f} ms SQL in the warm-up)  "
            f"{n} requests: median {statistics.median(times):.1f} ms, "
            f"p90 {times[int(0.9 * (n - 1))]:.1f} ms, min {times[0]:.1f} ms; "
            f"CPU of this process: median {statistics.median(cpu):.1f} ms, min {min(cpu):.1f} ms"
            + ("  [under cProfile]" if profiler is not None else "")
        )
        if options["sql"]:
            for query in queries:
                self.stdout.write(f"  {float(query['time']) * 1000:6.1f} ms  {query['sql']}")
        if profiler is not None:
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            stats.strip_dirs().sort_stats(options["sort"]).print_stats(options["top"])
            if options["callees"]:
                stats.print_callees(options["callees"])
            self.stdout.write(out.getvalue())

    def _issue_token(self, user: Any) -> tuple[ApiToken, str]:
        """A token for the user (staff) or for its contact (a portal login)."""
        issued = tokens.issue(tokens.API_TOKEN_KIND)
        contact = Contact.objects.filter(user=user).first()
        token = ApiToken.objects.create(
            name="profile_page (temporary)",
            prefix=issued.prefix,
            token_hash=issued.digest,
            user=None if contact is not None else user,
            contact=contact,
        )
        return token, issued.plaintext
