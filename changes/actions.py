"""The change page's lifecycle buttons (servicedesk.actions.RecordAction): each says the
transition that shows it, its label and look, its form, and `run`, which calls the step's
service with the form's cleaned data. The view (views/actions.py) shows the form and
calls `run`; the service runs the transition. Approval and rejection have no button: the
CAB's decisions settle them (views/approvals.py)."""

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from changes import forms as f
from changes import rules, services
from changes.models import ChangeRequest
from servicedesk.actions import ActionSet, Data, RecordAction


class ChangeAction(RecordAction[ChangeRequest]):
    """A button on the change page; its form and its POST are at
    .../<number>/actions/<key>/."""

    def immediate_for(self, change: ChangeRequest) -> bool:
        """Whether the button runs the step straight away on this change (no form)."""
        return self.immediate


class Submit(ChangeAction):
    """Both submissions: a standard change from its template is approved at once
    (change_submit picks the transition)."""

    key = "submit"
    transition = "submit"
    label = _("Submit")
    form_class = f.StepForm
    style = "primary"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_submit(change=change, actor=actor, expected_version=data["version"])


class StartAssessment(ChangeAction):
    key = "start_assessment"
    transition = "start_assessment"
    label = _("Start assessment")
    form_class = f.StepForm
    style = "primary"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_start_assessment(
            change=change, actor=actor, expected_version=data["version"]
        )


class SendToCab(ChangeAction):
    key = "send_to_cab"
    transition = "send_to_cab"
    label = _("Send to the CAB")
    form_class = f.StepForm
    style = "primary"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_send_to_cab(
            change=change, actor=actor, expected_version=data["version"]
        )


class Revise(ChangeAction):
    key = "revise"
    transition = "revise"
    label = _("Revise")
    form_class = f.ReviseForm

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_revise(
            change=change, actor=actor, reason=data["reason"], expected_version=data["version"]
        )


class Schedule(ChangeAction):
    key = "schedule"
    transition = "schedule"
    label = _("Schedule")
    form_class = f.StepForm
    style = "primary"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_schedule(
            change=change, actor=actor, expected_version=data["version"]
        )


class StartImplementation(ChangeAction):
    """One click inside the approved window; outside it the change manager says why."""

    key = "start_implementation"
    transition = "start_implementation"
    label = _("Start implementation")
    form_class = f.StartImplementationForm
    style = "primary"

    def immediate_for(self, change: ChangeRequest) -> bool:
        return change.is_within_window()

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_start_implementation(
            change=change,
            actor=actor,
            override_reason=data.get("override_reason", ""),
            expected_version=data["version"],
        )


class Complete(ChangeAction):
    key = "complete"
    transition = "complete"
    label = _("Implemented")
    form_class = f.StepForm
    style = "success"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_complete(
            change=change, actor=actor, expected_version=data["version"]
        )


class Fail(ChangeAction):
    key = "fail"
    transition = "fail"
    label = _("Failed")
    form_class = f.ReportForm
    style = "danger"

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_fail(
            change=change,
            actor=actor,
            report=data["failure_report"],
            expected_version=data["version"],
        )


class RollBack(ChangeAction):
    key = "roll_back"
    transition = "roll_back"
    label = _("Rolled back")
    form_class = f.ReportForm

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_roll_back(
            change=change,
            actor=actor,
            report=data["failure_report"],
            expected_version=data["version"],
        )


class StartReview(ChangeAction):
    key = "start_review"
    transition = "start_review"
    label = _("Start review")
    form_class = f.StepForm
    style = "primary"
    immediate = True

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_start_review(
            change=change, actor=actor, expected_version=data["version"]
        )


class Close(ChangeAction):
    key = "close"
    transition = "close"
    label = _("Close")
    form_class = f.CloseForm
    style = "success"

    def initial(self, change: ChangeRequest) -> Data:
        """The review written so far, to be completed."""
        review = {"review": change.review, "outcome": change.review_outcome}
        return {**super().initial(change), **review}

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_close(
            change=change,
            actor=actor,
            review=data["review"],
            outcome=data["outcome"],
            expected_version=data["version"],
        )


class Cancel(ChangeAction):
    key = "cancel"
    transition = "cancel"
    label = _("Cancel change")
    form_class = f.CancelForm
    style = "danger"

    def run(self, change: ChangeRequest, actor: User, data: Data) -> ChangeRequest:
        return services.change_cancel(
            change=change, actor=actor, reason=data["reason"], expected_version=data["version"]
        )


def available(change: ChangeRequest, user: User) -> list[str]:
    """The transitions behind the buttons this user gets: one "submit" for both kinds of
    submission; "send to the CAB" once the change may skip (or has had) its assessment;
    no start outside the approved window except for the change manager (who says why;
    changes.services.change_start_implementation)."""
    names = [n for n in services.available_transitions(change, user) if n != "submit_standard"]
    if "send_to_cab" in names and not change.may_skip_assessment():
        names.remove("send_to_cab")  # a normal change is assessed first
    outside = not change.is_within_window()
    if "start_implementation" in names and outside and not rules.is_change_manager(user):
        names.remove("start_implementation")
    return names


#: Every button, in the order the change page shows them.
ACTIONS = ActionSet[ChangeRequest](
    Submit(),
    StartAssessment(),
    SendToCab(),
    Revise(),
    Schedule(),
    StartImplementation(),
    Complete(),
    Fail(),
    RollBack(),
    StartReview(),
    Close(),
    Cancel(),
    available=available,
)
