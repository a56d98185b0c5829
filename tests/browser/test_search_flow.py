"""Issue 13's journey in a browser: an L1 agent types a word into the header's search box
(the / shortcut), opens the ticket found, filters the ticket list to its customer, saves
the filter as a view, assigns three of its tickets at once and completes one as a
duplicate of another; no console error and no CSP violation on the way."""

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
    titles = ["Mail relay refuses our newsletter", "Newsletter bounced again", "Slow portal"]
    theirs = [IncidentFactory(contact=contact, title=title) for title in titles]
    IncidentFactory(contact=ContactFactory(), title="Someone else's newsletter")
    return {"group": group, "northwind": northwind, "theirs": theirs}


def test_search_open_save_a_view_bulk_assign_and_close_a_duplicate(
    desk,
    watched,  # noqa: F811
    login,
    live_server,
):
    first, second, _third = desk["theirs"]
    page = login("l1")
    page.keyboard.press("/")
    page.keyboard.type("relay refuses")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-results]")
    hits = page.locator('[data-kind="tickets"] .hit')
    assert hits.count() == 1
    assert "<mark>" in page.inner_html('[data-kind="tickets"] .hit-title')
    hits.first.locator(".hit-title").click()
    page.wait_for_selector(".ticket-head .number")
    assert page.inner_text(".ticket-head .number") == first.number

    page.goto(f"{live_server.url}/tickets/list/")
    page.select_option("#id_organisation", label="Northwind")
    with page.expect_response(lambda r: "/tickets/list/?" in r.url):
        page.click("[data-apply]")
    page.wait_for_function(
        "document.querySelectorAll('table[data-rows] tbody tr[data-href]').length === 3"
    )
    page.click("details.save-view summary")
    page.fill("#id_name", "Northwind")
    page.click("[data-save-view]")
    page.wait_for_selector('[data-views] li[data-view="Northwind"] a[aria-current]')

    page.check("[data-select-all]")
    page.select_option("#bulk-action", value="assign")
    page.click("[data-bulk]")
    page.wait_for_selector("[data-chosen]")
    page.select_option("#id_assign-group", label="L1 · Service Desk")
    page.click("[data-bulk-apply]")
    page.wait_for_selector("[data-bulk-done]")
    assert "3 tickets done." in page.inner_text("[data-bulk-done]")
    page.click("text=Back to the list")
    page.wait_for_load_state()

    page.check(f'input[name="tickets"][value="{second.pk}"]')
    page.select_option("#bulk-action", value="duplicate")
    page.click("[data-bulk]")
    page.wait_for_selector("[data-chosen]")
    page.fill("#id_duplicate-original", first.number)
    page.fill("#id_duplicate-reason", "Same outage as the first report.")
    page.click("[data-bulk-apply]")
    page.wait_for_selector("[data-bulk-done]")
    second = Incident.objects.get(pk=second.pk)
    assert second.duplicate_of_id == first.pk and second.status == "completed"
    assert Incident.objects.filter(support_group=desk["group"]).count() == 3
    assert page.problems() == []
