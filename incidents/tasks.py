"""Periodic jobs (see CELERY_BEAT_SCHEDULE). Thin: they call services, which are
idempotent, so a retried or doubled run does no harm."""

from celery import shared_task

from incidents import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sla_sweep() -> dict[str, int]:
    return services.sla_sweep()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def auto_close_completed() -> int:
    return services.auto_close_completed()


@shared_task(acks_late=True)
def poll_mailboxes() -> list[str]:
    """Read the active IMAP mailboxes (incidents/intake/imap.py). No retries: beat runs it
    again every minute, and a message is removed from the server only once it is stored,
    so a failed or doubled run loses nothing and duplicates nothing."""
    from incidents.intake import imap

    return [str(result) for result in imap.poll_all()]
