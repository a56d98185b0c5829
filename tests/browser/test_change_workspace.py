"""The change manager's workspace in a browser: the landing page, htmx switching the
sections (the address following), the CAB agenda and the conflicts, the calendar's month
and week views and moving between weeks, the keyboard opening a change, and no console
error or CSP violation on the way."""

from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from changes.models import BlackoutPeriod, Status
from servicedesk import roles
from tests.browser.test_csp_console import WATCH_CSP
from tests.changes.factories import ChangeFactory
from tests.factories import ServiceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workspace():
    manager = UserFactory(username="cm", roles=[roles.CHANGE_MANAGER])
    web = ServiceFactory(name="Web hosting")
    # All of today (local time): in this month's calendar and not over yet, whenever run.
    start = datetime.combine(timezone.localdate(), time.min, tzinfo=timezone.get_current_timezone())
    window = {"planned_start": start, "planned_end": start + timedelta(days=1)}
    waiting = ChangeFactory(
        status=Status.CAB_REVIEW, title="Upgrade the load balancers", services=[web], **window
    )
    clash = ChangeFactory(
        status=Status.SUBMITTED, title="Renew the TLS certificates", services=[web], **window
    )
    BlackoutPeriod.objects.create(
        name="Quarter-end closing", starts_at=start, ends_at=start + timedelta(days=1)
    )
    return manager, waiting, clash


def test_the_change_manager_works_the_workspace_and_the_calendar(
    workspace, page, login, live_server
):
    _manager, waiting, clash = workspace
    problems: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    login("cm")
    assert page.url == f"{live_server.url}/changes/"
    assert page.locator("table.chg-list tbody tr").count() == 2

    page.click(".chg-sections >> text=CAB agenda")
    page.wait_for_url("**/changes/cab/")
    row = page.locator(f'tr[data-change="{waiting.number}"]')
    assert clash.number in row.inner_text() and "Quarter-end closing" in row.inner_text()
    assert "0 of 1" in row.locator("[data-approvals]").inner_text()

    page.click(".chg-sections >> text=Conflicts")
    page.wait_for_url("**/changes/conflicts/")
    assert page.locator("table.chg-conflict-list tbody tr").count() == 2

    page.click(".chg-sections >> text=Calendar")
    page.wait_for_url("**/changes/calendar/")
    calendar = page.locator("#calendar")
    assert calendar.get_attribute("data-view") == "month"
    assert calendar.locator(f'.chg-entry.conflicted[data-change="{waiting.number}"]').count() >= 1
    assert calendar.locator(".chg-cal-blackout").first.is_visible()

    page.click('#calendar nav >> text="Week"')
    page.wait_for_url("**/changes/calendar/?view=week*")
    week = page.locator('#calendar[data-view="week"]')
    week.wait_for()
    assert week.locator(f'[data-change="{clash.number}"]').count() >= 1
    first = week.get_attribute("data-first")
    page.click("#calendar >> text=Next week")
    page.wait_for_function(
        "(first) => document.querySelector('#calendar').dataset.first !== first", arg=first
    )
    assert "view=week" in page.url
    page.click("#calendar [data-today]")
    page.wait_for_function(
        "(first) => document.querySelector('#calendar').dataset.first === first", arg=first
    )

    page.click(".chg-sections >> text=Figures")
    page.wait_for_url("**/changes/figures/")
    assert page.locator("svg.chart").count() >= 1

    page.click(".chg-sections >> text=Pipeline")
    page.wait_for_url("**/changes/")
    page.locator("table.chg-list tbody tr").first.wait_for()
    page.keyboard.press("j")
    page.keyboard.press("Enter")
    page.wait_for_url("**/changes/CHG-*/")

    page.wait_for_load_state("networkidle")
    problems += page.evaluate("window.__problems || []")
    assert problems == []
