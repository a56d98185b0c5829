"""A database that cannot be reached: a clear 503 page (JSON under /api/), never a 500
or a technical error page, and `ingest_email` fails fast with 75 (EX_TEMPFAIL)."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]
UNAVAILABLE = "temporarily unavailable"


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DATABASE_", "CELERY_", "PYTEST"))
    }
    env.update(
        DEBUG="0",
        SECRET_KEY="test-" + "x" * 50,
        EMAIL_HOST="127.0.0.1",
        DATABASE_URL=f"postgres://postgres@127.0.0.1:{_closed_port()}/sd_down",
        DJANGO_SETTINGS_MODULE="servicedesk.settings",
    )
    env.update(extra)
    return env


REQUESTS = """
import time, django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client(raise_request_exception=False)
for method, path, headers in [
    ("post", "/login/", {}),
    ("get", "/tickets/", {}),
    ("get", "/portal/", {}),
    ("get", "/tickets/", {"HX-Request": "true"}),
    ("get", "/api/v1/tickets", {"Authorization": "Bearer sdk_x"}),
]:
    started = time.monotonic()
    data = {"username": "l1", "password": "demo"} if method == "post" else None
    client.cookies["sessionid"] = "a-session-to-load"
    response = getattr(client, method)(path, data, headers=headers)
    body = response.content.decode()
    seconds = round(time.monotonic() - started, 1)
    print(path, response.status_code, response.get("Retry-After"), seconds,
          "unavailable" if "temporarily unavailable" in body else "-",
          "Traceback" in body or "Server Error" in body)
"""


@pytest.mark.parametrize("pool", ["1", "0"])
def test_a_down_database_answers_503_on_every_page(pool):
    # DEBUG on: the 503 page also replaces Django's technical error page (and the
    # static files need no collectstatic manifest here).
    env = _production_env(DEBUG="1", DATABASE_POOL=pool, DATABASE_POOL_TIMEOUT="2")
    result = subprocess.run(
        [sys.executable, "-c", REQUESTS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    lines = [line.split() for line in result.stdout.splitlines()]
    assert len(lines) == 5, result.stderr[-3000:]
    for path, status, retry_after, seconds, unavailable, technical in lines:
        assert (path, status, retry_after, unavailable, technical) == (
            path,
            "503",
            "30",
            "unavailable",
            "False",
        )
        assert float(seconds) < 10


def test_ingest_email_fails_fast_with_a_temporary_failure():
    env = _production_env()  # the pool is on, as in production
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "manage.py", "ingest_email"],
        cwd=ROOT,
        env=env,
        input=b"From: someone@example.test\nSubject: Printer\n\nIt is broken.\n",
        capture_output=True,
        timeout=120,
    )
    elapsed = time.monotonic() - started
    assert result.returncode == 75, result.stderr[-2000:]
    assert b"Temporary failure" in result.stderr
    # Process start-up included; waiting for the pool used to take 30 s more.
    assert elapsed < 25


@pytest.mark.django_db
def test_a_database_error_while_loading_the_session_is_a_503(monkeypatch, l1):
    client = Client(raise_request_exception=False)
    client.force_login(l1)

    def down(self):
        raise OperationalError("connection refused")

    monkeypatch.setattr(SessionStore, "load", down)
    response = client.get(reverse("incidents:triage"))
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    page = response.content.decode()
    assert "The service desk is temporarily unavailable" in page
    assert 'href="/static/css/app.css"' in page


@pytest.mark.django_db
def test_a_database_error_in_a_view_is_a_503(monkeypatch, client, l1):
    from incidents.views import queues

    client.force_login(l1)

    def down(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(queues, "render", down)
    response = client.get(reverse("incidents:triage"))
    assert response.status_code == 503
    assert UNAVAILABLE in response.content.decode()


@pytest.mark.django_db
def test_other_errors_stay_500(monkeypatch, l1):
    from incidents.views import queues

    client = Client(raise_request_exception=False)
    client.force_login(l1)
    monkeypatch.setattr(queues, "render", lambda *a, **k: 1 / 0)
    assert client.get(reverse("incidents:triage")).status_code == 500
