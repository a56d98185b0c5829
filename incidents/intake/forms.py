"""The quarantine's forms: accept a message as a ticket, add it to a ticket, discard it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.models import NUMBER_PREFIX, Incident, Kind
from servicedesk.models import Contact, Organisation
from servicedesk.parsing import parse_int


class AcceptForm(forms.Form):
    """Accept for a contact found by search, or make the sender a new contact of an
    organisation (then the ticket and its mail are theirs)."""

    contact = forms.ModelChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(is_active=True).select_related("organisation"),
        widget=forms.HiddenInput,
        required=False,
        error_messages={"invalid_choice": _("Choose an active contact.")},
    )
    create_contact = forms.BooleanField(
        label=_("Create the sender as a new contact"),
        required=False,
        help_text=_("The ticket is then theirs, and they are told it was registered."),
    )
    new_contact_organisation = forms.ModelChoiceField(
        label=_("Organisation of the new contact"),
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
    )
    new_contact_name = forms.CharField(
        label=_("Name of the new contact"), max_length=200, required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.INCIDENT)
    title = forms.CharField(label=_("Title"), max_length=200)

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data
        if data.get("create_contact"):
            if (
                not data.get("new_contact_organisation")
                and "new_contact_organisation" not in self.errors
            ):
                self.add_error(
                    "new_contact_organisation", _("Choose the organisation the sender belongs to.")
                )
            if not (data.get("new_contact_name") or "").strip():
                self.add_error("new_contact_name", _("Enter the sender's name."))
        elif not data.get("contact") and "contact" not in self.errors:
            self.add_error("contact", _("Find and choose the contact the ticket is for."))
        return data


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
        bare = parse_int(raw)  # a number without its prefix: INC- or REQ-
        if bare is not None:
            candidates = [f"{prefix}-{bare:06d}" for prefix in NUMBER_PREFIX.values()]
        incident = (
            Incident.objects.select_related("organisation").filter(number__in=candidates).first()
        )
        if incident is None:
            raise forms.ValidationError(_("There is no ticket %(number)s."), params={"number": raw})
        self.incident = incident
        return incident.number


class DiscardForm(forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=200, required=False)
