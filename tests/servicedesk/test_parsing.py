import pytest

from servicedesk.parsing import parse_int


@pytest.mark.parametrize(("value", "expected"), [("7", 7), (" 12 ", 12), ("-3", -3), (4, 4)])
def test_a_whole_number_is_read(value, expected):
    assert parse_int(value) == expected


@pytest.mark.parametrize("value", [None, "", "abc", "1.5", "0x10", [], object()])
def test_anything_else_is_none(value):
    assert parse_int(value) is None
