"""The notification machinery: a message is logged, sent once after the transaction
commits, retried when SMTP fails, and threads with the other messages about its ticket.
Some tests talk to a real SMTP server (aiosmtpd) on a free local port."""

import socket
import subprocess
import sys
from datetime import timedelta
from email import message_from_bytes
from email.policy import default as default_policy
from smtplib import SMTPDataError, SMTPServerDisconnected
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation

from servicedesk.celery import app as celery_app
from servicedesk.models import Contact, Notification, NotificationStatus
from servicedesk.notifications import (
    PENDING_GRACE,
    SENDING_LEASE,
    contact_salutation,
    notification_queue,
    notification_send,
    notifications_requeue_stale,
    thread_root_id,
)
from servicedesk.tasks import requeue_notifications, send_notification
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

FLAKY = "tests.servicedesk.test_notifications.FlakyBackend"


class FlakyBackend(LocmemBackend):
    """Fails the next `failures` sends with `error`, then delivers to mail.outbox."""

    failures = 0
    error: Exception = SMTPServerDisconnected("Connection unexpectedly closed")

    def send_messages(self, messages):
        if FlakyBackend.failures > 0:
            FlakyBackend.failures -= 1
            raise FlakyBackend.error
        return super().send_messages(messages)


@pytest.fixture
def flaky(settings):
    settings.MAILERS = {"default": {"BACKEND": FLAKY}}
    FlakyBackend.failures = 0
    FlakyBackend.error = SMTPServerDisconnected("Connection unexpectedly closed")
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def eager_retries():
    """Eager tasks retry in-process only when their errors do not propagate (Celery
    raises Retry out of apply() otherwise)."""
    saved = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = saved


def queue(**kwargs) -> Notification | None:
    fields: dict[str, Any] = {
        "recipient_email": "alice@a.test",
        "event": "registered",
        "target": None,
        "subject": "[INC-000123] Registered – VPN is down",
        "body": "Dear Alice,\n\nwe have registered your ticket.\n",
        "dedupe_key": None,
        "thread_root": "INC-000123",
    }
    fields.update(kwargs)
    return notification_queue(**fields)


def queued(**kwargs) -> Notification:
    """A logged message whose send task has not run (its transaction never commits)."""
    notification = queue(**kwargs)
    assert notification is not None
    return notification


class TestQueue:
    def test_a_message_is_logged_and_sent_after_the_commit(
        self, django_capture_on_commit_callbacks
    ):
        contact = ContactFactory(email="alice@a.test")
        with django_capture_on_commit_callbacks() as callbacks:
            notification = queue(target=contact, contact=contact)
        assert notification.status == NotificationStatus.PENDING
        assert notification.target == contact
        assert notification.subject_ref == "INC-000123"
        assert notification.in_reply_to == notification.references == "<INC-000123@localhost>"
        assert notification.message_id.endswith(".INC-000123@localhost>")
        assert mail.outbox == []
        assert len(callbacks) == 1
        callbacks[0]()
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT
        assert notification.attempts == 1
        assert notification.sent_at is not None
        (message,) = mail.outbox
        assert message.to == ["alice@a.test"]
        assert message.subject == "[INC-000123] Registered – VPN is down"

    def test_nothing_is_logged_or_sent_when_the_transaction_rolls_back(
        self, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            queue(dedupe_key="incident:1:registered")
            raise RuntimeError("the request failed")
        assert callbacks == []
        assert Notification.objects.count() == 0
        assert mail.outbox == []

    def test_the_same_event_for_the_same_recipient_is_queued_once(
        self, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            first = queue(dedupe_key="incident:1:registered:alice")
            second = queue(dedupe_key="incident:1:registered:alice")
        assert first is not None
        assert second is None
        assert Notification.objects.count() == 1
        assert len(mail.outbox) == 1

    def test_a_subject_is_one_line(self):
        notification = queued(subject="[INC-000123] Status: Assigned – evil\r\nBcc: x@y.test")
        assert notification.subject == "[INC-000123] Status: Assigned – evil Bcc: x@y.test"

    def test_message_ids_use_the_configured_domain(self, settings):
        settings.EMAIL_MESSAGE_ID_DOMAIN = "desk.example.com"
        notification = queued()
        assert notification.references == "<INC-000123@desk.example.com>"
        assert notification.message_id.endswith(".INC-000123@desk.example.com>")

    def test_message_ids_default_to_the_senders_domain(self, settings):
        settings.DEFAULT_FROM_EMAIL = "Service Desk <support@hosting.example>"
        assert thread_root_id("REQ-000007") == "<REQ-000007@hosting.example>"


class TestSend:
    def test_sending_twice_sends_one_email(self):
        notification = queued()
        assert notification_send(notification_id=notification.pk) is True
        assert notification_send(notification_id=notification.pk) is False
        assert len(mail.outbox) == 1
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 1)

    def test_a_task_delivered_twice_sends_one_email(self):
        notification = queued()
        send_notification.apply(args=[notification.pk])
        send_notification.apply(args=[notification.pk])
        assert len(mail.outbox) == 1

    def test_a_message_another_worker_is_sending_is_left_alone(self):
        notification = queued()
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING, claimed_at=timezone.now()
        )
        assert notification_send(notification_id=notification.pk) is False
        assert mail.outbox == []

    def test_a_message_whose_sender_died_is_sent_after_the_lease(self):
        notification = queued()
        Notification.objects.filter(pk=notification.pk).update(
            status=NotificationStatus.SENDING,
            claimed_at=timezone.now() - SENDING_LEASE - timedelta(seconds=1),
            attempts=1,
        )
        assert notification_send(notification_id=notification.pk) is True
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)

    def test_the_message_carries_threading_and_auto_submitted_headers(self):
        notification = queued()
        notification_send(notification_id=notification.pk)
        message = mail.outbox[0].message()
        assert message["Message-ID"] == notification.message_id
        assert message["In-Reply-To"] == "<INC-000123@localhost>"
        assert message["References"] == "<INC-000123@localhost>"
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Auto-Response-Suppress"] == "All"


class TestFailureAndRetry:
    def test_a_failing_smtp_connection_marks_the_message_failed(self, flaky):
        notification = queued()
        flaky.failures = 1
        with pytest.raises(SMTPServerDisconnected):
            notification_send(notification_id=notification.pk)
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 1
        assert notification.last_error == ("SMTPServerDisconnected: Connection unexpectedly closed")
        assert mail.outbox == []
        # The next attempt gets through.
        assert notification_send(notification_id=notification.pk) is True
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
        assert len(mail.outbox) == 1

    def test_the_task_retries_until_the_message_is_sent(self, flaky, eager_retries):
        notification = queued()
        flaky.failures = 2
        result = send_notification.apply(args=[notification.pk])
        assert result.successful()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 3)
        assert len(mail.outbox) == 1

    def test_after_the_last_retry_the_message_stays_failed(self, flaky, eager_retries):
        notification = queued()
        flaky.failures = 100
        result = send_notification.apply(args=[notification.pk])
        assert result.failed()
        assert isinstance(result.result, SMTPServerDisconnected)
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 1 + send_notification.max_retries
        assert "SMTPServerDisconnected" in notification.last_error

    def test_an_error_that_is_no_delivery_problem_is_not_retried(self, flaky):
        notification = queued()
        flaky.failures = 1
        flaky.error = ValueError("bad header")
        with pytest.raises(ValueError):
            send_notification.apply(args=[notification.pk])
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.FAILED, 1)
        assert notification.last_error == "ValueError: bad header"

    def test_lost_messages_are_queued_again(self, django_capture_on_commit_callbacks):
        now = timezone.now()
        lost = queued(recipient_email="lost@a.test")
        recent = queued(recipient_email="recent@a.test")
        failed = queued(recipient_email="failed@a.test")
        abandoned = queued(recipient_email="abandoned@a.test")
        Notification.objects.filter(pk__in=[lost.pk, failed.pk]).update(
            created_at=now - PENDING_GRACE - timedelta(minutes=1)
        )
        Notification.objects.filter(pk=failed.pk).update(status=NotificationStatus.FAILED)
        Notification.objects.filter(pk=abandoned.pk).update(
            status=NotificationStatus.SENDING, claimed_at=now - SENDING_LEASE * 2
        )
        with django_capture_on_commit_callbacks(execute=True):
            assert notifications_requeue_stale() == 2
        assert sorted(m.to[0] for m in mail.outbox) == ["abandoned@a.test", "lost@a.test"]
        assert Notification.objects.get(pk=recent.pk).status == NotificationStatus.PENDING
        assert Notification.objects.get(pk=failed.pk).status == NotificationStatus.FAILED

    def test_the_requeue_task_runs_the_service(self, django_capture_on_commit_callbacks):
        lost = queued()
        Notification.objects.filter(pk=lost.pk).update(
            created_at=timezone.now() - PENDING_GRACE * 2
        )
        with django_capture_on_commit_callbacks(execute=True):
            requeue_notifications.apply()
        assert Notification.objects.get(pk=lost.pk).status == NotificationStatus.SENT


# ----- a real SMTP server ----------------------------------------------------------------


class Recorder:
    """An aiosmtpd handler that keeps what it receives; `refuse` answers DATA with a
    temporary failure that many times first."""

    def __init__(self):
        self.messages = []
        self.refuse = 0

    async def handle_DATA(self, server, session, envelope):
        if self.refuse > 0:
            self.refuse -= 1
            return "451 4.3.0 Try again later"
        raw = envelope.original_content or envelope.content
        self.messages.append(message_from_bytes(raw, policy=default_policy))
        return "250 2.0.0 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def smtp_mailers(port: int) -> dict:
    return {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "timeout": 5},
        }
    }


@pytest.fixture
def smtp_port(settings):
    port = free_port()
    settings.MAILERS = smtp_mailers(port)
    return port


@pytest.fixture
def smtp_server(smtp_port):
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield recorder
    controller.stop()


class TestRealSmtp:
    def test_a_message_arrives_with_its_headers(self, smtp_server, settings):
        settings.EMAIL_MESSAGE_ID_DOMAIN = "desk.example.com"
        settings.DEFAULT_FROM_EMAIL = "Service Desk <support@desk.example.com>"
        notification = queued(subject="[INC-000123] Status: Completed – Ümlaut title")
        assert send_notification.apply(args=[notification.pk]).successful()
        (received,) = smtp_server.messages
        assert received["Subject"] == "[INC-000123] Status: Completed – Ümlaut title"
        assert received["To"] == "alice@a.test"
        assert received["From"] == "Service Desk <support@desk.example.com>"
        assert received["Auto-Submitted"] == "auto-generated"
        assert received["X-Auto-Response-Suppress"] == "All"
        assert received["Message-ID"] == notification.message_id
        assert received["Message-ID"].endswith(".INC-000123@desk.example.com>")
        assert received["In-Reply-To"] == "<INC-000123@desk.example.com>"
        assert received["References"] == "<INC-000123@desk.example.com>"
        assert "we have registered your ticket" in received.get_content()
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.SENT

    def test_a_refused_connection_fails_and_a_later_attempt_succeeds(self, smtp_port):
        notification = queued()
        with pytest.raises(ConnectionRefusedError):
            notification_send(notification_id=notification.pk)  # nothing listens yet
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert notification.attempts == 1
        assert notification.last_error.startswith("ConnectionRefusedError")
        recorder = Recorder()
        controller = Controller(recorder, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            assert notification_send(notification_id=notification.pk) is True
        finally:
            controller.stop()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
        assert len(recorder.messages) == 1

    def test_a_temporary_smtp_refusal_fails_and_a_later_attempt_succeeds(self, smtp_server):
        smtp_server.refuse = 1
        notification = queued()
        with pytest.raises(SMTPDataError):
            notification_send(notification_id=notification.pk)
        notification.refresh_from_db()
        assert notification.status == NotificationStatus.FAILED
        assert "451" in notification.last_error
        assert send_notification.apply(args=[notification.pk]).successful()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 2)
        assert len(smtp_server.messages) == 1

    def test_the_task_retries_a_temporary_refusal_by_itself(self, smtp_server, eager_retries):
        smtp_server.refuse = 2
        notification = queued()
        assert send_notification.apply(args=[notification.pk]).successful()
        notification.refresh_from_db()
        assert (notification.status, notification.attempts) == (NotificationStatus.SENT, 3)
        assert len(smtp_server.messages) == 1


# ----- development mail, wording, admin ------------------------------------------------------


def test_development_mail_is_written_to_var_mail(tmp_path):
    """With DEBUG on and no EMAIL_HOST (the `make run` setup), settings write mail to files
    under $SERVICEDESK_VAR_DIR/mail, where the message can be read."""
    env = {"PATH": "/usr/bin:/bin", "DEBUG": "1", "SERVICEDESK_VAR_DIR": str(tmp_path)}
    script = (
        "import django; django.setup();"
        "from django.conf import settings; from django.core.mail import EmailMessage;"
        "print(settings.MAILERS['default']['BACKEND']);"
        "EmailMessage('[INC-000123] Registered', 'Hello', to=['alice@a.test']).send()"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={**env, "DJANGO_SETTINGS_MODULE": "servicedesk.settings"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "django.core.mail.backends.filebased.EmailBackend"
    (written,) = (tmp_path / "mail").iterdir()
    assert "Subject: [INC-000123] Registered" in written.read_text()


@pytest.mark.translations
@pytest.mark.parametrize(
    ("form", "language", "expected"),
    [
        (Contact.FormOfAddress.MS, "en", "Dear Ms Becker,"),
        (Contact.FormOfAddress.MR, "en", "Dear Mr Becker,"),
        (Contact.FormOfAddress.NONE, "en", "Dear Jana Becker,"),
        (Contact.FormOfAddress.MS, "de", "Sehr geehrte Frau Becker,"),
        (Contact.FormOfAddress.MR, "de", "Sehr geehrter Herr Becker,"),
        (Contact.FormOfAddress.NONE, "de", "Guten Tag Jana Becker,"),
    ],
)
def test_the_salutation_uses_the_form_of_address(form, language, expected):
    contact = Contact(name="Jana  Becker", form_of_address=form)
    with translation.override(language):
        assert contact_salutation(contact) == expected


class TestAdmin:
    @pytest.fixture
    def admin_client(self, client):
        client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
        return client

    def test_the_log_is_read_only_in_the_admin(self, admin_client):
        notification = queued()
        assert (
            admin_client.get(reverse("admin:servicedesk_notification_changelist")).status_code
            == 200
        )
        change = reverse("admin:servicedesk_notification_change", args=[notification.pk])
        assert admin_client.get(change).status_code == 200
        assert admin_client.post(change, {"subject": "changed"}).status_code == 403
        assert admin_client.get(reverse("admin:servicedesk_notification_add")).status_code == 403

    def test_failed_messages_can_be_sent_again(
        self, admin_client, django_capture_on_commit_callbacks
    ):
        failed = queued(recipient_email="failed@a.test")
        sent = queued(recipient_email="sent@a.test")
        Notification.objects.filter(pk=failed.pk).update(status=NotificationStatus.FAILED)
        Notification.objects.filter(pk=sent.pk).update(status=NotificationStatus.SENT)
        with django_capture_on_commit_callbacks(execute=True):
            response = admin_client.post(
                reverse("admin:servicedesk_notification_changelist"),
                {"action": "send_again", "_selected_action": [failed.pk, sent.pk]},
            )
        assert response.status_code == 302
        assert [m.to for m in mail.outbox] == [["failed@a.test"]]
