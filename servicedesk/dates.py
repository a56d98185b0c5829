"""Dates on list rows, formatted as the `|date` filter formats them, for a fraction of
its cost.

`{{ value|date:"d M H:i" }}` converts the value to the current time zone, looks the
format up, builds a DateFormat and, for a month or weekday name, a translation lookup:
about 50 µs a value, 10 ms on a queue page of 50 rows with four dates each. A
`LocalDates` is made once per request: it holds the current time zone and the active
language's month and weekday names, and compiles each format once; a value then costs a
conversion and a string join. The output is exactly the filter's (the tests compare
them); format characters other than those in FAST fall back to Django's formatter.
"""

import re
from collections.abc import Callable
from datetime import datetime
from functools import lru_cache

from django.utils import dateformat, timezone
from django.utils.dates import MONTHS_3, WEEKDAYS_ABBR

#: The format characters LocalDates writes itself (as django.utils.dateformat does).
FAST = set("cdDHijMYy")
_PIECES = re.compile(r"(?<!\\)([aAbcdDeEfFgGhHiIjlLmMnNoOPrsStTUuwWyYzZ])")
_ESCAPED = re.compile(r"\\(.)")

type Part = str | Callable[[datetime], str]


class LocalDates:
    """Formats aware datetimes in the current time zone and language: make one per
    request (or per list), after the language and time zone are activated."""

    def __init__(self) -> None:
        self.zone = timezone.get_current_timezone()
        months = [str(MONTHS_3[n]).title() for n in range(1, 13)]
        weekdays = [str(WEEKDAYS_ABBR[n]) for n in range(7)]
        self._writers: dict[str, Callable[[datetime], str]] = {
            "c": datetime.isoformat,
            "d": lambda value: f"{value.day:02d}",
            "D": lambda value: weekdays[value.weekday()],
            "H": lambda value: f"{value.hour:02d}",
            "i": lambda value: f"{value.minute:02d}",
            "j": lambda value: str(value.day),
            "M": lambda value: months[value.month - 1],
            "Y": lambda value: f"{value.year:04d}",
            "y": lambda value: f"{value.year % 100:02d}",
        }
        self._compiled: dict[str, Callable[[datetime], str]] = {}

    def format(self, value: datetime | None, format_string: str) -> str:
        """`value|date:format_string` ("" for None)."""
        if value is None:
            return ""
        writer = self._compiled.get(format_string)
        if writer is None:
            writer = self._compiled[format_string] = self._compile(format_string)
        if value.utcoffset() is not None:  # aware: shown in local time, as templates do
            value = value.astimezone(self.zone)
        return writer(value)

    def _compile(self, format_string: str) -> Callable[[datetime], str]:
        pieces = _pieces(format_string)
        if any(n % 2 and piece not in FAST for n, piece in enumerate(pieces)):
            return lambda value: dateformat.format(value, format_string)
        parts: list[Part] = [
            self._writers[piece] if n % 2 else _ESCAPED.sub(r"\1", piece)
            for n, piece in enumerate(pieces)
            if piece
        ]
        return lambda value: "".join(
            part if isinstance(part, str) else part(value) for part in parts
        )


@lru_cache(maxsize=64)
def _pieces(format_string: str) -> list[str]:
    """Literal text and format characters, alternately (as dateformat splits them)."""
    return _PIECES.split(format_string)
