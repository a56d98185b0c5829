"""The staff member's mail settings for notifications."""

from typing import cast

from django import forms
from django.utils.translation import gettext_lazy

from servicedesk.notification_events import staff_event_kinds


class PreferenceForm(forms.Form):
    mail_enabled = forms.BooleanField(label=gettext_lazy("Send me mail"), required=False)
    muted_events = forms.MultipleChoiceField(
        label=gettext_lazy("No mail about"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=gettext_lazy("In-app notifications always arrive; these only stop the mail."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        cast(forms.MultipleChoiceField, self.fields["muted_events"]).choices = [
            (kind.key, kind.label) for kind in staff_event_kinds()
        ]
