"""Celery tasks of the changes app. Thin: they take primary keys and call what is
idempotent, so a retried or duplicated task does no harm."""

from datetime import timedelta
from smtplib import SMTPException

from celery import shared_task
from django.utils import timezone

from changes.models import ChangeRequest
from changes.notifications import change_notify_customers
from changes.selectors_portal import MAINTENANCE_STATUSES

#: A change scheduled this long ago whose customers were not told lost its task.
PENDING_GRACE = timedelta(minutes=10)


@shared_task(
    acks_late=True,
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def notify_customers(change_id: int) -> int:
    """Mail the contacts of the organisations the change affects, once per change
    (customers_notified_at). Returns how many messages this run queued."""
    return len(change_notify_customers(change_id=change_id))


@shared_task(acks_late=True)
def notify_customers_pending() -> int:
    """Beat: tell the customers of the changes whose task was lost (the broker was down
    when they were scheduled). Returns how many changes it queued."""
    now = timezone.now()
    pending = ChangeRequest.objects.filter(
        status__in=MAINTENANCE_STATUSES,
        notify_customers=True,
        customers_notified_at__isnull=True,
        scheduled_at__lt=now - PENDING_GRACE,
        planned_end__gt=now,
    ).values_list("pk", flat=True)[:100]
    ids = list(pending)
    for pk in ids:
        notify_customers.delay(pk)
    return len(ids)
