"""Choosing a report (organisation and month) and whom to send it to."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.models import Contact, Organisation


class ReportChoiceForm(forms.Form):
    """The month the list of organisations links to, and a word to find organisations by
    (name or contract number); an organisation's contract number given with the month
    opens that report (a link or a bookmark can hold both)."""

    month = forms.DateField(
        label=_("Month"),
        input_formats=["%Y-%m"],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        help_text=_("Year and month, e.g. 2026-10."),
    )
    q = forms.CharField(
        label=_("Organisation"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
        help_text=_("Part of its name or contract number (empty: every organisation)."),
    )
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.filter(is_active=True),
        to_field_name="contract_number",
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, today: date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today

    def clean_month(self) -> date:
        month: date = self.cleaned_data["month"].replace(day=1)
        if month > self.today:
            raise forms.ValidationError(
                _("This month has not begun yet: choose this month or an earlier one."),
                code="future",
            )
        return month


class ContactChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Contact) -> str:
        return f"{obj.name} <{obj.email}> · {obj.get_language_display()}"


class SendReportForm(forms.Form):
    recipients = ContactChoiceField(
        label=_("Send to"),
        queryset=Contact.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each gets the report in their own language."),
        error_messages={"required": _("Choose at least one contact.")},
    )

    def __init__(self, *args: Any, organisation: Organisation, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        contacts = (
            Contact.objects.filter(organisation=organisation, is_active=True)
            .exclude(email="")
            .order_by("name")
        )
        field: forms.ModelMultipleChoiceField = self.fields["recipients"]  # type: ignore[assignment]
        field.queryset = contacts
        if not self.is_bound:
            self.initial["recipients"] = [c.pk for c in contacts if c.is_authorised]
