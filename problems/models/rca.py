"""The root-cause analysis of a problem, in structure rather than one text box: the chain
of 5 whys, the fishbone (Ishikawa) causes by category, and the timeline of events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Why(models.Model):
    """One link of the "5 whys" chain: why did the step before happen? The first answers
    why the problem happens; the last is the root cause."""

    problem = models.ForeignKey(
        "problems.Problem", on_delete=models.CASCADE, related_name="whys", verbose_name=_("problem")
    )
    position = models.PositiveSmallIntegerField(_("position"))
    answer = models.CharField(_("because"), max_length=500)
    history = HistoricalRecords()

    class Meta:
        ordering = ["problem", "position"]
        verbose_name = _("why")
        verbose_name_plural = _("5 whys")
        constraints = [
            models.UniqueConstraint(fields=["problem", "position"], name="prb_why_position")
        ]

    def __str__(self) -> str:
        return f"{self.position}. {self.answer}"


class FishboneCategory(models.TextChoices):
    """The bones of an IT fishbone diagram."""

    PEOPLE = "people", _("People")
    PROCESS = "process", _("Process")
    TECHNOLOGY = "technology", _("Technology")
    ENVIRONMENT = "environment", _("Environment")
    SUPPLIERS = "suppliers", _("Suppliers")
    MONITORING = "monitoring", _("Monitoring and measurement")


class Cause(models.Model):
    """A possible cause on one bone of the fishbone; the investigation confirms or rules
    it out."""

    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.CASCADE,
        related_name="causes",
        verbose_name=_("problem"),
    )
    category = models.CharField(_("category"), max_length=20, choices=FishboneCategory.choices)
    text = models.CharField(_("cause"), max_length=500)
    confirmed = models.BooleanField(
        _("confirmed"), default=False, help_text=_("The investigation showed it contributed.")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["problem", "category", "id"]
        verbose_name = _("fishbone cause")
        verbose_name_plural = _("fishbone causes")

    def __str__(self) -> str:
        return f"{self.get_category_display()}: {self.text}"


class TimelineEvent(models.Model):
    """Something that happened, in the order it happened: a deploy, the first alert, a
    restart. Written by the investigators, not the system's own history."""

    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.CASCADE,
        related_name="events",
        verbose_name=_("problem"),
    )
    occurred_at = models.DateTimeField(_("when"))
    text = models.CharField(_("what happened"), max_length=500)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by"),
    )
    added_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["problem", "occurred_at", "id"]
        verbose_name = _("timeline event")
        verbose_name_plural = _("timeline events")

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.text}"
