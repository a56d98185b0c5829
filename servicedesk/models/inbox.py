"""What staff are told inside the app: one row per recipient and event (the header's
unread badge and the notifications page read them), and each user's mail preferences.
Rows are written by servicedesk/inbox.py; the row is the record, so it has no history."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class InAppNotificationQuerySet(models.QuerySet["InAppNotification"]):
    def for_user(self, user) -> "InAppNotificationQuerySet":
        """Only ever the asking user's own notifications."""
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(recipient=user)

    def unread(self) -> "InAppNotificationQuerySet":
        return self.filter(read_at__isnull=True)


class InAppNotification(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="inbox",
        verbose_name=_("recipient"),
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    #: The event kind (see servicedesk/notification_events.py), e.g. "ticket_assigned".
    event = models.CharField(_("event"), max_length=50)
    #: What happened, in words, as the recipient reads it ("Assigned to you").
    verb = models.CharField(_("what happened"), max_length=200)
    # What it is about: a ticket now, a problem or change later.
    target_type = models.ForeignKey(
        ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    target_id = models.PositiveBigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    #: The object as the list shows it ("INC-000014 VPN drops"), and where it lives.
    target_label = models.CharField(_("about"), max_length=250, blank=True)
    url = models.CharField(_("link"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    #: One event reaches one recipient once, however often it is announced.
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True, null=True)

    objects = InAppNotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("in-app notification")
        verbose_name_plural = _("in-app notifications")
        indexes = [
            # The header's unread count and the list page (newest first).
            models.Index(fields=["recipient", "read_at"], name="inbox_unread"),
            models.Index(fields=["recipient", "-created_at", "-id"], name="inbox_recent"),
        ]

    def __str__(self) -> str:
        return f"{self.recipient_id}: {self.verb} {self.target_label}"


class NotificationPreference(models.Model):
    """A staff member's mail settings. In-app notifications are always on; mail can be
    switched off altogether or for single kinds of event."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notification_preference",
        verbose_name=_("user"),
    )
    mail_enabled = models.BooleanField(_("send me mail"), default=True)
    #: Event kinds this user wants no mail about (keys of notification_events).
    muted_events = models.JSONField(_("no mail about"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)

    def wants_mail(self, event: str) -> bool:
        return self.mail_enabled and event not in (self.muted_events or [])
