"""Staff following a ticket: they hear what its assignee hears (incidents/watchers.py)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time
from incidents.models.ticket import Incident


class Watch(models.Model):
    """A staff user following a ticket. Followed and unfollowed by the user on the ticket
    page; history records when (and by whom)."""

    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="watches", verbose_name=_("ticket")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="ticket_watches",
        verbose_name=_("follower"),
    )
    created_at = models.DateTimeField(_("since"), default=current_time, editable=False)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("follower of a ticket")
        verbose_name_plural = _("followers of tickets")
        constraints = [
            models.UniqueConstraint(fields=["incident", "user"], name="ticket_watch_once")
        ]
        # "Following" (watching=me on the ticket list): a user's tickets.
        indexes = [models.Index(fields=["user", "incident"], name="watch_user_ticket")]

    def __str__(self) -> str:
        return f"{self.user_id} follows {self.incident_id}"
