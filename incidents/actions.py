"""The ticket page's action buttons: each pairs a transition with the form that asks
for what the transition needs and the service that performs it."""

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
    form: type[forms.Form]
    run: Callable[..., Incident]
    style: str = ""
    #: Actions with no input run straight from the button.
    immediate: bool = False


def _assign(incident, actor, data):
    return services.incident_assign(
        incident=incident,
        actor=actor,
        group=data["group"],
        assignee=data["assignee"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _escalate(incident, actor, data):
    return services.incident_escalate(
        incident=incident,
        actor=actor,
        to_group=data["to_group"],
        assignee=data["assignee"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _start(incident, actor, data):
    return services.incident_start_work(
        incident=incident, actor=actor, expected_version=data["version"]
    )


def _request_information(incident, actor, data):
    return services.incident_request_information(
        incident=incident, actor=actor, comment=data["comment"], expected_version=data["version"]
    )


def _engage(incident, actor, data):
    return services.incident_engage_third_party(
        incident=incident,
        actor=actor,
        third_party=data["third_party"],
        comment=data["comment"],
        expected_version=data["version"],
    )


def _resume(incident, actor, data):
    return services.incident_resume(
        incident=incident, actor=actor, comment=data["comment"], expected_version=data["version"]
    )


def _complete(incident, actor, data):
    return services.incident_complete(
        incident=incident,
        actor=actor,
        closure_code=data["closure_code"],
        resolution=data["resolution"],
        expected_version=data["version"],
    )


def _complete_invalid(incident, actor, data):
    return services.incident_complete_as_invalid(
        incident=incident,
        actor=actor,
        closure_code=data["closure_code"],
        reason=data["reason"],
        expected_version=data["version"],
    )


def _confirm(incident, actor, data):
    return services.incident_confirm(
        incident=incident, actor=actor, expected_version=data["version"]
    )


def _reject(incident, actor, data):
    return services.incident_reject_resolution(
        incident=incident, actor=actor, reason=data["reason"], expected_version=data["version"]
    )


ACTIONS: dict[str, Action] = {
    a.key: a
    for a in [
        Action(
            "start_work",
            "start_work",
            _("Start work"),
            f.StartWorkForm,
            _start,
            style="primary",
            immediate=True,
        ),
        Action("assign", "assign", _("Assign"), f.AssignForm, _assign),
        Action("escalate", "assign", _("Escalate"), f.EscalateForm, _escalate),
        Action(
            "request_information",
            "request_information",
            _("Ask the contact"),
            f.RequestInformationForm,
            _request_information,
        ),
        Action(
            "engage_third_party",
            "engage_third_party",
            _("Hand to third party"),
            f.EngageThirdPartyForm,
            _engage,
        ),
        Action("resume", "resume", _("Resume work"), f.ResumeForm, _resume, style="primary"),
        Action("complete", "complete", _("Complete"), f.CompleteForm, _complete, style="success"),
        Action(
            "complete_as_invalid",
            "complete_as_invalid",
            _("Complete as invalid"),
            f.CompleteAsInvalidForm,
            _complete_invalid,
            style="quiet",
        ),
        Action(
            "confirm",
            "confirm",
            _("Confirm resolution"),
            f.ConfirmForm,
            _confirm,
            style="success",
            immediate=True,
        ),
        Action(
            "reject_resolution",
            "reject_resolution",
            _("Reject resolution"),
            f.RejectResolutionForm,
            _reject,
            style="danger",
        ),
    ]
}


def actions_for(incident: Incident, user) -> list[Action]:
    """The buttons this user gets on this ticket, in a stable order."""
    allowed = set(services.available_transitions(incident, user))
    return [a for a in ACTIONS.values() if a.transition in allowed]
