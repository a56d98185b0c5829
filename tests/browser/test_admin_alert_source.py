"""In the admin, the alert source's contact autocomplete offers only contacts of the
organisation chosen in the same form (issue 7, friction), in a real browser."""

import pytest
from playwright.sync_api import expect

from tests.factories import ContactFactory, OrganisationFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_contact_search_follows_the_chosen_organisation(page, login, live_server):
    UserFactory(username="root", is_superuser=True, is_staff=True)
    north = OrganisationFactory(name="Northwind")
    OrganisationFactory(name="Contoso")
    ContactFactory(organisation=north, name="Nora North")
    ContactFactory(organisation__name="Elsewhere", name="Carl Contoso")
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    login("root")
    page.goto(f"{live_server.url}/admin/incidents/alertsource/add/")
    page.wait_for_load_state("networkidle")
    page.select_option("#id_organisation", label="Northwind")
    page.click("#id_contact + .select2 .select2-selection")
    # The search is a request through the live server: give a loaded CI machine time.
    expect(page.locator(".select2-results__option", has_text="Nora North")).to_be_visible(
        timeout=20_000
    )
    offered = page.locator(".select2-results__option").all_inner_texts()
    assert not any("Carl Contoso" in text for text in offered), offered
    assert errors == []
