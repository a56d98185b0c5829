"""The ticket page's action buttons: each pairs a transition with the form that asks
for what the transition needs and the service that performs it. A form's fields are
named after the service's keyword arguments, so one runner serves every action."""

from collections.abc import Callable
from dataclasses import dataclass

from django import forms
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents import forms as f
from incidents import services
from incidents.models import Incident


@dataclass(frozen=True)
class Action:
    key: str
    transition: str
    label: str | Promise
    form: Callable[..., forms.Form]  # a form class that also takes incident=
    service: Callable[..., Incident]
    style: str = ""
    #: Actions with no input run straight from the button.
    immediate: bool = False

    def run(self, incident: Incident, actor, data: dict) -> Incident:
        """Call the service with the form's cleaned data (the version guards staleness)."""
        fields = {name: value for name, value in data.items() if name != "version"}
        return self.service(
            incident=incident, actor=actor, expected_version=data["version"], **fields
        )


ACTIONS: dict[str, Action] = {
    a.key: a
    for a in [
        Action(
            "start_work",
            "start_work",
            _("Start work"),
            f.StartWorkForm,
            services.incident_start_work,
            style="primary",
            immediate=True,
        ),
        Action("assign", "assign", _("Assign"), f.AssignForm, services.incident_assign),
        Action("escalate", "assign", _("Escalate"), f.EscalateForm, services.incident_escalate),
        Action(
            "request_information",
            "request_information",
            _("Ask the contact"),
            f.RequestInformationForm,
            services.incident_request_information,
        ),
        Action(
            "engage_third_party",
            "engage_third_party",
            _("Hand to third party"),
            f.EngageThirdPartyForm,
            services.incident_engage_third_party,
        ),
        Action(
            "resume",
            "resume",
            _("Resume work"),
            f.ResumeForm,
            services.incident_resume,
            style="primary",
        ),
        Action(
            "complete",
            "complete",
            _("Complete"),
            f.CompleteForm,
            services.incident_complete,
            style="success",
        ),
        Action(
            "complete_as_invalid",
            "complete_as_invalid",
            _("Complete as invalid"),
            f.CompleteAsInvalidForm,
            services.incident_complete_as_invalid,
            style="quiet",
        ),
        Action(
            "confirm",
            "confirm",
            _("Confirm resolution"),
            f.ConfirmForm,
            services.incident_confirm,
            style="success",
            immediate=True,
        ),
        Action(
            "reject_resolution",
            "reject_resolution",
            _("Reject resolution"),
            f.RejectResolutionForm,
            services.incident_reject_resolution,
            style="danger",
        ),
        Action(
            "confirm_by_phone",
            "confirm_on_behalf",
            _("Confirm for the contact (by phone)"),
            f.ConfirmOnBehalfForm,
            services.incident_confirm,
            style="success",
        ),
        Action(
            "reject_by_phone",
            "reject_on_behalf",
            _("Reject for the contact (by phone)"),
            f.RejectOnBehalfForm,
            services.incident_reject_resolution,
            style="danger",
        ),
    ]
}


def actions_for(incident: Incident, user) -> list[Action]:
    """The buttons this user gets on this ticket, in a stable order."""
    allowed = set(services.available_transitions(incident, user))
    return [a for a in ACTIONS.values() if a.transition in allowed]
