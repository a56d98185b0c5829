"""The problems' runner: the platform's Workflow described once for Problem."""

from django.utils.translation import gettext_lazy

from problems.exceptions import StaleProblem
from problems.models import Problem
from problems.signals import problem_status_changed
from servicedesk.workflow import Actor, Workflow, after_commit

LIFECYCLE_FIELDS = [
    "status",
    "investigation_started_at",
    "known_error_at",
    "root_cause_at",
    "resolved_at",
    "closed_at",
    "root_cause",
    "workaround",
    "permanent_fix",
    "close_override_reason",
    "version",
    "updated_at",
]


class _ProblemWorkflow(Workflow[Problem]):
    model = Problem
    fields = LIFECYCLE_FIELDS
    stale_error = StaleProblem
    not_now = gettext_lazy("This is not possible while the problem is %(status)s.")
    not_allowed = gettext_lazy("Only a problem manager may do this.")
    input_missing = gettext_lazy("Something this step needs is missing.")

    def announce(self, record: Problem, *, source: str, actor: Actor, reason: str) -> None:
        target = record.status
        after_commit(
            record,
            lambda problem: problem_status_changed.send(
                sender=Problem,
                problem=problem,
                source=source,
                target=target,
                actor=actor,
                reason=reason,
            ),
        )


PROBLEMS = _ProblemWorkflow()
