from problems.models.links import ProblemIncident
from problems.models.problems import (
    FINAL_STATUSES,
    KNOWN_ERROR_STATUSES,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    Problem,
    ProblemSequence,
    Status,
)
from problems.models.rca import Cause, FishboneCategory, TimelineEvent, Why

__all__ = [
    "FINAL_STATUSES",
    "KNOWN_ERROR_STATUSES",
    "NUMBER_PREFIX",
    "OPEN_STATUSES",
    "Cause",
    "FishboneCategory",
    "Problem",
    "ProblemIncident",
    "ProblemSequence",
    "Status",
    "TimelineEvent",
    "Why",
]
