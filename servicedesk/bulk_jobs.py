"""Bulk actions on many records, run in the background with their progress shown.

More than INLINE_MAX chosen records are not changed in the request: `bulk_job_start`
records a BulkJob (who, which action with what, which records) and queues the Celery
task, which works through the records a batch at a time (`bulk_job_run`). Each record is
done or left as it was on its own, by the same action (the same service and rules as the
single action), and its outcome is committed together with the job's progress, so a
retried or doubled task never acts on a record twice and a job is never half-applied
without saying so: the job's page (servicedesk/bulk_views.py) shows how far it got, each
record left as it was and why, and, when it stopped early, why and how many were not
worked on."""

import logging
from collections.abc import Mapping

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.translation import gettext as _

from servicedesk.bulk import REFUSALS, BulkAction, BulkList, bulk_action, bulk_list, reason_of
from servicedesk.models import BulkJob, BulkJobRefusal, BulkJobState
from servicedesk.roles import is_desk_manager

logger = logging.getLogger(__name__)

#: More chosen records than this run as a job, not in the request.
INLINE_MAX = 50
#: Records one task works through before it queues the next batch (tasks stay short).
BATCH = 50


def form_data(data: MultiValueDict, action: BulkAction) -> dict[str, list[str]]:
    """The action form's fields of a request's data (as the job keeps them)."""
    prefix = f"{action.key}-"
    return {key: data.getlist(key) for key in data if key.startswith(prefix)}


def bulk_job_start(
    *,
    list_name: str,
    action: BulkAction,
    ids: list[int],
    data: Mapping[str, list[str]],
    actor: User,
    back_url: str = "",
) -> BulkJob:
    """Record the job and queue its task once the transaction commits."""
    from servicedesk import tasks

    job = BulkJob.objects.create(
        list_name=list_name,
        action=action.key,
        started_by=actor,
        parameters=dict(data),
        record_ids=list(ids),
        total=len(ids),
        language=translation.get_language() or "",
        back_url=back_url[:2000],
    )
    transaction.on_commit(lambda: tasks.bulk_job_run.delay(job.pk))
    return job


def may_see_job(job: BulkJob, user) -> bool:
    """Its starter and the service desk managers."""
    return job.started_by_id == user.pk or is_desk_manager(user)


def bulk_job_run(*, job_id: int, batch: int | None = None) -> bool:
    """Work through the job's next `batch` records (BATCH); True while some are left."""
    batch = batch or BATCH
    job = BulkJob.objects.select_related("started_by").filter(pk=job_id).first()
    if job is None or job.finished:
        return False
    with translation.override(job.language or None):
        actor = job.started_by
        action = bulk_action(job.list_name, job.action, actor) if actor else None
        listing = bulk_list(job.list_name)
        if action is None or listing is None or actor is None or not actor.is_active:
            _stop(job, _("Its starter may no longer use this action."))
            return False
        form = action.form(MultiValueDict(job.parameters), user=actor)
        if not form.is_valid():
            errors = " ".join(str(e) for errors in form.errors.values() for e in errors)
            _stop(
                job,
                _("What the action was given is no longer valid: %(errors)s") % {"errors": errors},
            )
            return False
        _mark_running(job)
        for index in range(job.position, min(job.position + batch, job.total)):
            _work_one(job.pk, index, action, listing, actor, form.cleaned_data)
    job.refresh_from_db()
    if job.position < job.total:
        return True
    BulkJob.objects.filter(pk=job.pk, state=BulkJobState.RUNNING).update(
        state=BulkJobState.DONE, finished_at=timezone.now()
    )
    return False


def _work_one(
    job_id: int, index: int, action: BulkAction, listing: BulkList, actor: User, data: dict
) -> None:
    """The record at `index`, done or left as it was, committed with the job's progress."""
    with transaction.atomic():
        job = BulkJob.objects.select_for_update().get(pk=job_id)
        if job.position != index or job.finished:
            return  # another run of the task got there first
        pk = job.record_ids[index]
        record = listing.rows().filter(pk=pk).first()
        reason = (
            _("It no longer exists.") if record is None else _apply(action, record, actor, data)
        )
        if reason is None:
            job.done += 1
        else:
            job.refused += 1
            BulkJobRefusal.objects.create(
                job=job,
                record_id=pk,
                label=(listing.label(record) if record is not None else f"#{pk}")[:200],
                url=(listing.url(record) if record is not None else "")[:300],
                reason=reason,
            )
        job.position = index + 1
        job.save(update_fields=["position", "done", "refused"])


def _apply(action: BulkAction, record, actor: User, data: dict) -> str | None:
    """None when done, else why it was left as it was (all of its change undone)."""
    try:
        with transaction.atomic():
            action.apply(record, actor, data)
    except REFUSALS as refusal:
        return reason_of(refusal)
    except Exception:  # a fault, not a refusal: this record stays as it was, the job goes on
        logger.exception("Bulk action %s failed on record %s", action.key, record.pk)
        return _("Something went wrong: it was left as it was.")
    return None


def _mark_running(job: BulkJob) -> None:
    if job.state == BulkJobState.QUEUED:
        job.state, job.started_at = BulkJobState.RUNNING, timezone.now()
        BulkJob.objects.filter(pk=job.pk, state=BulkJobState.QUEUED).update(
            state=job.state, started_at=job.started_at
        )


def _stop(job: BulkJob, reason: str) -> None:
    BulkJob.objects.filter(pk=job.pk).exclude(state=BulkJobState.DONE).update(
        state=BulkJobState.STOPPED, stop_reason=reason, finished_at=timezone.now()
    )
