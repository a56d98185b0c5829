"""In a browser: an L1 agent follows a ticket (htmx swaps the followers box, focus stays
on its button), finds it under Following in the header's Views menu (which Escape
closes), sorts the ticket list by a column header (htmx swaps the list, the address
follows) and changes the priority of the whole list as a background job whose page
polls until it has finished; no console error and no CSP violation on the way."""

import pytest

from incidents.models import Incident
from servicedesk import bulk_jobs, roles
from servicedesk.models import BulkJob, BulkJobState, Line
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
def desk(monkeypatch):
    monkeypatch.setattr("incidents.ticket_lists.bulk.INLINE_MAX", 2)
    monkeypatch.setattr(bulk_jobs, "BATCH", 2)
    agent = UserFactory(
        username="l1", first_name="Lukas", last_name="Weber", roles=[roles.L1_AGENT]
    )
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[agent])
    tickets = [
        IncidentFactory(contact=ContactFactory(organisation=OrganisationFactory(name=name)))
        for name in ("Zeta", "Alpha", "Mid")
    ]
    return {"tickets": tickets}


def test_follow_find_it_sort_and_act_on_the_whole_list_in_the_background(
    desk,
    watched,  # noqa: F811
    login,
    live_server,
):
    page = login("l1")
    ticket = desk["tickets"][0]
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.click("[data-follow]")
    page.wait_for_selector("[data-unfollow]")
    assert page.evaluate("document.activeElement.hasAttribute('data-unfollow')")
    assert "Lukas Weber" in page.inner_text("#watchers")

    page.goto(f"{live_server.url}/tickets/list/")
    page.click("details[data-nav-menu] summary")
    assert page.locator("details[data-nav-menu] li").all_inner_texts() == ["Following\n1"]
    page.keyboard.press("Escape")
    assert not page.locator("details[data-nav-menu]").evaluate("menu => menu.open")

    with page.expect_response(lambda r: "sort=organisation" in r.url):
        page.click("th a[data-sort=organisation]")
    page.wait_for_selector('th[aria-sort="ascending"] a[data-sort=organisation]')
    assert "sort=organisation" in page.url
    first = page.locator("table[data-rows] tbody tr[data-href] td").nth(5).inner_text()
    assert first.startswith("Alpha")

    page.select_option("#bulk-action", value="priority")
    page.check("[data-everything]")
    page.click("[data-bulk]")
    page.wait_for_selector("[data-in-background]")
    page.select_option("#id_priority-urgency", value="1")
    page.select_option("#id_priority-impact", value="1")
    page.fill("#id_priority-reason", "Whole site down")
    page.click("[data-bulk-apply]")
    page.wait_for_selector("[data-bulk-finished]", timeout=60000)
    assert "3 of 3 worked through" in page.inner_text("[data-bulk-summary]")
    assert BulkJob.objects.get().state == BulkJobState.DONE
    assert set(Incident.objects.values_list("priority", flat=True)) == {1}
    assert page.problems() == []
