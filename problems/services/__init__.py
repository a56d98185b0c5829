"""What can happen to a problem. Every change goes through here (see each module)."""

from problems.services.knowledge import problem_write_article
from problems.services.lifecycle import (
    available_transitions,
    problem_cancel,
    problem_close,
    problem_record_known_error,
    problem_reopen,
    problem_resolve,
    problem_start_investigation,
)
from problems.services.links import problem_link_incident, problem_unlink_incident
from problems.services.problems import (
    DEFINITION_FIELDS,
    problem_investigate,
    problem_open,
    problem_update,
)
from problems.services.rca import (
    cause_add,
    cause_remove,
    cause_set_confirmed,
    event_add,
    event_remove,
    why_add,
    why_remove,
    why_update,
)

__all__ = [
    "DEFINITION_FIELDS",
    "available_transitions",
    "cause_add",
    "cause_remove",
    "cause_set_confirmed",
    "event_add",
    "event_remove",
    "problem_cancel",
    "problem_close",
    "problem_investigate",
    "problem_link_incident",
    "problem_open",
    "problem_record_known_error",
    "problem_reopen",
    "problem_resolve",
    "problem_start_investigation",
    "problem_unlink_incident",
    "problem_update",
    "problem_write_article",
    "why_add",
    "why_remove",
    "why_update",
]
