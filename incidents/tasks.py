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
