"""The changes' runner: the platform's Workflow described once for ChangeRequest."""

from django.utils.translation import gettext_lazy

from changes.exceptions import StaleChange
from changes.models import ChangeRequest
from changes.signals import change_status_changed
from servicedesk.workflow import Actor, Workflow, after_commit

LIFECYCLE_FIELDS = [
    "status",
    "approval_round",
    "approval_rule",
    "approval_quorum",
    "window_override_reason",
    "failure_report",
    "review",
    "review_outcome",
    "cancel_reason",
    "submitted_at",
    "decided_at",
    "scheduled_at",
    "started_at",
    "finished_at",
    "closed_at",
    "version",
    "updated_at",
]


class _ChangeWorkflow(Workflow[ChangeRequest]):
    model = ChangeRequest
    fields = LIFECYCLE_FIELDS
    stale_error = StaleChange
    not_now = gettext_lazy("This is not possible while the change is %(status)s.")
    not_allowed = gettext_lazy("You may not do this with this change.")
    input_missing = gettext_lazy("Something this step needs is missing.")

    def announce(self, record: ChangeRequest, *, source: str, actor: Actor, reason: str) -> None:
        target = record.status
        after_commit(
            record,
            lambda change: change_status_changed.send(
                sender=ChangeRequest,
                change=change,
                source=source,
                target=target,
                actor=actor,
                reason=reason,
            ),
        )


CHANGES = _ChangeWorkflow()
