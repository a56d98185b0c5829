"""The service catalogue and the configuration items that deliver it."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Service(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_requestable = models.BooleanField(
        _("in the portal catalogue"),
        default=True,
        help_text=_("Contacts can raise incidents and requests for it in the portal."),
    )
    portal_description = models.TextField(
        _("description for customers"),
        blank=True,
        help_text=_("Shown in the portal catalogue instead of the internal description."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("service")
        verbose_name_plural = _("services")

    def __str__(self) -> str:
        return self.name


class ConfigurationItem(models.Model):
    class Kind(models.TextChoices):
        SERVER = "server", _("Server")
        VIRTUAL_MACHINE = "vm", _("Virtual machine")
        NETWORK_DEVICE = "network", _("Network device")
        STORAGE = "storage", _("Storage")
        APPLICATION = "application", _("Application")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.SERVER)
    service = models.ForeignKey(
        Service,
        on_delete=models.PROTECT,
        related_name="configuration_items",
        verbose_name=_("service"),
    )
    organisation = models.ForeignKey(
        "servicedesk.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="configuration_items",
        verbose_name=_("organisation"),
        help_text=_("Leave empty for shared infrastructure."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("configuration item")
        verbose_name_plural = _("configuration items")
        constraints = [
            models.UniqueConstraint(fields=["service", "name"], name="ci_unique_name_per_service")
        ]

    def __str__(self) -> str:
        return self.name
