"""The quarantine's forms: accept a message as a ticket, add it to a ticket, discard it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.models import NUMBER_PREFIX, Incident, Kind
from servicedesk.models import Contact


class AcceptForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(is_active=True).select_related("organisation"),
        widget=forms.HiddenInput,
        error_messages={
            "required": _("Find and choose the contact the ticket is for."),
            "invalid_choice": _("Choose an active contact."),
        },
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.INCIDENT)
    title = forms.CharField(label=_("Title"), max_length=200)


class AddToTicketForm(forms.Form):
    number = forms.CharField(
        label=_("Ticket number"),
        max_length=20,
        help_text=_("INC-000123, REQ-000124 or just 123."),
    )
    is_public = forms.BooleanField(
        label=_("Visible to the contact"),
        required=False,
        help_text=_("Otherwise it is added as an internal note."),
    )

    def clean_number(self) -> str:
        raw = self.cleaned_data["number"].strip().upper()
        candidates = [raw]
        if raw.isdigit():
            candidates = [f"{prefix}-{int(raw):06d}" for prefix in NUMBER_PREFIX.values()]
        incident = (
            Incident.objects.select_related("organisation").filter(number__in=candidates).first()
        )
        if incident is None:
            raise forms.ValidationError(_("There is no ticket %(number)s."), params={"number": raw})
        self.incident = incident
        return incident.number


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)
