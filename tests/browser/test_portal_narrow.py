"""The portal header at 390 px (a phone, issue 7 friction): nothing overflows sideways,
and the brand, every navigation link and "Log out" are on screen, on one line each, and
big enough to tap. The screenshot is left at /tmp/intake-portal-390.png to look at."""

import pytest

from tests.factories import ContactFactory, IncidentFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def jana():
    contact = ContactFactory(
        name="Jana Becker-Schwarzenberger",
        email="jana@northwind.example",
        organisation__name="Northwind Hosting and Managed Services",
        with_login=True,
        user__username="jana",
        user__first_name="Jana",
        user__last_name="Becker-Schwarzenberger",
    )
    IncidentFactory(contact=contact, title="A rather long title that has to wrap on a phone")
    return contact


def test_the_portal_header_fits_a_390px_screen(page, login, live_server, jana, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    login("jana")
    page.goto(f"{live_server.url}/portal/")
    page.screenshot(path="/tmp/intake-portal-390.png", full_page=False)
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, f"the page is {overflow}px wide"
    header = page.locator("header.topbar")
    targets = [header.locator(".brand"), *header.locator(".nav a").all()]
    targets.append(header.get_by_role("button", name="Log out"))
    for target in targets:
        box = target.bounding_box()
        assert box is not None, target
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, (target, box)
        assert box["height"] >= 24, (target, box)  # big enough to tap
        assert box["height"] <= 40, (target, box)  # on one line, not squeezed into a column
    header.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login/")
