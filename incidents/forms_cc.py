"""The ticket page's CC form: choose another contact of the ticket's organisation."""

from django import forms
from django.utils.translation import gettext_lazy as _

from incidents.cc import cc_candidates
from incidents.models import Incident


class CcForm(forms.Form):
    contact = forms.ModelChoiceField(
        label=_("Copy another contact"),
        queryset=None,
        empty_label=_("Choose a contact"),
        help_text=_("They get the mails about this ticket too: replies and status changes."),
    )

    def __init__(self, *args, incident: Incident, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contact"].queryset = cc_candidates(incident)
        self.fields["contact"].label_from_instance = lambda c: f"{c.name} <{c.email}>"
