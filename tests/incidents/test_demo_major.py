"""The demo's resolved major incident lies last month, on a weekday morning, after the
demo's customers and SLAs were set up (tests/servicedesk/test_seed_demo.py checks the
seeded data itself)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from incidents.demo_major import last_month_morning

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize("days", range(0, 366, 5))
def test_last_months_outage_starts_on_a_weekday_morning_of_the_month_before(days):
    now = datetime(2026, 1, 1, 12, 0, tzinfo=BERLIN) + timedelta(days=days)
    start = last_month_morning(now)
    before = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    assert (start.year, start.month) == (before.year, before.month)
    assert start.weekday() < 5 and (start.hour, start.minute) == (9, 40)
    assert now - start < timedelta(days=42)  # the demo's set-up is 42 days back
