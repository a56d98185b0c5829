"""Outgoing email, recorded in the notification log (servicedesk.Notification).

Apps decide who hears what (incidents/notifications.py); this module owns the machinery:

- `notification_queue` writes one log row per recipient and event and queues the send
  task once the transaction commits. A `dedupe_key` makes the producer idempotent: the
  same event for the same recipient is queued once, however often it is announced.
- `notification_send` (run by the `servicedesk.tasks.send_notification` task) claims the
  row with one conditional UPDATE, so a task delivered twice sends one email; it sends
  through Django's default mailer and records the outcome. A delivery error marks the
  row failed with the error and re-raises, and the task retries with backoff.
- Every message is marked `Auto-Submitted: auto-generated` and threads with the other
  messages about the same ticket: `In-Reply-To` and `References` name the ticket's thread
  root `<INC-000123@domain>`, and each Message-ID carries the ticket number, so replies
  can be matched to their ticket.
"""

import hashlib
import logging
import re
import uuid
from datetime import timedelta
from email.utils import parseaddr
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import default_storage
from django.core.mail import EmailMessage, mailers
from django.db import models, transaction
from django.db.models import F, Q
from django.template.loader import render_to_string
from django.utils import timezone

from servicedesk.models import Contact, Notification, NotificationStatus
from servicedesk.salutation import contact_salutation as contact_salutation  # re-exported

logger = logging.getLogger(__name__)

#: A row left in "sending" this long belongs to a worker that died mid-send: it may be
#: claimed again (longer than the task's hard time limit).
SENDING_LEASE = timedelta(minutes=15)
#: A row still "pending" after this long was never picked up (the broker was down when
#: the transaction committed): the requeue job queues it again.
PENDING_GRACE = timedelta(minutes=10)

AUTO_HEADERS = {
    # RFC 3834: no vacation replies or other auto-responses to this message.
    "Auto-Submitted": "auto-generated",
    # The same for Microsoft Exchange and Outlook.
    "X-Auto-Response-Suppress": "All",
}


# ----- addresses and wording ---------------------------------------------------------------


def mail_domain() -> str:
    """The right-hand side of our Message-IDs: EMAIL_MESSAGE_ID_DOMAIN, else the domain of
    DEFAULT_FROM_EMAIL."""
    configured = getattr(settings, "EMAIL_MESSAGE_ID_DOMAIN", "")
    if configured:
        return configured
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    return address.rpartition("@")[2] or "localhost"


def thread_root_id(ref: str) -> str:
    """The stable id every message about one ticket refers to: `<INC-000123@domain>`."""
    return f"<{ref}@{mail_domain()}>"


def absolute_url(path: str) -> str:
    """A link for an email: SITE_URL (no trailing slash) plus the path."""
    return settings.SITE_URL.rstrip("/") + path


def render_text(template: str, context: dict) -> str:
    """A plain-text mail template, without the blank lines its tags leave behind (call
    inside the language the mail is written in)."""
    text: str = render_to_string(template, context)
    text = "\n".join(line.rstrip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", text).strip() + "\n"


def recipient_key(email: str) -> str:
    """A short, stable stand-in for an address inside a dedupe key."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:16]


# ----- queueing ----------------------------------------------------------------------------


def notification_queue(
    *,
    recipient_email: str,
    event: str,
    target: models.Model | None,
    subject: str,
    body: str,
    dedupe_key: str | None,
    thread_root: str,
    contact: Contact | None = None,
    user=None,
    attachments: list[dict] | None = None,
) -> Notification | None:
    """Record a message for one recipient and send it after the transaction commits.

    Returns the new row, or None when a row with this `dedupe_key` already exists (the
    event was announced before: nothing is queued a second time). `thread_root` is the
    ticket number (`INC-000123`); every message about it threads under one root id.
    `attachments` are files in the default storage sent with the message:
    `[{"name": "log.txt", "path": "attachments/1/ab12", "content_type": "text/plain"}]`.
    """
    ref = thread_root.strip()
    root = thread_root_id(ref) if ref else ""
    fields = {
        "recipient_email": recipient_email.strip(),
        "contact": contact,
        "user": user,
        "event": event,
        "target_type": ContentType.objects.get_for_model(target) if target is not None else None,
        "target_id": target.pk if target is not None else None,
        "subject_ref": ref[:30],
        # A header is one line: a title with a line break must not break the message.
        "subject": " ".join(subject.split())[:400],
        "body": body,
        "message_id": _new_message_id(ref),
        "in_reply_to": root,
        "references": root,
        "attachments": list(attachments or []),
    }
    if dedupe_key is None:
        notification = Notification.objects.create(**fields)
    else:
        # get_or_create retries the lookup when a concurrent insert wins the unique key.
        notification, created = Notification.objects.get_or_create(
            dedupe_key=dedupe_key, defaults=fields
        )
        if not created:
            return None
    _send_after_commit(notification.pk)
    return notification


def _new_message_id(ref: str) -> str:
    local = uuid.uuid4().hex
    if ref:
        local = f"{local}.{ref}"
    return f"<{local}@{mail_domain()}>"


def _send_after_commit(notification_id: int) -> None:
    # delay_on_commit, made robust: if the broker is unreachable at commit time, the
    # committed request must not fail. The row stays pending and the requeue job
    # (notifications_requeue_stale) queues it again.
    from servicedesk.tasks import send_notification

    transaction.on_commit(partial(send_notification.delay, notification_id), robust=True)


# ----- sending -----------------------------------------------------------------------------


def notification_send(*, notification_id: int) -> bool:
    """Send one queued message; True if this call sent it.

    The claim is a conditional UPDATE (pending or failed, or sending with an expired
    lease → sending), so of two workers given the same task one sends and the other
    returns. A delivery error marks the row failed with the error and is re-raised so
    the caller (the Celery task) can retry.
    """
    now = timezone.now()
    claimable = Q(status__in=[NotificationStatus.PENDING, NotificationStatus.FAILED]) | Q(
        status=NotificationStatus.SENDING, claimed_at__lt=now - SENDING_LEASE
    )
    claimed = Notification.objects.filter(claimable, pk=notification_id).update(
        status=NotificationStatus.SENDING, claimed_at=now, attempts=F("attempts") + 1
    )
    if not claimed:
        return False  # sent already, or another worker is sending it right now
    notification = Notification.objects.get(pk=notification_id)
    try:
        mailers.default.send_messages([build_message(notification)])
    except Exception as exc:
        Notification.objects.filter(pk=notification_id).update(
            status=NotificationStatus.FAILED, last_error=f"{type(exc).__name__}: {exc}"[:2000]
        )
        logger.warning(
            "Notification %s to %s failed (attempt %s): %s",
            notification_id,
            notification.recipient_email,
            notification.attempts,
            exc,
        )
        raise
    Notification.objects.filter(pk=notification_id).update(
        status=NotificationStatus.SENT, sent_at=timezone.now()
    )
    return True


def build_message(notification: Notification) -> EmailMessage:
    headers = {"Message-ID": notification.message_id, **AUTO_HEADERS}
    if notification.in_reply_to:
        headers["In-Reply-To"] = notification.in_reply_to
    if notification.references:
        headers["References"] = notification.references
    message = EmailMessage(
        subject=notification.subject,
        body=notification.body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[notification.recipient_email],
        headers=headers,
    )
    for item in notification.attachments or []:
        try:
            with default_storage.open(item["path"], "rb") as handle:
                content = handle.read()
        except FileNotFoundError:
            # Deleted since it was queued: the body still names it; send the rest.
            logger.warning("Notification %s: attachment %s is gone", notification.pk, item)
            continue
        message.attach(item["name"], content, item.get("content_type") or None)
    return message


def notifications_requeue_stale(*, now=None) -> int:
    """Queue again what no worker will otherwise pick up: rows pending for longer than
    PENDING_GRACE (their task was never queued) and rows whose sender died mid-send.
    Rows in "failed" are left alone: their task is retrying, or it gave up for good and
    the row stays visible as failed. Queueing a row twice is harmless (the claim)."""
    now = now or timezone.now()
    stale = Notification.objects.filter(
        Q(status=NotificationStatus.PENDING, created_at__lt=now - PENDING_GRACE)
        | Q(status=NotificationStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    ).values_list("pk", flat=True)[:1000]
    ids = list(stale)
    for pk in ids:
        _send_after_commit(pk)
    return len(ids)


# ----- reading -----------------------------------------------------------------------------


def notifications_for(obj: models.Model) -> models.QuerySet[Notification]:
    """The notification log of one object (a ticket), newest first, in one query."""
    return Notification.objects.for_target(obj).only(
        "pk",
        "recipient_email",
        "event",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "sent_at",
    )
