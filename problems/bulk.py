"""The ticket list's bulk action of the problems app: link the chosen incidents to a
problem, through the same service as the ticket page's problem panel."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from problems import rules, services
from problems.models import Problem
from servicedesk.bulk import BulkAction, register_bulk_action

#: incidents.bulk_actions.TICKETS: the list's name, not an import of the incidents app.
TICKETS = "tickets"


class ProblemForm(forms.Form):
    problem = forms.CharField(label=_("Problem number"), max_length=20)

    def clean_problem(self) -> Problem:
        number = self.cleaned_data["problem"].strip().upper()
        problem = Problem.objects.filter(number=number).first()
        if problem is None:
            raise forms.ValidationError(
                _("There is no problem %(number)s.") % {"number": number}, code="unknown"
            )
        return problem


class LinkToProblem(BulkAction):
    key = "problem"
    label = _("Link to a problem")
    form_class = ProblemForm

    def may(self, user: Any) -> bool:
        return rules.may_link_incident(user)

    def apply(self, record: Any, actor: Any, data: dict[str, Any]) -> None:
        services.problem_link_incident(problem=data["problem"], incident=record, actor=actor)


def register() -> None:
    register_bulk_action(TICKETS, LinkToProblem())
