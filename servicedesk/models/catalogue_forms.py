"""Request forms of the service catalogue: the questions an admin defines per service,
which the customer portal asks when a contact raises a ticket for that service."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords


class ServiceFormField(models.Model):
    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        TEXTAREA = "textarea", _("Long text")
        CHOICE = "choice", _("Choice")
        NUMBER = "number", pgettext_lazy("kind of answer", "Number")
        DATE = "date", _("Date")

    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.CASCADE,
        related_name="form_fields",
        verbose_name=_("service"),
    )
    label = models.CharField(_("question"), max_length=200)
    help_text = models.CharField(_("help text"), max_length=300, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.TEXT)
    choices = models.TextField(
        _("choices"), blank=True, help_text=_("For a choice: one option per line.")
    )
    required = models.BooleanField(_("required"), default=False)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["service", "order", "pk"]
        verbose_name = _("request form field")
        verbose_name_plural = _("request form fields")
        constraints = [
            models.UniqueConstraint(
                fields=["service", "label"], name="service_form_field_unique_label"
            )
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def options(self) -> list[str]:
        """The choices, one per line, without blanks or repeats."""
        seen: list[str] = []
        for line in self.choices.splitlines():
            option = line.strip()
            if option and option not in seen:
                seen.append(option)
        return seen

    def clean(self) -> None:
        if self.kind == self.Kind.CHOICE and not self.options:
            raise ValidationError({"choices": _("A choice needs at least one option.")})
        if self.kind != self.Kind.CHOICE and self.choices.strip():
            raise ValidationError({"choices": _("Only a choice has options.")})
