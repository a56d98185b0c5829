"""API tokens: how integrations authenticate to the JSON API (servicedesk/api.py) of
every app. The table was created by incidents (migration 0005) and kept its name when
the model moved here."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from servicedesk import tokens
from servicedesk.roles import is_staff_member


class ApiToken(models.Model):
    """A bearer token for the JSON API (/api/v1/). It acts either as a staff user (and may
    do what that user's roles allow) or as a customer contact (scoped to the contact's
    organisation, acting through the contact's portal login). Only the SHA-256 hash of the
    token is stored; the admin shows the token once, when it is issued."""

    name = models.CharField(_("name"), max_length=100, help_text=_("What the token is for."))
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("staff user"),
        help_text=_("A staff member: the token may do what this user's roles allow."),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("contact"),
        help_text=_(
            "A customer contact with a portal login: the token sees only the contact's "
            "organisation."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    history = HistoricalRecords(
        excluded_fields=["token_hash", "last_used_at"],
        table_name="incidents_historicalapitoken",
    )

    class Meta:
        db_table = "incidents_apitoken"
        ordering = ["name", "pk"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, contact__isnull=True)
                    | models.Q(user__isnull=True, contact__isnull=False)
                ),
                name="apitoken_user_xor_contact",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    def clean(self) -> None:
        if (self.user_id is None) == (self.contact_id is None):
            raise ValidationError(_("Choose either a staff user or a contact, not both."))
        if self.user_id is not None and not is_staff_member(self.user):
            raise ValidationError({"user": _("This user has no staff role.")})
        if self.contact is not None and self.contact.user_id is None:
            raise ValidationError(
                {"contact": _("Give the contact a portal login first: the token acts as it.")}
            )

    def issue_secret(self) -> str:
        """Set a new token (replacing any old one) and return its plaintext, once."""
        issued = tokens.issue(tokens.API_TOKEN_KIND)
        self.prefix, self.token_hash = issued.prefix, issued.digest
        return issued.plaintext
