"""The desk manager's dashboard in a browser: they land on it, narrow it to a period and a
group (htmx swaps the board and the address follows), open the tickets behind a figure
and come back, count the figures again; no console error and no CSP violation on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from incidents.models import Status
from servicedesk import roles
from servicedesk.models import Line
from tests.browser.test_csp_console import watched  # noqa: F401  (fixture)
from tests.factories import ContactFactory, SupportGroupFactory, UserFactory, make_incident_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    manager = UserFactory(
        username="desk_manager", first_name="Dana", last_name="Lead", roles=[roles.DESK_MANAGER]
    )
    desk_group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[manager])
    operations = SupportGroupFactory(name="Operations", line=Line.L2, members=[manager])
    contact = ContactFactory(name="Jana Becker")
    resolved = make_incident_in(
        Status.COMPLETED, actor=manager, contact=contact, group=desk_group, assignee=manager
    )
    working = make_incident_in(
        Status.IN_PROGRESS, actor=manager, contact=contact, group=operations, assignee=manager
    )
    return {"resolved": resolved, "working": working, "desk_group": desk_group}


def card(page, key: str):
    return page.locator(f'#board [data-figure="{key}"]')


def test_the_desk_manager_filters_the_dashboard_and_opens_the_tickets_behind_a_figure(
    desk,
    watched,  # noqa: F811
    login,
    live_server,
):
    page = login("desk_manager")
    assert page.url == f"{live_server.url}/manager/"
    assert card(page, "in").locator("strong").inner_text() == "2"
    assert card(page, "out").locator("strong").inner_text() == "1"
    assert page.locator('svg.chart[aria-labelledby="dash-volume-chart"]').is_visible()

    week_ago = (timezone.localdate() - timedelta(days=6)).isoformat()
    page.fill("#id_from", week_ago)
    page.select_option("#id_group", value=str(desk["desk_group"].pk))
    with page.expect_response(lambda response: "/manager/?" in response.url):
        page.click("#board button[type=submit]")
    page.wait_for_selector('#board [data-period]:has-text("Service Desk")')
    assert f"from={week_ago}" in page.url and f"group={desk['desk_group'].pk}" in page.url
    assert card(page, "in").locator("strong").inner_text() == "1"
    assert page.locator("#id_from").input_value() == week_ago  # what was chosen stays

    card(page, "in").locator("a").click()
    page.wait_for_load_state()
    assert "/manager/tickets/?" in page.url and "figure=in" in page.url
    rows = page.locator("table.tickets tbody tr")
    assert rows.count() == 1
    assert desk["resolved"].number in rows.first.inner_text()
    page.click("text=Back to the dashboard")
    page.wait_for_load_state()
    assert page.locator("#id_group").input_value() == str(desk["desk_group"].pk)

    export = page.locator("#board [data-export]").get_attribute("href") or ""
    assert export.startswith("/manager/export.csv?") and f"group={desk['desk_group'].pk}" in export

    # The figures are kept a minute; "Count again" counts the ticket registered since.
    make_incident_in(Status.ASSIGNED, contact=ContactFactory(), group=desk["desk_group"])
    page.reload()
    assert card(page, "in").locator("strong").inner_text() == "1"
    with page.expect_response(lambda response: "fresh=1" in response.url):
        page.click("#board [data-count-again]")
    page.wait_for_selector('#board [data-figure="in"] strong:text-is("2")')
    assert "Counted at" in page.locator("#board [data-counted]").inner_text()
    assert page.problems() == []
