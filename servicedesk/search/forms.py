"""The search page's form: the words, and the filters narrowing them (the kind of record,
a status of that kind, an organisation, a service, a date range)."""

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from servicedesk.forms import QuickModelChoiceField, QuickSelect
from servicedesk.models import Organisation, Service
from servicedesk.search import MAX_QUERY, SearchKind, SearchRequest

#: A status choice names its kind: "tickets:in_progress".
STATUS_SEPARATOR = ":"


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search for"),
        required=False,
        widget=forms.SearchInput(attrs={"autofocus": True, "autocomplete": "off"}),
    )
    kind = forms.ChoiceField(label=_("Look in"), required=False, widget=QuickSelect)
    status = forms.ChoiceField(label=_("Status"), required=False, widget=QuickSelect)
    organisation = QuickModelChoiceField(
        Organisation.objects.order_by("name"),
        label=_("Organisation"),
        required=False,
        empty_label=_("Any"),
    )
    service = QuickModelChoiceField(
        Service.objects.order_by("name"),
        label=_("Service"),
        required=False,
        empty_label=_("Any"),
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data: Any = None, *, kinds: list[SearchKind], portal: bool = False):
        super().__init__(data)
        self.kinds = {kind.key: kind for kind in kinds}
        cast(forms.ChoiceField, self.fields["kind"]).choices = [("", _("Everything"))] + [
            (kind.key, kind.label) for kind in kinds
        ]
        cast(forms.ChoiceField, self.fields["status"]).choices = [("", _("Any"))] + [
            (
                kind.label,
                [(f"{kind.key}{STATUS_SEPARATOR}{v}", label) for v, label in kind.statuses()],
            )
            for kind in kinds
            if kind.statuses()
        ]
        if portal:
            for name in ("status", "organisation", "service", "since", "until"):
                del self.fields[name]

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())[:MAX_QUERY]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status") or ""
        if status:
            kind, _sep, _value = status.partition(STATUS_SEPARATOR)
            if data.get("kind") and data["kind"] != kind:
                self.add_error("status", _("This status is not one of the kind chosen."))
            else:
                data["kind"] = kind
        since, until = data.get("since"), data.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end of the range is before its start."))
        return data

    def chosen_kinds(self) -> list[SearchKind]:
        key = self.cleaned_data.get("kind")
        return [self.kinds[key]] if key else list(self.kinds.values())

    def search_request(self, user: Any, *, portal: bool = False) -> SearchRequest:
        data = self.cleaned_data
        status = (data.get("status") or "").partition(STATUS_SEPARATOR)[2]
        organisation, service = data.get("organisation"), data.get("service")
        return SearchRequest(
            text=data["q"],
            user=user,
            portal=portal,
            status=status or None,
            organisation_id=organisation.pk if organisation else None,
            service_id=service.pk if service else None,
            since=data.get("since"),
            until=data.get("until"),
        )
