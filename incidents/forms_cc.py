"""The ticket page's CC form: choose another contact of the ticket's organisation."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.cc import cc_candidates
from incidents.models import Incident
from servicedesk.forms import QuickModelChoiceField
from servicedesk.models import Contact


class ContactChoiceField(QuickModelChoiceField):
    """The organisation's contacts: one plain query, drawn without a template per option
    (the CC box is on every view of an open ticket for agents)."""

    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} <{obj.email}>"


class CcForm(forms.Form):
    contact = ContactChoiceField(
        label=_("Copy another contact"),
        queryset=Contact.objects.none(),  # the ticket's candidates, set in __init__
        empty_label=_("Choose a contact"),
        help_text=_("They get the mails about this ticket too: replies and status changes."),
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.ModelChoiceField, self.fields["contact"])
        field.queryset = cc_candidates(incident)
