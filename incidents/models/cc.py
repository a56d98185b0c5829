"""Other contacts copied on a ticket's mail."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time
from incidents.models.ticket import Incident


class TicketCc(models.Model):
    """Another contact of the ticket's organisation who gets the contact's mail about the
    ticket (public replies and status changes) as well. Added and removed by agents on
    the ticket page (incidents/cc.py); history records who did it."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="cc_entries", verbose_name=_("ticket")
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("contact"),
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    created_at = models.DateTimeField(_("added"), default=current_time, editable=False)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("CC on a ticket")
        verbose_name_plural = _("CCs on tickets")
        constraints = [
            models.UniqueConstraint(fields=["incident", "contact"], name="ticket_cc_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} cc {self.contact_id}"
