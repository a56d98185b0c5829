"""Inbound email: every message that reaches the service desk is kept as an InboundEmail
(the dedupe key is its Message-ID), and the IMAP mailboxes the poller reads are
configured in the admin as Mailbox rows. Imported by incidents/models/, so both belong
to the incidents app."""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def inbound_email_path(instance: "InboundEmail", filename: str) -> str:
    # Never a name from the message: no traversal, no collisions.
    when = instance.received_at or timezone.now()
    return f"inbound-email/{when:%Y/%m}/{uuid.uuid4().hex}.eml"


class InboundStatus(models.TextChoices):
    TICKET_CREATED = "ticket_created", _("Ticket created")
    COMMENT_ADDED = "comment_added", _("Added to a ticket")
    QUARANTINED = "quarantined", _("Quarantined")
    ACCEPTED = "accepted", _("Accepted from quarantine")
    DISCARDED = "discarded", _("Discarded")
    REJECTED = "rejected", _("Refused")
    IGNORED_AUTO = "ignored_auto", _("Automatic mail, ignored")


#: Statuses an L1 agent may still act on (accept, add to a ticket, discard).
ACTIONABLE_STATUSES = [InboundStatus.QUARANTINED, InboundStatus.IGNORED_AUTO]


class Mailbox(models.Model):
    """An IMAP mailbox `poll_mailbox` reads (and the beat task, every minute)."""

    class AfterProcessing(models.TextChoices):
        DELETE = "delete", _("Flag as seen and delete")
        MOVE = "move", _("Move to the processed folder")

    name = models.CharField(_("name"), max_length=100, unique=True)
    host = models.CharField(_("IMAP host"), max_length=255)
    port = models.PositiveIntegerField(_("port"), default=993)
    use_ssl = models.BooleanField(
        _("IMAP over SSL/TLS"), default=True, help_text=_("Usually port 993.")
    )
    use_starttls = models.BooleanField(
        _("STARTTLS"),
        default=False,
        help_text=_("Upgrade a plain connection (usually port 143) to TLS. Ignored with SSL."),
    )
    username = models.CharField(_("user name"), max_length=255)
    # Stored as entered: the poller must be able to log in with it. Never shown in the
    # admin's list or history (see incidents/admin.py).
    password = models.CharField(_("password"), max_length=255)
    folder = models.CharField(_("folder"), max_length=255, default="INBOX")
    after_processing = models.CharField(
        _("after processing"),
        max_length=10,
        choices=AfterProcessing.choices,
        default=AfterProcessing.DELETE,
    )
    processed_folder = models.CharField(
        _("processed folder"),
        max_length=255,
        blank=True,
        help_text=_("Where processed messages are moved to (with “move”)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    last_polled_at = models.DateTimeField(_("last polled"), null=True, blank=True, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["password", "last_polled_at", "last_error"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("mailbox")
        verbose_name_plural = _("mailboxes")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.after_processing == self.AfterProcessing.MOVE:
            if not self.processed_folder.strip():
                raise ValidationError(
                    {"processed_folder": _("Name the folder processed messages move to.")}
                )
            if self.processed_folder.strip() == self.folder.strip():
                raise ValidationError(
                    {"processed_folder": _("The processed folder must differ from the folder.")}
                )


class InboundEmailQuerySet(models.QuerySet["InboundEmail"]):
    def quarantined(self) -> "InboundEmailQuerySet":
        return self.filter(status=InboundStatus.QUARANTINED)

    def for_list(self) -> "InboundEmailQuerySet":
        """What a quarantine row shows, without the (large) bodies."""
        return self.only(
            "pk", "from_address", "from_name", "subject", "received_at", "reason", "status", "size"
        )


class InboundEmail(models.Model):
    """One message as it arrived, and what became of it."""

    Status = InboundStatus

    #: The Message-ID (or, without one, a hash of the raw message): the same message
    #: delivered twice is stored once and makes one ticket.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    from_address = models.CharField(_("from"), max_length=320, blank=True)
    from_name = models.CharField(_("sender name"), max_length=200, blank=True)
    subject = models.CharField(_("subject"), max_length=400, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, editable=False)
    #: The message exactly as received (none for a refused, oversized message).
    raw = models.FileField(_("raw message"), upload_to=inbound_email_path, max_length=200)
    size = models.PositiveBigIntegerField(_("size"), default=0)
    #: Plain text, sanitised; HTML-only mail is converted. What the ticket shows.
    body = models.TextField(_("text"), blank=True)
    #: The HTML part reduced by nh3 to inert markup (kept for reference, never trusted).
    body_html = models.TextField(_("sanitised HTML"), blank=True)
    is_auto = models.BooleanField(
        _("automatic"),
        default=False,
        help_text=_("An auto-reply, bounce or list message: nothing is ever sent back."),
    )
    status = models.CharField(_("status"), max_length=20, choices=InboundStatus.choices)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    mailbox = models.ForeignKey(
        Mailbox,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="messages",
        verbose_name=_("mailbox"),
    )
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="inbound_emails",
        verbose_name=_("ticket"),
    )
    comment = models.ForeignKey(
        "incidents.Comment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("comment"),
    )
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("handled by"),
    )
    handled_at = models.DateTimeField(_("handled"), null=True, blank=True)
    history = HistoricalRecords(
        excluded_fields=["body", "body_html"],
        history_change_reason_field=models.TextField(null=True),
    )

    objects = InboundEmailQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("inbound email")
        verbose_name_plural = _("inbound email")
        indexes = [
            # The quarantine lists one status, newest first, by keyset on the id.
            models.Index(fields=["status", "-id"], name="inbound_status"),
            # The loop guard counts a sender's recent messages.
            models.Index(fields=["from_address", "received_at"], name="inbound_sender"),
        ]

    def __str__(self) -> str:
        return f"{self.from_address or '?'}: {self.subject or '-'}"

    @property
    def is_actionable(self) -> bool:
        return self.status in ACTIONABLE_STATUSES


class Submission(models.Model):
    """One ticket-creating request, by the key its sender gave it: the one-time token of
    a portal or log-a-call form, or an API client's Idempotency-Key. The unique
    (scope, key) pair makes a repeated or racing request find the first ticket instead
    of making a second one. `scope` says whose key it is (a user, an API token), so a
    key never reaches someone else's ticket."""

    scope = models.CharField(_("scope"), max_length=40)
    key = models.CharField(_("key"), max_length=255)
    #: A hash of what was asked (API only): the same key with another body is refused.
    fingerprint = models.CharField(_("fingerprint"), max_length=64, blank=True)
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.CASCADE,
        null=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("ticket submission")
        verbose_name_plural = _("ticket submissions")
        constraints = [
            models.UniqueConstraint(fields=["scope", "key"], name="submission_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"
