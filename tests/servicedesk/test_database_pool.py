"""After a PostgreSQL restart the connection pool hands out no dead connections: each
is checked before use (psycopg_pool's `check`), so no request answers 500.

The restart is played by terminating every server process of the test database
(pg_terminate_backend, only this test database's), which is what a restart does to
the connections the pool holds. Runs on PostgreSQL with the pool on (DATABASE_URL)."""

import time

import psycopg
import pytest
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pooled():
    if connection.vendor != "postgresql" or not connection.pool:
        pytest.skip("needs PostgreSQL with the connection pool (DATABASE_URL=postgres://…)")
    return connection.pool


def _terminate_this_databases_connections() -> int:
    params = connection.get_connection_params()
    params.pop("pool", None)
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.pop("prepare_threshold", None)
    with psycopg.connect(**params, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return len(rows)


def _wait_until_filled(pool, seconds: float = 60) -> None:
    """Like `pool.wait()`, but a slow fill on a loaded machine fails this test only:
    `wait()` closes the pool when it times out, and every later test on this worker
    would then find it closed."""
    deadline = time.monotonic() + seconds
    while pool.get_stats()["pool_size"] < pool.min_size:
        assert time.monotonic() < deadline, f"pool not filled: {pool.get_stats()}"
        time.sleep(0.05)


def test_requests_after_a_restart_get_live_connections(pooled, client, l1, l1_group):
    client.force_login(l1)
    url = reverse("incidents:triage")
    assert client.get(url).status_code == 200
    connection.close()  # the test's own connection goes back to the pool too
    _wait_until_filled(pooled)  # all of its connections are open, and all of them will die
    assert _terminate_this_databases_connections() >= 1

    statuses, seconds = [], []
    for _ in range(pooled.max_size + 1):
        started = time.monotonic()
        statuses.append(client.get(url).status_code)
        seconds.append(time.monotonic() - started)
    assert statuses == [200] * (pooled.max_size + 1)
    # The dead connections are replaced at once, not tried one by one with pauses.
    assert max(seconds) < 4, seconds
