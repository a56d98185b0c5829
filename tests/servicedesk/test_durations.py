"""SLA targets are stored in minutes but typed and read as hours and minutes."""

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from servicedesk.durations import (
    MinutesField,
    format_minutes,
    minutes_for_input,
    parse_minutes,
)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("4h", 240),
        ("4 h", 240),
        ("1h 30m", 90),
        ("1h30m", 90),
        ("1 h 30 min", 90),
        ("90m", 90),
        ("90 min", 90),
        ("2:30", 150),
        ("0:45", 45),
        ("45:00", 2700),
        ("  4H 30M ", 270),
        ("2 hours 5 minutes", 125),
    ],
)
def test_durations_are_read(text, minutes):
    assert parse_minutes(text) == minutes


@pytest.mark.parametrize(
    "text", ["", "   ", "90", "4 30", "h", "m", "1:75", "1:5", "4x", "-1h", "1.5h", "30m 1h"]
)
def test_what_is_not_a_duration_is_refused(text):
    with pytest.raises(ValueError):
        parse_minutes(text)


@pytest.mark.parametrize(
    ("minutes", "shown", "typed"),
    [
        (0, "0 min", "0m"),
        (15, "15 min", "15m"),
        (60, "1 h", "1h"),
        (90, "1 h 30 min", "1h 30m"),
        (2700, "45 h", "45h"),
    ],
)
def test_durations_are_shown_in_hours_and_minutes(minutes, shown, typed):
    assert format_minutes(minutes) == shown
    assert minutes_for_input(minutes) == typed


@given(st.integers(min_value=0, max_value=10**7))
def test_what_is_shown_in_the_form_reads_back_as_the_same_minutes(minutes):
    assert parse_minutes(minutes_for_input(minutes)) == minutes


@given(st.integers(min_value=0, max_value=10**5), st.integers(min_value=0, max_value=59))
def test_hours_colon_minutes_reads_back(hours, minutes):
    assert parse_minutes(f"{hours}:{minutes:02d}") == hours * 60 + minutes


class TestMinutesField:
    def test_cleans_to_minutes_and_shows_hours(self):
        field = MinutesField()
        assert field.clean("1h 30m") == 90
        assert field.prepare_value(90) == "1h 30m"

    def test_bad_input_gets_an_error_that_gives_an_example(self):
        with pytest.raises(ValidationError) as error:
            MinutesField().clean("soon")
        assert error.value.messages == ["Enter a time such as 4h 30m."]
        assert error.value.error_list[0].code == "invalid"

    def test_required_and_optional(self):
        with pytest.raises(ValidationError):
            MinutesField().clean("")
        assert MinutesField(required=False).clean("") is None

    def test_typed_text_is_kept(self):
        assert MinutesField().prepare_value("4 hrs") == "4 hrs"
