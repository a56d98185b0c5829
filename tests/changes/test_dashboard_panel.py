"""The change figures on the desk manager's dashboard (changes/dashboard.py), for the
dashboard's period: how the implementations that finished in it ended, the share of
emergencies among the changes submitted in it, and the changes followed by an incident."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine

from changes import dashboard
from changes.models import ChangeType, Status
from incidents.dashboard.period import period_of
from tests.changes.factories import ChangeFactory, window
from tests.factories import ContactFactory, ServiceFactory
from tests.problems.bulk import incident, save

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
HOUR = timedelta(hours=1)
NOVEMBER = period_of(date(2026, 11, 1), date(2026, 11, 20))


def at(moment):
    return time_machine.travel(moment, tick=False)


def figures() -> dict:
    with at(NOW):
        return {figure.key: figure for figure in dashboard.panel_figures(NOVEMBER).figures}


def carried_out(moment, status=Status.IMPLEMENTED, **kwargs):
    with at(moment):
        return ChangeFactory(status=status, **window(starts_in=-HOUR), **kwargs)


def test_how_the_periods_implementations_ended(settings):
    settings.CHANGE_INCIDENT_HOURS = 48
    mail = ServiceFactory(name="Mail")
    carried_out(NOW - 2 * DAY, services=[mail])
    carried_out(NOW - 3 * DAY)
    carried_out(NOW - 4 * DAY)
    carried_out(NOW - 5 * DAY, status=Status.FAILED)
    carried_out(NOW - 40 * DAY, status=Status.FAILED)  # October: not this period
    save([incident("After", NOW - DAY, contact=ContactFactory(), service=mail)])

    shown = figures()
    assert (shown["implemented"].value, shown["failed"].value) == (3, 1)
    assert shown["rolled_back"].value == 0
    assert shown["success_rate"].value == 75.0
    assert shown["followed_by_incident"].value == 25.0


def test_the_share_of_emergencies_among_the_changes_submitted():
    for n, kind in enumerate([ChangeType.EMERGENCY, ChangeType.NORMAL, ChangeType.NORMAL]):
        with at(NOW - (n + 1) * DAY):
            ChangeFactory(status=Status.SUBMITTED, change_type=kind)
    with at(NOW - 50 * DAY):
        ChangeFactory(status=Status.SUBMITTED, change_type=ChangeType.EMERGENCY)

    share = figures()["emergency_share"]
    assert share.value == pytest.approx(100 / 3)
    assert "1 of 3" in str(share.detail)


def test_no_changes_is_no_rate():
    shown = figures()
    assert shown["success_rate"].value is None and shown["emergency_share"].value is None
