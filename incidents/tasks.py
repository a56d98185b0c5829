"""Periodic jobs (see CELERY_BEAT_SCHEDULE). Thin: they call services, which are
idempotent, so a retried or doubled run does no harm."""

from datetime import date

from celery import shared_task

from incidents import services


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sla_sweep() -> dict[str, int]:
    return services.sla_sweep()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def sla_recompute(policy_ids: list[int], after: int = 0, batch: int | None = None) -> int | None:
    """Replay the due times of one batch of the policies' open tickets, then queue the
    next batch: each task stays short, and a retried one redoes only its own batch."""
    from incidents.sla_recompute import RECOMPUTE_BATCH, sla_recompute_open

    size = batch or RECOMPUTE_BATCH
    last = sla_recompute_open(policy_ids=policy_ids, after=after, batch=size)
    if last is not None:
        sla_recompute.delay(policy_ids, after=last, batch=size)
    return last


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


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def broadcast_major_update(update_id: int) -> int:
    """Mail a major incident's update to every affected contact; a retried or doubled
    run queues nothing twice (each mail has its dedupe key)."""
    return services.major_update_broadcast(update_id=update_id)


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def dashboard_rollup() -> int:
    """Roll up the dashboard's figures of the days that have ended (beat)."""
    from incidents.dashboard import rollup

    return rollup.roll_up()


@shared_task(acks_late=True, autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def dashboard_rebuild_days(days: list[str]) -> int:
    """Count again the rolled-up days a ticket change touched (ISO dates)."""
    from incidents.dashboard import rollup

    return rollup.rebuild_days(date.fromisoformat(day) for day in days)
