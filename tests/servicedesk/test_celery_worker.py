"""Celery: how the settings choose between a broker and in-process tasks, the beat
schedule, and a real worker on the local Redis that sends a notification exactly once
after the transaction commits and never after a rollback.

The worker tests need Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379/15) and skip
when it is unreachable; CI starts it (.ci/run). Every test uses its own Redis key prefix,
so parallel test processes never take each other's tasks."""

import os
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_string
from email.policy import default
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from celery.signals import task_postrun
from django.core import mail
from django.db import close_old_connections, connection, transaction
from kombu import pools

from servicedesk.celery import app as celery_app
from servicedesk.models import Notification, NotificationStatus
from tests.factories import ContactFactory, IncidentFactory

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
BASE_DIR = Path(__file__).resolve().parents[2]


def _redis_error() -> str | None:
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"
    return None


REDIS_ERROR = _redis_error()
needs_redis = pytest.mark.skipif(
    REDIS_ERROR is not None,
    reason=f"Redis is not reachable at {REDIS_URL} ({REDIS_ERROR}): apt-get install -y "
    "redis-server, then start it as .ci/run does",
)


# ----- settings --------------------------------------------------------------------------------


def settings_in_subprocess(code: str, **env: str) -> subprocess.CompletedProcess:
    """Import the settings afresh with exactly this environment."""
    script = "import django; django.setup(); from django.conf import settings; " + code
    return subprocess.run(
        [sys.executable, "-c", script],
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "servicedesk.settings", **env},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
    )


class TestSettings:
    def test_without_a_broker_tasks_run_in_process(self):
        result = settings_in_subprocess(
            "print(settings.CELERY_TASK_ALWAYS_EAGER, repr(settings.CELERY_BROKER_URL))"
        )
        assert result.stdout.split() == ["True", "''"], result.stderr

    def test_with_a_broker_tasks_go_to_the_worker(self):
        result = settings_in_subprocess(
            "from servicedesk.celery import app;"
            "print(app.conf.task_always_eager, app.conf.broker_url,"
            " app.conf.task_acks_late, app.conf.task_reject_on_worker_lost,"
            " app.conf.worker_prefetch_multiplier, app.conf.task_ignore_result)",
            CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
        )
        assert result.stdout.split() == [
            "False",
            "redis://127.0.0.1:6379/0",
            "True",
            "True",
            "1",
            "True",
        ], result.stderr

    def test_make_runs_embedded_broker_is_not_eager(self):
        result = settings_in_subprocess(
            "print(settings.CELERY_TASK_ALWAYS_EAGER)",
            CELERY_BROKER_URL="sqla+sqlite:////tmp/celery-broker.sqlite3",
        )
        assert result.stdout.strip() == "False", result.stderr

    def test_turning_eager_off_without_a_broker_fails_loudly(self):
        result = settings_in_subprocess("", CELERY_TASK_ALWAYS_EAGER="0")
        assert result.returncode != 0
        assert "CELERY_TASK_ALWAYS_EAGER=0 needs a CELERY_BROKER_URL" in result.stderr

    def test_beat_runs_the_periodic_jobs(self, settings):
        schedule = {
            name: (entry["task"], entry["schedule"])
            for name, entry in settings.CELERY_BEAT_SCHEDULE.items()
        }
        assert schedule == {
            "sla-sweep": ("incidents.tasks.sla_sweep", 60.0),
            "auto-close-completed": ("incidents.tasks.auto_close_completed", 600.0),
            "requeue-notifications": ("servicedesk.tasks.requeue_notifications", 300.0),
            "poll-mailboxes": ("incidents.tasks.poll_mailboxes", 60.0),
            "dashboard-rollup": ("incidents.tasks.dashboard_rollup", 600.0),
            "tell-customers-of-changes": ("changes.tasks.notify_customers_pending", 600.0),
        }
        assert settings.CELERY_BEAT_SCHEDULE_FILENAME.endswith("celerybeat-schedule")
        import servicedesk.tasks  # noqa: F401  (what autodiscovery imports in a worker)

        assert "servicedesk.tasks.send_notification" in celery_app.tasks
        assert "servicedesk.tasks.requeue_notifications" in celery_app.tasks


# ----- a real worker on Redis -------------------------------------------------------------------


def _reset_broker_connections() -> None:
    """Make the app open fresh pools for its (changed) broker settings. kombu keeps every
    pool in process-wide registries keyed by the connection's URL and options, and hands
    the same pool out again for an equal connection: a pool closed but left registered
    would come back closed (in-process tasks serialise through a pooled producer too, so
    they fail with "Acquire on closed pool"). kombu.pools.reset() closes and forgets them
    all."""
    pools.reset()
    celery_app._pool = None
    amqp = celery_app.__dict__.get("amqp")
    if amqp is not None:
        amqp._producer_pool = None


@contextmanager
def tasks_on_redis() -> Iterator[str]:
    """Send tasks to Redis instead of running them in-process, under a key prefix of its
    own (yielded); afterwards tasks run in-process again."""
    import redis

    prefix = f"servicedesk-test-{uuid.uuid4().hex}:"
    conf = celery_app.conf
    keys = ["broker_url", "task_always_eager", "broker_transport_options"]
    keys.append("worker_hijack_root_logger")
    saved = {key: conf[key] for key in keys}
    conf.update(
        broker_url=REDIS_URL,
        task_always_eager=False,
        broker_transport_options={"global_keyprefix": prefix},
        worker_hijack_root_logger=False,
    )
    _reset_broker_connections()
    try:
        yield prefix
    finally:
        conf.update(saved)
        _reset_broker_connections()
        client = redis.Redis.from_url(REDIS_URL)
        leftovers = list(client.scan_iter(f"{prefix}*"))
        if leftovers:
            client.delete(*leftovers)


@pytest.fixture
def on_redis():
    """Tasks go to Redis during this test; yields its key prefix."""
    with tasks_on_redis() as prefix:
        yield prefix


@needs_redis
def test_after_a_test_on_redis_tasks_run_in_process_again(db):
    from servicedesk.tasks import requeue_notifications

    assert requeue_notifications.delay().get() == 0  # in-process, through the broker pool
    with tasks_on_redis():
        pass
    assert requeue_notifications.delay().get() == 0


class Processed:
    """Counts the tasks the in-thread worker has finished (task_postrun)."""

    def __init__(self):
        self.names: list[str] = []
        self.changed = threading.Condition()

    def __call__(self, sender=None, **kwargs):
        close_old_connections()  # the worker thread's DB connection, as Celery's fixup does
        with self.changed:
            self.names.append(sender.name)
            self.changed.notify_all()

    def wait_for(self, count: int, timeout: float = 20.0) -> None:
        with self.changed:
            if not self.changed.wait_for(lambda: len(self.names) >= count, timeout):
                raise AssertionError(f"the worker ran {len(self.names)} tasks, not {count}")


@pytest.fixture
def worker(on_redis, transactional_db):
    """A Celery worker in a thread of this process (solo pool), consuming from Redis. It
    shares the test database (also SQLite's in-memory one) and Django's test outbox."""
    processed = Processed()
    task_postrun.connect(processed, weak=False)
    try:
        with start_worker(celery_app, pool="solo", perform_ping_check=False, shutdown_timeout=30):
            yield processed
    finally:
        task_postrun.disconnect(processed)


def queue_length(prefix: str) -> int:
    import redis

    return redis.Redis.from_url(REDIS_URL).llen(f"{prefix}celery")


@needs_redis
def test_without_a_worker_the_task_waits_in_redis(on_redis, transactional_db):
    contact = ContactFactory(email="alice@a.test")
    IncidentFactory(contact=contact)
    assert queue_length(on_redis) == 1
    assert Notification.objects.get().status == NotificationStatus.PENDING
    assert mail.outbox == []


@needs_redis
def test_a_worker_sends_a_notification_once_after_commit_and_none_after_a_rollback(
    worker, on_redis
):
    contact = ContactFactory(email="alice@a.test")

    # A rolled-back registration: its on_commit hooks never run, nothing reaches Redis.
    with pytest.raises(RuntimeError), transaction.atomic():
        IncidentFactory(contact=contact, title="Rolled back")
        raise RuntimeError("the request failed")
    assert Notification.objects.count() == 0
    assert queue_length(on_redis) == 0

    # A committed registration: the ticket announces itself once the transaction commits,
    # and only then is the notification logged and its task queued.
    with transaction.atomic():
        incident = IncidentFactory(contact=contact, title="Committed")
        assert Notification.objects.count() == 0
        assert queue_length(on_redis) == 0
    worker.wait_for(1)
    notification = Notification.objects.get()
    assert notification.status == NotificationStatus.SENT
    assert notification.attempts == 1
    assert [m.subject for m in mail.outbox] == [f"[{incident.number}] Registered – Committed"]

    # The same task delivered again (a redelivery after a lost ack) sends nothing more.
    from servicedesk.tasks import send_notification

    send_notification.delay(notification.pk)
    worker.wait_for(2)
    assert len(mail.outbox) == 1
    assert Notification.objects.count() == 1
    assert queue_length(on_redis) == 0


# ----- a worker process, as `celery -A servicedesk worker` runs in production ----------------


def _database_url() -> str:
    db = connection.settings_dict
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return (
        f"postgres://{db['USER']}{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        f"/{db['NAME']}"
    )


def _wait(predicate, timeout: float = 30.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@needs_redis
@pytest.mark.skipif(
    os.environ.get("DATABASE_URL", "").partition(":")[0] not in {"postgres", "postgresql"},
    reason="a worker process cannot open SQLite's in-memory test database; "
    "the in-thread worker test covers SQLite",
)
def test_a_worker_process_sends_once_after_commit_and_none_after_a_rollback(
    on_redis, transactional_db, tmp_path
):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "DJANGO_SETTINGS_MODULE": "servicedesk.settings",
        "DATABASE_URL": _database_url(),
        "DATABASE_POOL": "0",
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_REDIS_KEY_PREFIX": on_redis,
        "SERVICEDESK_VAR_DIR": str(tmp_path),  # mail is written to tmp_path/mail
    }
    celery = Path(sys.executable).parent / "celery"
    log = tmp_path / "worker.log"
    process = subprocess.Popen(
        [
            str(celery),
            "-A",
            "servicedesk",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--logfile={log}",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.STDOUT,
    )

    def finished() -> list[str]:
        """The worker's "Task … succeeded in …s: <result>" results for send_notification."""
        lines = log.read_text().splitlines() if log.exists() else []
        return [
            line.rpartition(": ")[2]
            for line in lines
            if "servicedesk.tasks.send_notification[" in line and " succeeded in " in line
        ]

    try:
        contact = ContactFactory(email="alice@a.test")
        with pytest.raises(RuntimeError), transaction.atomic():
            IncidentFactory(contact=contact, title="Rolled back")
            raise RuntimeError("the request failed")
        incident = IncidentFactory(contact=contact, title="Committed")
        notification = Notification.objects.get()
        _wait(lambda: finished() == ["True"], what="the worker process to send it")

        from servicedesk.tasks import send_notification

        send_notification.delay(notification.pk)  # the same task delivered again
        _wait(lambda: len(finished()) == 2, what="the worker process to run the duplicate")
        assert finished() == ["True", "False"]  # the second run found it sent
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()

    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)
    assert Notification.objects.count() == 1
    (written,) = (tmp_path / "mail").iterdir()
    message = message_from_string(written.read_text().split("\n" + "-" * 79)[0], policy=default)
    assert message["Subject"] == f"[{incident.number}] Registered – Committed"
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["References"] == f"<{incident.number}@localhost>"
