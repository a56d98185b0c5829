"""Durations typed and read as hours and minutes, stored as whole minutes.

SLA targets are kept in (business) minutes; admins type "4h", "1h 30m", "90m" or "2:30"
(hours:minutes) and read "4 h 30 min". A bare number is refused: "4" could mean hours or
minutes.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

_UNITS = re.compile(
    r"""^(?:(?P<hours>\d+)\s*h(?:ours?|rs?)?)?
    \s*(?:(?P<minutes>\d+)\s*m(?:in(?:utes?|s)?)?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
_CLOCK = re.compile(r"^(?P<hours>\d+):(?P<minutes>[0-5]\d)$")


def parse_minutes(text: str) -> int:
    """Whole minutes in `text`; ValueError when it is not a duration."""
    text = text.strip()
    match = _CLOCK.match(text) or _UNITS.match(text)
    if not text or match is None or not any(match.groups()):
        raise ValueError(f"Not a duration: {text!r}")
    return int(match["hours"] or 0) * 60 + int(match["minutes"] or 0)


def minutes_for_input(minutes: int) -> str:
    """The form's text for `minutes`, which parse_minutes reads back: "1h 30m"."""
    hours, rest = divmod(minutes, 60)
    if hours and rest:
        return f"{hours}h {rest}m"
    return f"{hours}h" if hours else f"{rest}m"


def format_minutes(minutes: int) -> str:
    """`minutes` for reading: "4 h 30 min", "4 h", "30 min"."""
    hours, rest = divmod(minutes, 60)
    # The same messages as incidents.sla.span, so their translations apply.
    if hours and rest:
        return gettext("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return gettext("%(h)d h") % {"h": hours}
    return gettext("%(m)d min") % {"m": rest}


class MinutesField(forms.Field):
    """A text box for a duration in hours and minutes; cleans to whole minutes."""

    default_error_messages = {"invalid": _("Enter a time such as 4h 30m.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 10}))
        kwargs.setdefault("help_text", _('e.g. "4h", "1h 30m", "90m" or "2:30"'))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        if isinstance(value, int):
            return value
        try:
            return parse_minutes(str(value))
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool):
            return minutes_for_input(value)
        return value
