"""Two tickets marked as related ("see also"): stored once, read both ways."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time
from incidents.models.ticket import Incident


class TicketLinkQuerySet(models.QuerySet["TicketLink"]):
    def of(self, incident: Incident) -> "TicketLinkQuerySet":
        return self.filter(Q(from_ticket=incident) | Q(to_ticket=incident))

    def between(self, one: Incident, other: Incident) -> "TicketLinkQuerySet":
        return self.filter(
            Q(from_ticket=one, to_ticket=other) | Q(from_ticket=other, to_ticket=one)
        )


class TicketLink(models.Model):
    from_ticket = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="links_out", verbose_name=_("ticket")
    )
    to_ticket = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="links_in", verbose_name=_("related to")
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    created_at = models.DateTimeField(_("linked"), default=current_time, editable=False)
    history = HistoricalRecords()

    objects = TicketLinkQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("related ticket")
        verbose_name_plural = _("related tickets")
        constraints = [
            models.UniqueConstraint(fields=["from_ticket", "to_ticket"], name="ticket_link_once"),
            models.CheckConstraint(
                condition=~Q(from_ticket=F("to_ticket")), name="ticket_link_not_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.from_ticket_id} ↔ {self.to_ticket_id}"

    def other(self, incident: Incident) -> Incident:
        return self.to_ticket if self.from_ticket_id == incident.pk else self.from_ticket
