"""The problem page's lifecycle buttons (servicedesk.actions.RecordAction): each says the
transition that shows it, its label and look, its form, and `run`, which calls the
action's service with the form's cleaned data, argument by argument. The view
(views/actions.py) shows the form and calls `run`; the service runs the transition."""

from django.contrib.auth.models import User
from django.utils.translation import gettext_lazy as _

from problems import forms as f
from problems import services
from problems.models import Problem
from servicedesk.actions import ActionSet, Data, RecordAction


class ProblemAction(RecordAction[Problem]):
    """A button on the problem page; its form and its POST are at
    .../<number>/actions/<key>/."""


class StartInvestigation(ProblemAction):
    key = "start_investigation"
    transition = "start_investigation"
    label = _("Start investigation")
    form_class = f.StartInvestigationForm
    style = "primary"
    immediate = True

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_start_investigation(
            problem=problem, actor=actor, expected_version=data["version"]
        )


class RecordKnownError(ProblemAction):
    key = "record_known_error"
    transition = "record_known_error"
    label = _("Record known error")
    form_class = f.KnownErrorForm
    style = "primary"

    def initial(self, problem: Problem) -> Data:
        """The findings written so far, to be completed."""
        findings = {"root_cause": problem.root_cause, "workaround": problem.workaround}
        return {**super().initial(problem), **findings}

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_record_known_error(
            problem=problem,
            root_cause=data["root_cause"],
            workaround=data["workaround"],
            actor=actor,
            expected_version=data["version"],
        )


class Resolve(ProblemAction):
    key = "resolve"
    transition = "resolve"
    label = _("Resolve")
    form_class = f.ResolveForm
    style = "success"

    def initial(self, problem: Problem) -> Data:
        return {**super().initial(problem), "permanent_fix": problem.permanent_fix}

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_resolve(
            problem=problem,
            permanent_fix=data["permanent_fix"],
            actor=actor,
            expected_version=data["version"],
        )


class Reopen(ProblemAction):
    key = "reopen"
    transition = "reopen"
    label = _("Reopen")
    form_class = f.ReopenForm

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_reopen(
            problem=problem, reason=data["reason"], actor=actor, expected_version=data["version"]
        )


class Close(ProblemAction):
    key = "close"
    transition = "close"
    label = _("Close")
    form_class = f.CloseForm
    style = "success"

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_close(
            problem=problem,
            override_reason=data["override_reason"],
            actor=actor,
            expected_version=data["version"],
        )


class Cancel(ProblemAction):
    key = "cancel"
    transition = "cancel"
    label = _("Cancel problem")
    form_class = f.CancelForm
    style = "danger"

    def run(self, problem: Problem, actor: User, data: Data) -> Problem:
        return services.problem_cancel(
            problem=problem, reason=data["reason"], actor=actor, expected_version=data["version"]
        )


#: Every button, in the order the problem page shows them.
ACTIONS = ActionSet[Problem](
    StartInvestigation(),
    RecordKnownError(),
    Resolve(),
    Reopen(),
    Close(),
    Cancel(),
    available=services.available_transitions,
)
