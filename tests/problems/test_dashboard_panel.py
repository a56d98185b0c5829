"""The problem figures on the desk manager's dashboard (problems/dashboard.py): the open
problems by age, and the share of the period's incidents linked to a known error, for
every support group or one."""

from datetime import UTC, date, datetime, timedelta

import pytest
import time_machine
from django.urls import reverse

from incidents.dashboard.period import period_of
from problems import dashboard
from problems.models import Status
from tests.factories import ContactFactory, SupportGroupFactory
from tests.problems.bulk import incident, save
from tests.problems.factories import ProblemFactory, problem_manager_user

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)
NOVEMBER = (date(2026, 11, 1), date(2026, 11, 20))


def at(moment):
    return time_machine.travel(moment, tick=False)


def figures(group=None) -> dict:
    with at(NOW):
        result = dashboard.panel_figures(period_of(*NOVEMBER, group.pk if group else None))
    return {figure.key: figure for figure in result.figures}


def test_open_problems_by_age_of_every_group_or_one():
    manager = problem_manager_user()
    network = SupportGroupFactory(name="Network")
    for days, status, group in [
        (2, Status.NEW, network),
        (20, Status.UNDER_INVESTIGATION, None),
        (45, Status.KNOWN_ERROR, network),
        (100, Status.NEW, None),
        (400, Status.KNOWN_ERROR, None),
        (10, Status.RESOLVED, None),  # not open
        (10, Status.CANCELLED, network),  # not open
    ]:
        with at(NOW - days * DAY):
            ProblemFactory(actor=manager, status=status, support_group=group)

    shown = figures()
    assert [shown[key].value for key in ("open", "open_month", "open_quarter", "open_half")] == [
        5,
        2,
        1,
        1,
    ]
    assert shown["open_older"].value == 1
    assert shown["open"].url == reverse("problems:home")
    narrowed = figures(network)
    assert (narrowed["open"].value, narrowed["open_month"].value) == (2, 1)


def test_the_share_of_the_periods_incidents_linked_to_a_known_error():
    manager = problem_manager_user()
    contact = ContactFactory()
    desk = SupportGroupFactory(name="Desk")
    with at(NOW - DAY):
        november = save([incident(f"N{i}", NOW - i * DAY, contact=contact) for i in range(1, 9)])
        october = save([incident(f"O{i}", NOW - (30 + i) * DAY, contact=contact) for i in range(4)])
        ProblemFactory(actor=manager, status=Status.KNOWN_ERROR, incidents=november[:3])
        ProblemFactory(actor=manager, status=Status.NEW, incidents=november[3:4])
        ProblemFactory(actor=manager, status=Status.CLOSED, incidents=october[:2])
    type(november[0]).objects.filter(pk__in=[t.pk for t in november[:2]]).update(support_group=desk)

    share = figures()["known_error_share"]
    assert share.value == pytest.approx(100 * 3 / 8)
    assert "3 of 8" in str(share.detail)
    assert figures(desk)["known_error_share"].value == 100.0


def test_no_incidents_is_no_share():
    assert figures()["known_error_share"].value is None
    assert figures()["known_error_share"].shown == "—"
