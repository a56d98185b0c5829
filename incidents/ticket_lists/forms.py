"""Saving the list's filter as a view."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import SupportGroup


class SaveViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    shared_with = forms.ModelChoiceField(
        label=_("Share with"),
        queryset=SupportGroup.objects.none(),
        required=False,
        empty_label=_("Only me"),
        help_text=_("Members of the group see the view in their list too."),
    )
    query = forms.CharField(widget=forms.HiddenInput, required=False, max_length=2000)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["shared_with"].queryset = SupportGroup.objects.filter(  # type: ignore[attr-defined]
            members=user
        ).order_by("line", "name")
