"""The ticket list's bulk actions (servicedesk.bulk): each calls the same service as the
single action on the ticket page, one ticket at a time."""

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from incidents import services
from incidents.forms import TicketNumberField
from incidents.models import ClosureCode, Incident
from servicedesk.bulk import BulkAction, BulkList, register_bulk_action, register_bulk_list
from servicedesk.models import Impact, SupportGroup, Urgency
from servicedesk.people import display_name
from servicedesk.roles import is_agent

TICKETS = "tickets"


def _groups() -> Any:
    return SupportGroup.objects.order_by("line", "name")


class PersonField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return display_name(obj)


class AssignForm(forms.Form):
    group = forms.ModelChoiceField(label=_("Group"), queryset=_groups())
    assignee = PersonField(
        label=_("Assignee"),
        queryset=get_user_model().objects.filter(support_groups__isnull=False).distinct(),
        required=False,
        help_text=_("Optional; a member of the group."),
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Needed for tickets that already have a group."),
    )


class EscalateForm(forms.Form):
    to_group = forms.ModelChoiceField(label=_("To group"), queryset=_groups())
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class PriorityForm(forms.Form):
    urgency = forms.TypedChoiceField(label=_("Urgency"), choices=Urgency.choices, coerce=int)
    impact = forms.TypedChoiceField(label=_("Impact"), choices=Impact.choices, coerce=int)
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The priority follows from urgency and impact (the priority matrix)."),
    )


class MajorForm(forms.Form):
    major = TicketNumberField(
        label=_("Major incident number"),
        rows=Incident.objects.filter(is_major=True),
        error_messages={"unknown": _("%(number)s is not a major incident.")},
    )


class DuplicateForm(forms.Form):
    original = TicketNumberField(label=_("Original ticket"))
    reason = forms.CharField(
        label=_("Explanation for the contacts"), widget=forms.Textarea(attrs={"rows": 2})
    )


class _AgentAction(BulkAction):
    def may(self, user: Any) -> bool:
        return is_agent(user)


class Assign(_AgentAction):
    key = "assign"
    label = _("Assign")
    form_class = AssignForm

    def apply(self, record: Incident, actor: Any, data: dict[str, Any]) -> None:
        services.incident_assign(
            incident=record,
            group=data["group"],
            assignee=data["assignee"],
            reason=data["reason"],
            actor=actor,
        )


class Escalate(_AgentAction):
    key = "escalate"
    label = _("Escalate")
    form_class = EscalateForm

    def apply(self, record: Incident, actor: Any, data: dict[str, Any]) -> None:
        services.incident_escalate(
            incident=record, to_group=data["to_group"], reason=data["reason"], actor=actor
        )


class ChangePriority(_AgentAction):
    key = "priority"
    label = _("Change priority")
    form_class = PriorityForm

    def apply(self, record: Incident, actor: Any, data: dict[str, Any]) -> None:
        services.incident_classify(
            incident=record,
            actor=actor,
            reason=data["reason"],
            urgency=data["urgency"],
            impact=data["impact"],
        )


class LinkToMajor(_AgentAction):
    key = "major"
    label = _("Link to a major incident")
    form_class = MajorForm

    def apply(self, record: Incident, actor: Any, data: dict[str, Any]) -> None:
        services.incident_link_child(parent=data["major"], child=record, actor=actor)


class CompleteAsDuplicate(_AgentAction):
    key = "duplicate"
    label = _("Complete as duplicate")
    form_class = DuplicateForm

    def apply(self, record: Incident, actor: Any, data: dict[str, Any]) -> None:
        services.incident_complete_as_invalid(
            incident=record,
            closure_code=ClosureCode.DUPLICATE,
            duplicate_of=data["original"],
            reason=data["reason"],
            actor=actor,
        )


def _ticket_url(ticket: Incident) -> str:
    return reverse("incidents:detail", args=[ticket.number])


def register() -> None:
    register_bulk_list(
        BulkList(
            TICKETS,
            rows=Incident.objects.all,
            label=lambda ticket: ticket.number,
            url=_ticket_url,
        )
    )
    for action in (
        Assign(),
        Escalate(),
        ChangePriority(),
        LinkToMajor(),
        CompleteAsDuplicate(),
    ):
        register_bulk_action(TICKETS, action)
