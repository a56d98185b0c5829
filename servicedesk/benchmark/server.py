"""The server the harness measures: gunicorn with 2 sync workers on its own port, with
production's settings (DEBUG off, the manifest static files, Redis for the cache and
as Celery's broker when Redis answers), against the benchmark's database; the logins'
sessions; and the CPU time and memory of the workers (and of the database backends
serving them) read from /proc.

Tasks the pages queue (mail to contacts) go to a broker key prefix of the run's own
that no worker reads, as a web server's would while its worker is elsewhere; the keys
are removed when the server stops."""

import http.client
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.db import connection

from servicedesk.benchmark.floor import HEADER

APPLICATION_NAME = "bench-web"
REDIS = ("127.0.0.1", 6379)
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
PAGE_SIZE_KB = os.sysconf("SC_PAGE_SIZE") // 1024


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    cookies: dict[str, str]
    body: bytes

    @property
    def queries(self) -> int | None:
        value = self.headers.get(HEADER.lower())
        return int(value) if value and value.isdigit() else None


@dataclass
class Session:
    """How a login's requests are sent: its cookies, the CSRF token its forms carry,
    and extra headers (an API token)."""

    cookies: dict[str, str] = field(default_factory=dict)
    csrf: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def header_lines(self) -> dict[str, str]:
        lines = dict(self.headers)
        if self.cookies:
            lines["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return lines


def request(
    port: int,
    method: str,
    path: str,
    *,
    session: Session | None = None,
    data: dict[str, str] | None = None,
    timeout: float = 60,
) -> Reply:
    """One request, redirects not followed."""
    headers = session.header_lines() if session else {}
    body = None
    if data is not None:
        body = urlencode(data).encode()
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        raw = response.read()
        cookies = {}
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                cookies[key.strip()] = rest.split(";", 1)[0]
        return Reply(
            response.status, {k.lower(): v for k, v in response.getheaders()}, cookies, raw
        )
    finally:
        conn.close()


_CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def login(port: int, username: str, password: str) -> Session:
    """Log in through the login page as a browser does; the session and the CSRF token
    (rotated at login) the login's POSTs carry."""
    session = Session()
    page = request(port, "GET", "/login/")
    session.cookies.update(page.cookies)
    match = _CSRF_FIELD.search(page.body)
    if page.status != 200 or match is None:
        raise RuntimeError(f"GET /login/ answered {page.status} without a CSRF field")
    data = {
        "username": username,
        "password": password,
        "csrfmiddlewaretoken": match.group(1).decode(),
    }
    done = request(port, "POST", "/login/", session=session, data=data)
    session.cookies.update(done.cookies)
    if done.status != 302 or "sessionid" not in session.cookies:
        raise RuntimeError(f"logging in as {username} answered {done.status}, no session")
    session.csrf = session.cookies.get("csrftoken", "")
    return session


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=1) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def free_port(preferred: int) -> int:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", preferred))
            return preferred
        except OSError:
            sock.bind(("127.0.0.1", 0))
            return sock.getsockname()[1]


def database_url() -> str:
    """The current database as a URL, with the web workers' application name (so their
    backends can be told apart in pg_stat_activity)."""
    s = connection.settings_dict
    user = s.get("USER") or ""
    auth = f"{user}:{s['PASSWORD']}@" if s.get("PASSWORD") else (f"{user}@" if user else "")
    host = s.get("HOST") or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{s['NAME']}?application_name={APPLICATION_NAME}"


@dataclass
class Server:
    port: int
    process: subprocess.Popen
    tag: str
    redis: bool
    log: Path

    # ----- processes ----------------------------------------------------------------------

    def workers(self) -> list[int]:
        master = self.process.pid
        found = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat and int(stat[1]) == master:
                    found.append(int(entry.name))
        return sorted(found)

    def database_backends(self) -> list[int]:
        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity WHERE application_name = %s "
                "AND datname = current_database()",
                [APPLICATION_NAME],
            )
            return [row[0] for row in cursor.fetchall()]

    def cpu_seconds(self, pids: list[int]) -> float:
        """User + system CPU time of these processes so far."""
        total = 0
        for pid in pids:
            stat = _stat(pid)
            if stat:
                total += int(stat[11]) + int(stat[12])  # utime, stime (fields 14, 15)
        return total / CLOCK_TICKS

    def rss_mb(self) -> dict[int, float]:
        sizes = {}
        for pid in self.workers():
            try:
                pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
            except OSError:
                continue
            sizes[pid] = pages * PAGE_SIZE_KB / 1024
        return sizes

    # ----- stopping -----------------------------------------------------------------------

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.redis:
            _delete_redis_keys(f"bench-{self.tag}*")


def _stat(pid: int) -> list[str] | None:
    """/proc/<pid>/stat's fields after the command name (index 0 is the state)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return raw[raw.rindex(")") + 2 :].split()


def server_environment(port: int, tag: str, redis: bool) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url(),
        DEBUG="0",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        # Plain HTTP on the loopback: cookies without the Secure flag.
        SESSION_COOKIE_SECURE="0",
        CSRF_COOKIE_SECURE="0",
        # Required with DEBUG off; never contacted (mail is queued to the broker).
        EMAIL_HOST="127.0.0.1",
        BENCH_FLOOR="1",
        API_RATE_PER_TOKEN="1000000/min",
        LOG_LEVEL="WARNING",
        CELERY_TASK_ALWAYS_EAGER="0",
    )
    if redis:
        env.update(
            CACHE_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0",
            CACHE_KEY_PREFIX=f"bench-{tag}",
            CELERY_BROKER_URL=f"redis://{REDIS[0]}:{REDIS[1]}/0",
            CELERY_REDIS_KEY_PREFIX=f"bench-{tag}-",
        )
    else:  # tasks are kept in each worker's memory, never run; the cache is per worker
        env.update(CELERY_BROKER_URL="memory://")
        env.pop("CACHE_URL", None)
    return env


@contextmanager
def running(port: int, *, workers: int = 2, stdout=None) -> Iterator[Server]:
    """gunicorn serving the project on 127.0.0.1:port until the block ends."""
    tag = secrets.token_hex(4)
    redis = redis_answers()
    log = Path(settings.VAR_DIR) / "bench" / f"gunicorn-{port}.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent)) or "gunicorn"
    command = [
        gunicorn,
        "servicedesk.wsgi:application",
        f"--workers={workers}",
        "--worker-class=sync",
        f"--bind=127.0.0.1:{port}",
        "--timeout=120",
        "--log-level=warning",
    ]
    with open(log, "w") as out:
        process = subprocess.Popen(
            command,
            env=server_environment(port, tag, redis),
            cwd=settings.BASE_DIR,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(port, process, tag, redis, log)
    try:
        _wait_until_up(server, workers)
        yield server
    finally:
        server.stop()


def _wait_until_up(server: Server, workers: int, timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"gunicorn exited: see {server.log}")
        try:
            answered = request(server.port, "GET", "/login/", timeout=5).status == 200
            if answered and len(server.workers()) >= workers:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s: see {server.log}")


def _delete_redis_keys(pattern: str) -> None:
    """Remove the run's keys (its cache and its queued tasks), nobody else's."""
    try:
        import redis as redis_client
    except ImportError:
        return
    client = redis_client.Redis(host=REDIS[0], port=REDIS[1], db=0)
    try:
        keys = list(client.scan_iter(match=pattern, count=1000))
        for start in range(0, len(keys), 500):
            client.delete(*keys[start : start + 500])
    except redis_client.RedisError:
        pass
    finally:
        client.close()
