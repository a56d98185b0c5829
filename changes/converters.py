"""URL converters of the changes app."""

from servicedesk.converters import RecordNumber


class ChangeNumber(RecordNumber):
    """CHG-000123."""

    prefix = "CHG"
