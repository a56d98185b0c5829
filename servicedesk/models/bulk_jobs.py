"""A bulk action run in the background (servicedesk/bulk_jobs.py): who started it, on
which records, with what, how far it got, and each record it left as it was and why.
The rows are the record of what was done (each changed record has its own history), so
they have no history of their own."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class BulkJobState(models.TextChoices):
    QUEUED = "queued", _("Waiting to start")
    RUNNING = "running", _("Running")
    DONE = "done", _("Finished")
    STOPPED = "stopped", _("Stopped")


class BulkJob(models.Model):
    #: The list it came from ("tickets") and the action's key on it (servicedesk.bulk).
    list_name = models.CharField(_("list"), max_length=40)
    action = models.CharField(_("action"), max_length=40)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="bulk_jobs",
        verbose_name=_("started by"),
    )
    #: What the action's form was given ({field name: [values]}), checked again when it runs.
    parameters = models.JSONField(_("parameters"), default=dict)
    #: The chosen records' primary keys, fixed when it was started, in the order worked.
    record_ids = models.JSONField(_("records"), default=list)
    total = models.PositiveIntegerField(_("records chosen"), default=0)
    #: How many of record_ids have been worked through (done or left as they were).
    position = models.PositiveIntegerField(_("worked through"), default=0)
    done = models.PositiveIntegerField(_("done"), default=0)
    refused = models.PositiveIntegerField(_("left as they were"), default=0)
    state = models.CharField(
        _("state"), max_length=10, choices=BulkJobState.choices, default=BulkJobState.QUEUED
    )
    #: Why it stopped before the end (the action's choices no longer valid, …).
    stop_reason = models.TextField(_("why it stopped"), blank=True)
    #: The starter's language, in which the job words what it refuses.
    language = models.CharField(_("language"), max_length=10, blank=True)
    #: The list to go back to (its filter).
    back_url = models.CharField(_("back to"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("bulk action job")
        verbose_name_plural = _("bulk action jobs")
        indexes = [models.Index(fields=["started_by", "-created_at"], name="bulk_job_by_user")]

    def __str__(self) -> str:
        return f"{self.list_name}:{self.action} #{self.pk}"

    @property
    def finished(self) -> bool:
        return self.state in (BulkJobState.DONE, BulkJobState.STOPPED)

    @property
    def left_untouched(self) -> int:
        """Records never worked on (a stopped job's rest)."""
        return self.total - self.position


class BulkJobRefusal(models.Model):
    """A record the job left as it was, and why (the action's refusal, in the starter's
    language when the job ran)."""

    job = models.ForeignKey(
        BulkJob, on_delete=models.CASCADE, related_name="refusals", verbose_name=_("job")
    )
    record_id = models.BigIntegerField(_("record"))
    label = models.CharField(_("record"), max_length=200)
    url = models.CharField(_("link"), max_length=300, blank=True)
    reason = models.TextField(_("reason"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("record left as it was")
        verbose_name_plural = _("records left as they were")
        constraints = [
            models.UniqueConstraint(fields=["job", "record_id"], name="bulk_refusal_once")
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.reason}"
