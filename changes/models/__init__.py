from changes.models.approvals import Approval, ApprovalPolicy, Decision, Rule, outcome
from changes.models.changes import NUMBER_PREFIX, ChangeRequest, ChangeSequence
from changes.models.choices import (
    CARRIED_OUT_STATUSES,
    EARLY_STATUSES,
    FINAL_STATUSES,
    OUTCOME_STATUSES,
    PLANNED_STATUSES,
    ChangeType,
    Level,
    Outcome,
    Risk,
    Status,
    assess_risk,
)
from changes.models.planning import BlackoutPeriod, StandardChangeTemplate

__all__ = [
    "CARRIED_OUT_STATUSES",
    "EARLY_STATUSES",
    "FINAL_STATUSES",
    "NUMBER_PREFIX",
    "OUTCOME_STATUSES",
    "PLANNED_STATUSES",
    "Approval",
    "ApprovalPolicy",
    "BlackoutPeriod",
    "ChangeRequest",
    "ChangeSequence",
    "ChangeType",
    "Decision",
    "Level",
    "Outcome",
    "Risk",
    "Rule",
    "StandardChangeTemplate",
    "Status",
    "assess_risk",
    "outcome",
]
