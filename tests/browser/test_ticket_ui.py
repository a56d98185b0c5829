"""The staff ticket page in a real browser: every action works with JavaScript off
(defect 11), and a read-only role is shown no form it cannot use (defect 13)."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Status
from servicedesk import roles
from servicedesk.models import Line
from tests.browser.conftest import settle
from tests.factories import IncidentFactory, SupportGroupFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    reader = UserFactory(
        username="pm", first_name="Paula", last_name="Problem", roles=[roles.PROBLEM_MANAGER]
    )
    incident = IncidentFactory(
        title="VPN tunnel to the Frankfurt office drops every hour " * 3, actor=l1
    )
    return {"l1": l1, "group": group, "reader": reader, "incident": incident}


@pytest.fixture
def no_js_page(browser, live_server):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()

    def login(username: str):
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "demo")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        return page

    yield login
    context.close()


def test_an_action_opened_in_a_new_tab_and_posted_without_javascript(desk, no_js_page, live_server):
    page = no_js_page("l1")
    incident = desk["incident"]
    response = page.goto(f"{live_server.url}/tickets/{incident.number}/actions/assign/")
    assert response.status == 200
    expect(page.locator(".ticket-head h1")).to_contain_text(incident.number)

    # A plain invalid post: the page comes back with the error next to the field.
    page.fill("#id_reason", "Typed before the mistake")
    page.locator("button[data-submit=assign]").click()
    expect(page.locator("#field-group .error")).to_be_visible()
    expect(page.locator("#id_reason")).to_have_value("Typed before the mistake")

    # A plain valid post: back on the ticket, assigned.
    page.select_option("#id_group", label=str(desk["group"]))
    page.select_option("#id_assignee", label="Lena One")
    page.locator("button[data-submit=assign]").click()
    expect(page).to_have_url(re.compile(rf"/tickets/{incident.number}/$"))
    expect(page.locator(".ticket-head .badge").first).to_have_text("Assigned")
    assert Incident.objects.get(pk=incident.pk).status == Status.ASSIGNED


def test_a_read_only_role_sees_no_comment_form(desk, login, live_server):
    page = login("pm")
    incident = desk["incident"]
    page.goto(f"{live_server.url}/tickets/{incident.number}/")
    expect(page.locator(".ticket-head h1")).to_contain_text(incident.number)
    expect(page.locator("#comment-form form")).to_have_count(0)
    expect(page.locator("#actions [data-action]")).to_have_count(0)
    expect(page.locator("#classify")).to_have_count(0)


def test_status_pills_keep_their_shape_when_the_title_wraps(desk, login, live_server):
    page = login("l1")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/tickets/{desk['incident'].number}/")
    badge = page.locator(".ticket-head .badge").first
    expect(badge).to_have_css("white-space", "nowrap")
    box = badge.bounding_box()
    line_height = badge.evaluate("b => parseFloat(getComputedStyle(b).fontSize) * 1.6")
    assert box["height"] <= line_height  # one line: the pill did not break
    # The same in the queue, where the long title shares the row with the pills.
    page.goto(f"{live_server.url}/tickets/triage/")
    tall = page.locator("table.tickets .badge").evaluate_all(
        "bs => bs.filter(b => b.getBoundingClientRect().height >"
        " parseFloat(getComputedStyle(b).fontSize) * 1.6).map(b => b.textContent)"
    )
    assert tall == []


def test_the_assignee_list_follows_the_chosen_group(desk, login, live_server):
    l2 = UserFactory(username="l2", first_name="Lars", last_name="Two", roles=[roles.L2_AGENT])
    SupportGroupFactory(name="Operations", line=Line.L2, members=[l2])
    page = login("l1")
    page.goto(f"{live_server.url}/tickets/{desk['incident'].number}/")
    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L2 · Operations")
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lars Two"])
    page.select_option("#id_group", label=str(desk["group"]))
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lena One"])
