"""What can happen to a change request. Every change goes through here (see each module)."""

from changes.services.approvals import change_decide
from changes.services.changes import (
    LINK_FIELDS,
    PLAN_FIELDS,
    change_link,
    change_raise,
    change_unlink,
    change_update,
)
from changes.services.knowledge import change_write_article
from changes.services.lifecycle import (
    available_transitions,
    change_cancel,
    change_close,
    change_complete,
    change_fail,
    change_revise,
    change_roll_back,
    change_schedule,
    change_send_to_cab,
    change_start_assessment,
    change_start_implementation,
    change_start_review,
    change_submit,
)

__all__ = [
    "LINK_FIELDS",
    "PLAN_FIELDS",
    "available_transitions",
    "change_cancel",
    "change_close",
    "change_complete",
    "change_decide",
    "change_fail",
    "change_link",
    "change_raise",
    "change_revise",
    "change_roll_back",
    "change_schedule",
    "change_send_to_cab",
    "change_start_assessment",
    "change_start_implementation",
    "change_start_review",
    "change_submit",
    "change_unlink",
    "change_update",
    "change_write_article",
]
