"""Celery tasks of the core app. Thin: they take primary keys and call services, which
are idempotent, so a retried or duplicated task does no harm."""

from smtplib import SMTPException

from celery import shared_task

from servicedesk import bulk_jobs
from servicedesk.notifications import notification_send, notifications_requeue_stale


@shared_task(
    bind=True,
    acks_late=True,
    # SMTP refusals and network errors may pass; anything else is a bug and stays failed.
    autoretry_for=(SMTPException, OSError),
    retry_backoff=30,  # 30 s, 1, 2, 4, 8 min (randomised by retry_jitter)
    retry_backoff_max=600,
    retry_jitter=True,
    max_retries=5,
)
def send_notification(self, notification_id: int) -> bool:
    """Send one logged notification. After the last retry the row stays "failed"."""
    return notification_send(notification_id=notification_id)


@shared_task(acks_late=True)
def requeue_notifications() -> int:
    """Beat: queue again notifications whose task was lost (see notifications_requeue_stale)."""
    return notifications_requeue_stale()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def bulk_job_run(job_id: int) -> bool:
    """Work through a bulk action job's next batch, then queue the next one: each task
    stays short, and a retried one redoes nothing (servicedesk/bulk_jobs.py)."""
    more = bulk_jobs.bulk_job_run(job_id=job_id)
    if more:
        bulk_job_run.delay(job_id)
    return more
