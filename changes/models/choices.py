"""The vocabularies of change management: states, types, risk."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ASSESSMENT = "assessment", _("Assessment")
    CAB_REVIEW = "cab_review", _("CAB review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SCHEDULED = "scheduled", _("Scheduled")
    IMPLEMENTING = "implementing", _("Implementing")
    IMPLEMENTED = "implemented", _("Implemented")
    FAILED = "failed", _("Failed")
    ROLLED_BACK = "rolled_back", _("Rolled back")
    REVIEW = "review", _("Review")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


#: Cancellable: nothing has been done to a system yet.
EARLY_STATUSES = (
    Status.DRAFT,
    Status.SUBMITTED,
    Status.ASSESSMENT,
    Status.CAB_REVIEW,
    Status.APPROVED,
    Status.SCHEDULED,
)
#: The change is in the pipeline: its window is planned and may clash with another's.
PLANNED_STATUSES = (
    Status.SUBMITTED,
    Status.ASSESSMENT,
    Status.CAB_REVIEW,
    Status.APPROVED,
    Status.SCHEDULED,
    Status.IMPLEMENTING,
)
#: Something was done to a system (or tried): incidents after it may be its consequence.
CARRIED_OUT_STATUSES = (
    Status.IMPLEMENTING,
    Status.IMPLEMENTED,
    Status.FAILED,
    Status.ROLLED_BACK,
    Status.REVIEW,
    Status.CLOSED,
)
#: How an implementation ended.
OUTCOME_STATUSES = (Status.IMPLEMENTED, Status.FAILED, Status.ROLLED_BACK)
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED, Status.REJECTED)


class ChangeType(models.TextChoices):
    STANDARD = "standard", _("Standard")
    NORMAL = "normal", _("Normal")
    EMERGENCY = "emergency", _("Emergency")


class Level(models.TextChoices):
    """An answer of the risk questionnaire (impact, likelihood)."""

    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Risk(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")


class Outcome(models.TextChoices):
    """How the change went, as the review records it."""

    SUCCESSFUL = "successful", _("Successful")
    SUCCESSFUL_WITH_ISSUES = "with_issues", _("Successful with issues")
    UNSUCCESSFUL = "unsuccessful", _("Unsuccessful")


_POINTS = {Level.LOW: 1, Level.MEDIUM: 2, Level.HIGH: 3}


def assess_risk(*, impact: str, likelihood: str, tested: bool, backout_tested: bool) -> Risk:
    """The questionnaire's answer: impact and likelihood count 1–3 points each, an untested
    change and an untested back-out one more each. 2–3 points low, 4–5 medium, 6–8 high."""
    points = _POINTS[Level(impact)] + _POINTS[Level(likelihood)]
    points += (0 if tested else 1) + (0 if backout_tested else 1)
    if points <= 3:
        return Risk.LOW
    if points <= 5:
        return Risk.MEDIUM
    return Risk.HIGH
