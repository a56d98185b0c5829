"""The notification log: every email the service desk sends, one row per recipient and
event, with its delivery state. Rows are written by servicedesk/notifications.py and
never edited by people; the row *is* the record, so it has no separate history."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class NotificationQuerySet(models.QuerySet["Notification"]):
    def for_target(self, obj: models.Model) -> "NotificationQuerySet":
        return self.filter(target_type=ContentType.objects.get_for_model(obj), target_id=obj.pk)


class Notification(models.Model):
    Status = NotificationStatus

    recipient_email = models.EmailField(_("recipient"))
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("contact"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="notifications",
        verbose_name=_("staff user"),
    )
    event = models.CharField(_("event"), max_length=50)

    # What the message is about (a ticket, later a problem or change).
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    subject_ref = models.CharField(_("about"), max_length=30, db_index=True, blank=True)

    subject = models.CharField(_("subject"), max_length=400)
    body = models.TextField(_("body"))
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    in_reply_to = models.CharField(_("In-Reply-To"), max_length=255, blank=True)
    references = models.TextField(_("References"), blank=True)

    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NotificationStatus.choices,
        default=NotificationStatus.PENDING,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    claimed_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    #: The same event for the same recipient is queued once: a repeated signal or a
    #: retried producer finds the row instead of creating a second one.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True)
    #: Files sent with the message: [{"name", "path" (in default storage), "content_type"}].
    attachments = models.JSONField(_("attachments"), default=list, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["target_type", "target_id", "created_at"], name="notif_target"),
            # The requeue job looks for rows stuck in pending or sending.
            models.Index(fields=["status", "created_at"], name="notif_status"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_ref or '-'} {self.get_event_display()} → {self.recipient_email}"

    def get_event_display(self) -> str:
        """The event in words: "Status changed to Completed"."""
        from servicedesk.notification_events import describe_event

        return describe_event(self.event)

    @property
    def is_sent(self) -> bool:
        return self.status == NotificationStatus.SENT

    @property
    def is_sending(self) -> bool:
        return self.status == NotificationStatus.SENDING

    @property
    def has_failed(self) -> bool:
        """The last attempt failed (a retry may still come)."""
        return self.status == NotificationStatus.FAILED
