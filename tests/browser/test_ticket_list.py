"""The ticket list in a browser: an L1 agent filters it to one customer's P3 tickets
(htmx swaps the list, the address follows), saves the filter as a view, then assigns
three of its tickets at once; no console error and no CSP violation on the way."""

import pytest

from incidents.models import Incident
from servicedesk import roles
from servicedesk.models import Line
from tests.browser.test_csp_console import watched  # noqa: F401  (fixture)
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    agent = UserFactory(
        username="l1", first_name="Lukas", last_name="Weber", roles=[roles.L1_AGENT]
    )
    group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[agent])
    northwind = OrganisationFactory(name="Northwind")
    contact = ContactFactory(organisation=northwind)
    theirs = [IncidentFactory(contact=contact, title=f"Northwind issue {n}") for n in range(3)]
    others = IncidentFactory(contact=ContactFactory(), title="Someone else's")
    return {"group": group, "northwind": northwind, "theirs": theirs, "others": others}


def test_an_agent_filters_saves_a_view_and_assigns_three_tickets_at_once(
    desk,
    watched,  # noqa: F811
    login,
    live_server,
):
    page = login("l1")
    page.goto(f"{live_server.url}/tickets/list/")
    assert page.locator("table[data-rows] tbody tr[data-href]").count() == 4

    page.select_option("#id_organisation", label="Northwind")
    with page.expect_response(lambda r: "/tickets/list/?" in r.url):
        page.click("[data-apply]")
    page.wait_for_function(
        "document.querySelectorAll('table[data-rows] tbody tr[data-href]').length === 3"
    )
    assert f"organisation={desk['northwind'].pk}" in page.url
    assert desk["others"].number not in page.inner_text("#ticket-list")

    page.click("details.save-view summary")
    page.fill("#id_name", "Northwind")
    page.click("[data-save-view]")
    page.wait_for_selector('[data-views] li[data-view="Northwind"] a[aria-current]')
    assert page.inner_text('[data-views] li[data-view="Northwind"] .count') == "3"

    page.check("[data-select-all]")
    assert page.locator('input[name="tickets"]:checked').count() == 3
    page.select_option("#bulk-action", value="assign")
    page.click("[data-bulk]")
    page.wait_for_selector("[data-chosen]")
    page.select_option("#id_assign-group", label="L1 · Service Desk")
    page.click("[data-bulk-apply]")
    page.wait_for_selector("[data-bulk-done]")
    assert "3 tickets done." in page.inner_text("[data-bulk-done]")
    assigned = Incident.objects.filter(support_group=desk["group"])
    assert set(assigned.values_list("pk", flat=True)) == {t.pk for t in desk["theirs"]}
    page.click("text=Back to the list")
    page.wait_for_load_state()
    assert f"organisation={desk['northwind'].pk}" in page.url
    assert page.problems() == []
