"""The ticket page's action buttons (servicedesk.actions.RecordAction): each says the
transition that shows it, its label and look, its form, and `run`, which calls the
action's service with the form's cleaned data, argument by argument. The view
(views/ticket.py `action`) shows the form and calls `run`; the service runs the
transition."""

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from incidents import forms as f
from incidents import services
from incidents.models import Incident
from servicedesk.actions import ActionSet, Data, RecordAction


class TicketAction(RecordAction[Incident]):
    """A button on the ticket page; its form and its POST are at .../<number>/actions/<key>/."""


class StartWork(TicketAction):
    key = "start_work"
    transition = "start_work"
    label = _("Start work")
    form_class = f.StartWorkForm
    style = "primary"
    immediate = True

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_start_work(
            incident=incident, actor=actor, expected_version=data["version"]
        )


class Assign(TicketAction):
    key = "assign"
    transition = "assign"
    label = _("Assign")
    form_class = f.AssignForm

    def initial(self, incident: Incident) -> Data:
        """Reassigning starts from the current group and assignee."""
        current = {"group": incident.support_group_id, "assignee": incident.assignee_id}
        return {**super().initial(incident), **current}

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_assign(
            incident=incident,
            group=data["group"],
            assignee=data["assignee"],
            reason=data["reason"],
            actor=actor,
            expected_version=data["version"],
        )


class Escalate(TicketAction):
    key = "escalate"
    transition = "assign"
    label = _("Escalate")
    form_class = f.EscalateForm

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_escalate(
            incident=incident,
            to_group=data["to_group"],
            assignee=data["assignee"],
            reason=data["reason"],
            actor=actor,
            expected_version=data["version"],
        )


class RequestInformation(TicketAction):
    key = "request_information"
    transition = "request_information"
    label = _("Ask the contact")
    form_class = f.RequestInformationForm

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_request_information(
            incident=incident,
            comment=data["comment"],
            actor=actor,
            expected_version=data["version"],
        )


class EngageThirdParty(TicketAction):
    key = "engage_third_party"
    transition = "engage_third_party"
    label = _("Hand to third party")
    form_class = f.EngageThirdPartyForm

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_engage_third_party(
            incident=incident,
            third_party=data["third_party"],
            comment=data["comment"],
            actor=actor,
            expected_version=data["version"],
        )


class Resume(TicketAction):
    key = "resume"
    transition = "resume"
    label = _("Resume work")
    form_class = f.ResumeForm
    style = "primary"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_resume(
            incident=incident,
            comment=data["comment"],
            actor=actor,
            expected_version=data["version"],
        )


class Complete(TicketAction):
    key = "complete"
    transition = "complete"
    label = _("Complete")
    form_class = f.CompleteForm
    style = "success"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_complete(
            incident=incident,
            closure_code=data["closure_code"],
            resolution=data["resolution"],
            resolved_with=data.get("article"),
            actor=actor,
            expected_version=data["version"],
        )


class CompleteAsInvalid(TicketAction):
    key = "complete_as_invalid"
    transition = "complete_as_invalid"
    label = _("Complete as invalid")
    form_class = f.CompleteAsInvalidForm
    style = "quiet"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_complete_as_invalid(
            incident=incident,
            closure_code=data["closure_code"],
            reason=data["reason"],
            duplicate_of=data.get("duplicate_of"),
            actor=actor,
            expected_version=data["version"],
        )


class Confirm(TicketAction):
    key = "confirm"
    transition = "confirm"
    label = _("Confirm resolution")
    form_class = f.ConfirmForm
    style = "success"
    immediate = True

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_confirm(
            incident=incident, actor=actor, expected_version=data["version"]
        )


class RejectResolution(TicketAction):
    key = "reject_resolution"
    transition = "reject_resolution"
    label = _("Reject resolution")
    form_class = f.RejectResolutionForm
    style = "danger"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_reject_resolution(
            incident=incident,
            reason=data["reason"],
            actor=actor,
            expected_version=data["version"],
        )


class ConfirmByPhone(TicketAction):
    key = "confirm_by_phone"
    transition = "confirm_on_behalf"
    label = _("Confirm for the contact (by phone)")
    form_class = f.ConfirmOnBehalfForm
    style = "success"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_confirm(
            incident=incident,
            on_behalf_of=data["on_behalf_of"],
            actor=actor,
            expected_version=data["version"],
        )


class RejectByPhone(TicketAction):
    key = "reject_by_phone"
    transition = "reject_on_behalf"
    label = _("Reject for the contact (by phone)")
    form_class = f.RejectOnBehalfForm
    style = "danger"

    def run(self, incident: Incident, actor: User, data: Data) -> Incident:
        return services.incident_reject_resolution(
            incident=incident,
            on_behalf_of=data["on_behalf_of"],
            reason=data["reason"],
            actor=actor,
            expected_version=data["version"],
        )


#: Every button, in the order the ticket page shows them.
ACTIONS = ActionSet[Incident](
    StartWork(),
    Assign(),
    Escalate(),
    RequestInformation(),
    EngageThirdParty(),
    Resume(),
    Complete(),
    CompleteAsInvalid(),
    Confirm(),
    RejectResolution(),
    ConfirmByPhone(),
    RejectByPhone(),
    available=services.available_transitions,
)
