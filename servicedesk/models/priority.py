"""Urgency × impact → priority. The matrix is data, editable by admins."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Urgency(models.IntegerChoices):
    VERY_HIGH = 1, _("Very high")
    HIGH = 2, _("High")
    MEDIUM = 3, _("Medium")
    LOW = 4, _("Low")
    NONE = 5, _("None")


class Impact(models.IntegerChoices):
    SIGNIFICANT = 1, _("Significant (all users or systems)")
    HIGH = 2, _("High (a large group)")
    MEDIUM = 3, _("Medium (a small group)")
    LOW = 4, _("Low (one user or system)")
    NONE = 5, _("None")


class Priority(models.IntegerChoices):
    CRITICAL = 1, _("P1 Critical")
    HIGH = 2, _("P2 High")
    MEDIUM = 3, _("P3 Medium")
    LOW = 4, _("P4 Low")
    PLANNING = 5, _("P5 Planning")


def default_priority(urgency: int, impact: int) -> int:
    """The matrix shipped by the initial migration: the mean of both, rounded down."""
    return (urgency + impact) // 2


class PriorityMatrixEntryManager(models.Manager["PriorityMatrixEntry"]):
    def priority_for(self, urgency: int, impact: int) -> int:
        entry = self.filter(urgency=urgency, impact=impact).values_list("priority", flat=True)
        return entry.first() or default_priority(urgency, impact)


class PriorityMatrixEntry(models.Model):
    urgency = models.PositiveSmallIntegerField(_("urgency"), choices=Urgency.choices)
    impact = models.PositiveSmallIntegerField(_("impact"), choices=Impact.choices)
    priority = models.PositiveSmallIntegerField(_("priority"), choices=Priority.choices)
    history = HistoricalRecords()

    objects = PriorityMatrixEntryManager()

    class Meta:
        ordering = ["urgency", "impact"]
        verbose_name = _("priority matrix entry")
        verbose_name_plural = _("priority matrix")
        constraints = [
            models.UniqueConstraint(fields=["urgency", "impact"], name="priority_matrix_cell")
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_urgency_display()} × {self.get_impact_display()} → "
            f"{self.get_priority_display()}"
        )
