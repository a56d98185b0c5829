"""What an admin keeps for planning changes: standard-change templates (pre-approved
recipes) and blackout periods (when no change may be done)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from changes.models.choices import Risk


class StandardChangeTemplate(models.Model):
    """A low-risk, repeatable change the CAB approved once: a change raised from it is
    approved as soon as it is submitted."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("what is done"), blank=True)
    reason = models.TextField(_("why"), blank=True)
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    backout_plan = models.TextField(_("back-out plan"), blank=True)
    test_plan = models.TextField(_("test plan"), blank=True)
    risk = models.CharField(_("risk"), max_length=8, choices=Risk.choices, default=Risk.LOW)
    services = models.ManyToManyField(
        "servicedesk.Service", blank=True, related_name="+", verbose_name=_("services")
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["name"]
        verbose_name = _("standard change template")
        verbose_name_plural = _("standard change templates")

    def __str__(self) -> str:
        return self.name


class BlackoutPeriod(models.Model):
    """A time when changes must not be done (a sale, year-end closing), on some services
    or, with none chosen, on all of them."""

    name = models.CharField(_("name"), max_length=200)
    reason = models.TextField(_("reason"), blank=True)
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    services = models.ManyToManyField(
        "servicedesk.Service",
        blank=True,
        related_name="+",
        verbose_name=_("services"),
        help_text=_("Leave empty for a blackout on every service."),
    )
    history = HistoricalRecords(m2m_fields=[services])

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("blackout period")
        verbose_name_plural = _("blackout periods")
        indexes = [models.Index(fields=["starts_at", "ends_at"], name="chg_blackout_window")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("The end must be after the start.")})
