"""Knowledge articles linked to a ticket."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time
from incidents.models.ticket import Incident


class TicketArticle(models.Model):
    """A knowledge article that helps with a ticket, or was written from it. Agents link
    and remove it on the ticket page (incidents/services/knowledge.py); history records
    who did it. Resolving the ticket with an article links it and counts its use once
    (`use_counted_at`): such a link stays, it is the record of what solved the ticket."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="article_links", verbose_name=_("ticket")
    )
    article = models.ForeignKey(
        "knowledge.Article",
        on_delete=models.CASCADE,
        related_name="ticket_links",
        verbose_name=_("knowledge article"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), default=current_time, editable=False)
    use_counted_at = models.DateTimeField(
        _("resolved the ticket"), null=True, blank=True, editable=False
    )
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["linked_at", "pk"]
        verbose_name = _("knowledge article of a ticket")
        verbose_name_plural = _("knowledge articles of tickets")
        constraints = [
            models.UniqueConstraint(fields=["incident", "article"], name="ticket_article_once")
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} → {self.article_id}"
