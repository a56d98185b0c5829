"""Support groups: who works tickets, on which line, with which specialisation."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Line(models.TextChoices):
    L1 = "l1", _("L1")
    L2 = "l2", _("L2")
    L3 = "l3", _("L3")


class Specialisation(models.TextChoices):
    GENERAL = "general", _("General")
    NETWORK = "network", _("Network")
    VIRTUALISATION = "virtualisation", _("Virtualisation")
    HARDWARE = "hardware", _("Hardware")
    STORAGE = "storage", _("Storage")
    DATABASES = "databases", _("Databases")
    APPLICATIONS = "applications", _("Applications")


class SupportGroup(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    line = models.CharField(_("line"), max_length=2, choices=Line.choices, db_index=True)
    specialisation = models.CharField(
        _("specialisation"),
        max_length=20,
        choices=Specialisation.choices,
        default=Specialisation.GENERAL,
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="support_groups",
        blank=True,
        verbose_name=_("members"),
    )
    email = models.EmailField(_("email"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[members])

    class Meta:
        ordering = ["line", "name"]
        verbose_name = _("support group")
        verbose_name_plural = _("support groups")

    def __str__(self) -> str:
        return f"{self.get_line_display()} · {self.name}"
