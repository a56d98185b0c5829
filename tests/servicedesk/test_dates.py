"""servicedesk.dates.LocalDates writes exactly what the |date filter writes."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from servicedesk.dates import LocalDates

FORMATS = [
    "c",
    "d M H:i",
    "D d M H:i",
    "d M Y",
    "d M Y H:i",
    "j M Y",
    "y-m-d",
    r"\d\a\y j",
    "N j, Y",
]
#: Every month and weekday, both sides of the DST changes, microseconds and none.
VALUES = [
    datetime(2026, 1, 1, tzinfo=UTC) + timedelta(days=n * 11, hours=n % 24, minutes=n * 7 % 60)
    for n in range(40)
] + [
    datetime(2026, 3, 29, 0, 59, 59, 123456, tzinfo=UTC),
    datetime(2026, 3, 29, 1, 0, 0, tzinfo=UTC),
    datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
    datetime(2026, 10, 25, 1, 30, tzinfo=UTC),
    datetime(1999, 12, 31, 23, 59, tzinfo=UTC),
]


def _filter(value, format_string: str) -> str:
    return Template("{{ value|date:format }}").render(
        Context({"value": value, "format": format_string}, autoescape=False)
    )


@pytest.mark.parametrize("language", ["en", "de", "fr", "ru"])
@pytest.mark.parametrize("zone", ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata"])
def test_local_dates_write_what_the_date_filter_writes(language, zone):
    with translation.override(language), timezone.override(ZoneInfo(zone)):
        dates = LocalDates()
        for format_string in FORMATS:
            for value in VALUES:
                assert dates.format(value, format_string) == _filter(value, format_string), (
                    format_string,
                    value,
                )


def test_none_is_empty_and_naive_values_are_not_converted():
    dates = LocalDates()
    assert dates.format(None, "d M") == ""
    naive = datetime(2026, 5, 4, 3, 2)
    assert dates.format(naive, "d M H:i") == _filter(naive, "d M H:i") == "04 May 03:02"
