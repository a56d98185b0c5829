"""One measuring run: every page the apps name (registry), each under wrk's load for the
same time from the same machine, the floor first and last; what each costs the web
workers and the database in CPU; and, as a separate mode, the workers' memory under a
mixed load. The report is a table (and a JSON file under var/bench/)."""

import json
import os
import platform
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.auth.models import User
from django.db import connection

from servicedesk import bench as core_bench
from servicedesk import tokens
from servicedesk.benchmark import wrk
from servicedesk.benchmark.pages import Page, PageContext
from servicedesk.benchmark.registry import app_benches
from servicedesk.benchmark.server import Reply, Server, Session, login, request
from servicedesk.models import ApiToken

FLOOR = "floor"
TOKEN = "token:"


def page_context(pool: int = 2000) -> PageContext:
    return PageContext(users=core_bench.users(), pool=pool)


def all_pages(ctx: PageContext) -> list[Page]:
    pages: list[Page] = []
    for app in app_benches():
        if app.has_pages:
            pages += app.module.pages(ctx)
    return pages


def data_set() -> dict[str, int]:
    """What the apps say the data set holds (their bench module's `describe()`)."""
    counts: dict[str, int] = {}
    for app in app_benches():
        describe = getattr(app.module, "describe", None)
        if callable(describe):
            counts.update(describe())
    return counts


def load_average() -> tuple[float, float, float]:
    one, five, fifteen = os.getloadavg()
    return one, five, fifteen


def machine() -> dict[str, object]:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        first = Path("/proc/meminfo").read_text().splitlines()[0]
        memory = f"{int(first.split()[1]) / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "cores": os.cpu_count(),
        "cpu": model,
        "memory": memory,
        "python": platform.python_version(),
        "database": connection.vendor,
        "database_name": connection.settings_dict.get("NAME"),
    }


# ----- logins ---------------------------------------------------------------------------------


class Logins:
    """The sessions of the logins the pages need, logged in once through the login page;
    API tokens issued for the run and deleted afterwards."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sessions: dict[str, Session] = {}
        self.tokens: list[int] = []

    def session(self, key: str) -> Session:
        if key not in self.sessions:
            self.sessions[key] = self._open(key)
        return self.sessions[key]

    def _open(self, key: str) -> Session:
        if not key:
            return Session()
        usernames = core_bench.usernames()
        if key.startswith(TOKEN):
            user = User.objects.get(username=usernames[key[len(TOKEN) :]])
            issued = tokens.issue(tokens.API_TOKEN_KIND)
            token = ApiToken.objects.create(
                name="bench run", user=user, prefix=issued.prefix, token_hash=issued.digest
            )
            self.tokens.append(token.pk)
            return Session(headers={"Authorization": f"Bearer {issued.plaintext}"})
        return login(self.port, usernames[key], core_bench.password())

    def close(self) -> None:
        ApiToken.objects.filter(pk__in=self.tokens).delete()


# ----- one page -------------------------------------------------------------------------------


@dataclass
class Result:
    name: str
    label: str
    login: str
    method: str
    rate: float = 0.0
    p50_ms: float = 0.0
    p99_ms: float = 0.0
    requests: int = 0
    errors: int = 0
    queries: int | None = None
    cpu_ms: float | None = None
    db_ms: float | None = None
    #: wrk's own CPU time per request (the load generator runs on the same machine).
    client_ms: float | None = None
    created: int | None = None
    load: float = 0.0
    problem: str = ""
    statuses: dict[int, int] = field(default_factory=dict)
    #: req/s over the floors' mean req/s (the issue's measure), and the floors' mean CPU
    #: time per request over this page's (the same, but read from what the page costs
    #: the workers: steadier on a machine other jobs share).
    ratio: float | None = None
    cpu_ratio: float | None = None


def measure_page(
    server: Server,
    logins: Logins,
    page: Page,
    *,
    seconds: int,
    connections: int,
    workdir: Path,
) -> Result:
    result = Result(page.name, page.label, page.login or "-", page.method)
    result.load = load_average()[0]
    try:
        session = logins.session(page.login)
    except Exception as error:  # a login that fails is reported on its page
        result.problem = f"login failed: {error}"
        return result
    before = page.count() if page.count else None
    # The harness's own first request(s): the answer is checked and its query count read.
    checks = 1 if page.is_post else 2
    for k in range(checks):
        reply = send(server, page, session, k, tag=server.tag)
        problem = _check(page, reply.status, reply.headers.get("location", ""))
        if problem:
            result.problem = problem
            return result
        result.queries = reply.queries
    lua = wrk.script([(page, session)], tag=server.tag, start=checks if page.is_post else 0)
    workers, backends = server.workers(), server.database_backends()
    cpu, db = server.cpu_seconds(workers), server.cpu_seconds(backends)
    run = wrk.run(
        f"http://127.0.0.1:{server.port}/",
        lua,
        seconds=seconds,
        connections=connections,
        workdir=workdir,
    )
    cpu, db = server.cpu_seconds(workers) - cpu, server.cpu_seconds(backends) - db
    result.rate, result.p50_ms, result.p99_ms = run.rate, run.p50_ms, run.p99_ms
    result.requests, result.errors = run.requests, run.non_2xx_3xx + run.socket_errors
    result.statuses = run.statuses
    if run.requests:
        result.cpu_ms = cpu * 1000 / run.requests
        result.db_ms = db * 1000 / run.requests if backends else None
        result.client_ms = run.client_cpu * 1000 / run.requests
    if result.errors:
        result.problem = f"{result.errors:,} answers not 2xx/3xx or failed: {run.statuses}"
    unexpected = {s: n for s, n in run.statuses.items() if s != page.expect}
    if unexpected and not result.problem:
        result.problem = f"answers other than {page.expect}: {unexpected}"
    if page.count is not None and before is not None:
        result.created = page.count() - before
        sent_ok = checks + run.requests - result.errors
        if result.created < sent_ok:
            result.problem = (
                result.problem or f"{sent_ok:,} requests answered but {result.created:,} rows made"
            )
    return result


def send(server: Server, page: Page, session: Session, k: int, *, tag: str) -> Reply:
    """The page's k-th request, sent by the harness itself (as the wrk script sends it)."""
    path, data = page.request(k, tag=tag)
    if not page.is_post:
        return request(server.port, page.method, path, session=session)
    data["csrfmiddlewaretoken"] = session.csrf
    return request(server.port, page.method, path, session=session, data=data)


def _check(page: Page, status: int, location: str) -> str:
    if status != page.expect:
        return f"answered {status}, expected {page.expect}"
    if status in (301, 302) and "/login/" in location:
        return f"redirected to the login ({location})"
    return ""


# ----- the whole run --------------------------------------------------------------------------


def measure_all(
    server: Server,
    pages: list[Page],
    *,
    seconds: int,
    connections: int,
    say: Callable[[str], None],
    keep: bool = False,
) -> list[Result]:
    """The floor first, every other page, the floor again; ratios to the floors' mean.
    What the POSTs made is removed afterwards unless `keep`."""
    floor = next((p for p in pages if p.name == FLOOR), None)
    others = [p for p in pages if p.name != FLOOR]
    order = [floor, *others, floor] if floor else others
    logins = Logins(server.port)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            for page in order:
                if page is None:
                    continue
                result = measure_page(
                    server,
                    logins,
                    page,
                    seconds=seconds,
                    connections=connections,
                    workdir=Path(workdir),
                )
                say(_line(result))
                results.append(result)
                time.sleep(1)  # let the queue and the database settle
    finally:
        logins.close()
        if not keep:
            tidy(pages, say)
    floors = [r for r in results if r.name == FLOOR and not r.problem]
    if floors:
        rate = statistics.mean(r.rate for r in floors)
        cpu = statistics.mean(r.cpu_ms or 0 for r in floors)
        for r in results:
            if not r.problem and r.requests:
                r.ratio = r.rate / rate if rate else None
                r.cpu_ratio = cpu / r.cpu_ms if cpu and r.cpu_ms else None
    return results


def tidy(pages: list[Page], say: Callable[[str], None]) -> None:
    """Remove what the pages' POSTs made (their cleanup), so the next run starts from
    the same data."""
    for page in pages:
        if page.cleanup is not None:
            say(f"  {page.label}: removed {page.cleanup():,} records it made")


def _line(r: Result) -> str:
    if r.problem and not r.requests:
        return f"  {r.label}: {r.problem}"
    queries = "?" if r.queries is None else r.queries
    cpu = "?" if r.cpu_ms is None else f"{r.cpu_ms:.1f}"
    return (
        f"  {r.label}: {r.rate:,.1f} req/s, p50 {r.p50_ms:.1f} ms, p99 {r.p99_ms:.1f} ms, "
        f"{queries} queries, {cpu} CPU ms/req, wrk {r.client_ms or 0:.1f} ms/req "
        f"(load {r.load:.2f})" + (f"  !! {r.problem}" if r.problem else "")
    )


def table(results: list[Result]) -> list[str]:
    header = (
        f"{'page':<30} {'login':<16} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>7} {'queries':>7} "
        f"{'CPU ms':>7} {'DB ms':>6} {'ratio':>6} {'CPU r.':>6} {'load':>5}  errors"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        ratio = "-" if r.ratio is None else f"{r.ratio:.2f}"
        cpu_ratio = "-" if r.cpu_ratio is None else f"{r.cpu_ratio:.2f}"
        queries = "?" if r.queries is None else str(r.queries)
        cpu = "?" if r.cpu_ms is None else f"{r.cpu_ms:.1f}"
        db = "-" if r.db_ms is None else f"{r.db_ms:.1f}"
        flag = "FLAGGED: " + r.problem if r.problem else ("0" if not r.errors else str(r.errors))
        lines.append(
            f"{r.label[:30]:<30} {r.login[:16]:<16} {r.rate:>7.1f} {r.p50_ms:>7.1f} "
            f"{r.p99_ms:>7.1f} {queries:>7} {cpu:>7} {db:>6} {ratio:>6} {cpu_ratio:>6} "
            f"{r.load:>5.2f}  {flag}"
        )
    return lines


def save(results: list[Result], info: dict[str, object]) -> Path:
    folder = Path(settings.VAR_DIR) / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / time.strftime("results-%Y%m%d-%H%M%S.json")
    path.write_text(json.dumps({**info, "results": [asdict(r) for r in results]}, indent=1))
    return path


# ----- memory ---------------------------------------------------------------------------------


@dataclass
class MemoryRun:
    seconds: int
    requests: int
    errors: int
    start_mb: dict[int, float]
    end_mb: dict[int, float]
    samples: list[tuple[int, float]]

    @property
    def growth(self) -> float:
        start, end = sum(self.start_mb.values()), sum(self.end_mb.values())
        return (end - start) / start * 100 if start else 0.0


def memory(
    server: Server,
    pages: list[Page],
    *,
    seconds: int,
    connections: int,
    say: Callable[[str], None],
    chunk: int = 60,
) -> MemoryRun:
    """Every page whose requests can repeat (GET pages, comments, new tickets) in turn
    for `seconds`, in chunks; the workers' resident memory after a first pass over the
    pages (start), after each chunk and at the end."""
    mixed = [p for p in pages if not any(_has_seq(t.data) for t in p.targets)]
    logins = Logins(server.port)
    try:
        sessions = [(page, logins.session(page.login)) for page in mixed]
        for page, session in sessions:  # the first pass: templates compiled, caches warm
            for k in range(3):
                send(server, page, session, k, tag=f"{server.tag}w")
        start = server.rss_mb()
        say(f"  {len(mixed)} pages in turn; workers' RSS after a first pass: {_mb(start)}")
        samples: list[tuple[int, float]] = []
        done = requests = errors = 0
        with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
            while done < seconds:
                length = min(chunk, seconds - done)
                lua = wrk.script(sessions, tag=f"{server.tag}m{done}")
                run = wrk.run(
                    f"http://127.0.0.1:{server.port}/",
                    lua,
                    seconds=length,
                    connections=connections,
                    workdir=Path(workdir),
                )
                done += length
                requests += run.requests
                errors += run.non_2xx_3xx + run.socket_errors
                now = server.rss_mb()
                samples.append((done, sum(now.values())))
                say(
                    f"  {done:>5} s: {requests:,} requests ({run.rate:,.0f}/s), "
                    f"RSS {_mb(now)}, load {load_average()[0]:.2f}"
                )
        return MemoryRun(seconds, requests, errors, start, server.rss_mb(), samples)
    finally:
        logins.close()
        tidy(mixed, say)


def _has_seq(data) -> bool:
    from servicedesk.benchmark.pages import Seq

    return any(isinstance(v, Seq) for v in data.values())


def _mb(sizes: dict[int, float]) -> str:
    each = ", ".join(f"{v:.0f}" for v in sizes.values())
    return f"{sum(sizes.values()):.0f} MB ({each})"
