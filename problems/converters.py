"""URL converters of the problems app."""

from servicedesk.converters import RecordNumber


class ProblemNumber(RecordNumber):
    """PRB-000123."""

    prefix = "PRB"
