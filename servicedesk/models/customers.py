"""Customers: organisations under contract and their contacts."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("%(value)s is not a known time zone."), params={"value": value})


class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    contract_number = models.CharField(_("contract number"), max_length=50, unique=True)
    time_zone = models.CharField(
        _("time zone"), max_length=64, default="Europe/Berlin", validators=[validate_time_zone]
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self) -> str:
        return self.name


class Contact(models.Model):
    """A person at a customer organisation. Only authorised contacts may open tickets;
    an admin may further limit one to some services or to one kind of ticket."""

    class AllowedKinds(models.TextChoices):
        BOTH = "both", _("Incidents and service requests")
        INCIDENT = "incident", _("Incidents only")
        REQUEST = "request", _("Service requests only")

    class FormOfAddress(models.TextChoices):
        NONE = "", _("(none)")
        MR = "mr", _("Mr")
        MS = "ms", _("Ms")
        MX = "mx", _("Mx")

    class Title(models.TextChoices):
        """An academic title, used in the salutation beside the form of address."""

        NONE = "", _("(none)")
        DR = "dr", _("Dr")
        PROF = "prof", _("Prof.")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="contacts",
        verbose_name=_("organisation"),
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), db_index=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True, db_index=True)
    form_of_address = models.CharField(
        _("form of address"), max_length=4, choices=FormOfAddress.choices, blank=True
    )
    title = models.CharField(_("title"), max_length=4, choices=Title.choices, blank=True)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,  # the one list of offered languages
        default=settings.LANGUAGE_CODE,
        help_text=_("The portal, the password reset and every mail to the contact use it."),
    )
    is_authorised = models.BooleanField(
        _("authorised to open tickets"),
        default=True,
        help_text=_("Only authorised contacts may raise incidents and requests."),
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contact",
        verbose_name=_("portal login"),
    )
    allowed_services = models.ManyToManyField(
        "servicedesk.Service",
        blank=True,
        related_name="+",
        verbose_name=_("may raise tickets for"),
        help_text=_("Leave empty for every service in the catalogue."),
    )
    allowed_kinds = models.CharField(
        _("may raise"), max_length=10, choices=AllowedKinds.choices, default=AllowedKinds.BOTH
    )
    is_active = models.BooleanField(_("active"), default=True)
    history = HistoricalRecords(m2m_fields=[allowed_services])

    class Meta:
        ordering = ["name"]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "email"], name="contact_unique_email_per_organisation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    # ----- what the contact may raise in the portal ------------------------------------

    @property
    def may_raise(self) -> bool:
        """Authorised, active and of an active organisation: may open tickets and act on
        them (comment, confirm, reject) on any channel. Others may at most read."""
        return self.is_active and self.is_authorised and self.organisation.is_active

    def why_not_raise(self) -> str:
        """Why this contact may not act on tickets ("" when it may)."""
        values = {"name": self.name, "organisation": self.organisation.name}
        if not self.is_active:
            return str(_("%(name)s (%(organisation)s) is deactivated.") % values)
        if not self.organisation.is_active:
            return str(_("%(name)s belongs to %(organisation)s, which is inactive.") % values)
        if not self.is_authorised:
            return str(
                _(
                    "%(name)s (%(organisation)s) is not authorised to open or change "
                    "tickets: may read only."
                )
                % values
            )
        return ""

    @property
    def raisable_kinds(self) -> list[str]:
        """Ticket kinds ("incident", "request") this contact may raise."""
        if self.allowed_kinds == self.AllowedKinds.BOTH:
            return [self.AllowedKinds.INCIDENT.value, self.AllowedKinds.REQUEST.value]
        return [self.allowed_kinds]

    def may_raise_kind(self, kind: str) -> bool:
        return kind in self.raisable_kinds

    def is_limited_to_services(self) -> bool:
        return self.allowed_services.exists()

    def may_use_service(self, service) -> bool:
        """Every service when the admin named none; otherwise only the ones named (and
        then a ticket must name one of them)."""
        if not self.is_limited_to_services():
            return True
        return service is not None and self.allowed_services.filter(pk=service.pk).exists()
