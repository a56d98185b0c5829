"""The major incident's forms on the ticket page: declare, hand over to another manager,
link tickets, the outage window and the public update. Times are typed in the user's
time zone (datetime-local)."""

import re

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from incidents.forms import StaffChoiceField
from incidents.models import Incident
from servicedesk.forms import VersionedForm
from servicedesk.roles import AGENT_ROLES

User = get_user_model()

DATETIME_LOCAL = "%Y-%m-%dT%H:%M"
#: INC-000123 or REQ-000124, as typed (any case); anything else between them separates.
_NUMBER = re.compile(r"\b(?:INC|REQ)-\d{6,}\b", re.I)


def _moment(label, *, help_text="") -> forms.DateTimeField:
    return forms.DateTimeField(
        label=label,
        required=False,
        help_text=help_text,
        input_formats=[DATETIME_LOCAL, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_LOCAL),
    )


def agents() -> QuerySet:
    """Active agents (L1, L2, L3, service desk managers), by name."""
    in_role = User.groups.through.objects.filter(group__name__in=AGENT_ROLES).values("user_id")
    return User.objects.filter(pk__in=in_role, is_active=True).order_by(
        "first_name", "last_name", "pk"
    )


class DeclareMajorForm(VersionedForm[Incident]):
    manager = StaffChoiceField(
        label=_("Major incident manager"),
        queryset=agents(),
        help_text=_("Coordinates the major incident and posts its updates."),
    )
    outage_started_at = _moment(
        _("Outage started"),
        help_text=_("Leave empty if not known: the time the ticket was registered."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why this is a major incident (internal)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = agents()  # type: ignore[attr-defined]  # read per form


class ManagerForm(VersionedForm[Incident]):
    """Hand the major incident over to another major incident manager."""

    manager = StaffChoiceField(
        label=_("Major incident manager"),
        queryset=agents(),
        help_text=_("They are told, and coordinate the major incident from now on."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["manager"].queryset = agents()  # type: ignore[attr-defined]  # read per form


class LinkChildrenForm(forms.Form):
    numbers = forms.CharField(
        label=_("Ticket numbers"),
        max_length=2000,
        help_text=_("One or more, e.g. INC-000123 INC-000124."),
    )

    def clean_numbers(self) -> list[Incident]:
        typed = [number.upper() for number in _NUMBER.findall(self.cleaned_data["numbers"])]
        if not typed:
            raise ValidationError(_("Type a ticket number such as INC-000123."))
        found = {t.number: t for t in Incident.objects.filter(number__in=typed)}
        unknown = [number for number in dict.fromkeys(typed) if number not in found]
        if unknown:
            raise ValidationError(
                _("No ticket has the number %(numbers)s.") % {"numbers": ", ".join(unknown)}
            )
        return [found[number] for number in dict.fromkeys(typed)]


class MajorUpdateForm(forms.Form):
    text = forms.CharField(
        label=_("Update for the customers"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "Mailed once to every affected contact and shown in the portal: write it for customers."
        ),
    )


class OutageForm(VersionedForm[Incident]):
    outage_started_at = _moment(_("Outage started"))
    outage_ended_at = _moment(
        _("Outage ended"), help_text=_("Leave empty while the service is still down.")
    )
