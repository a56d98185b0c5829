"""A major incident's public update log: what the coordinators tell every affected
contact while the outage lasts (incidents/services/major.py broadcasts each update)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time


class MajorIncidentUpdate(models.Model):
    incident = models.ForeignKey(
        "incidents.Incident",
        on_delete=models.PROTECT,
        related_name="major_updates",
        verbose_name=_("major incident"),
    )
    text = models.TextField(_("text"))
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("posted by"),
    )
    posted_at = models.DateTimeField(_("posted"), default=current_time, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-posted_at", "-pk"]
        verbose_name = _("major incident update")
        verbose_name_plural = _("major incident updates")
        indexes = [
            # The log of one major incident, newest first (its panel, the portal's banner).
            models.Index(fields=["incident", "posted_at"], name="inc_major_update_log"),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.posted_at:%Y-%m-%d %H:%M}"
