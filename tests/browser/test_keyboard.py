"""Staff live in the queues all day: j/k move through rows, Enter opens, g-shortcuts switch
workspaces, / jumps to a ticket number."""

import pytest
from playwright.sync_api import expect

from servicedesk import roles
from servicedesk.models import Line
from tests.factories import IncidentFactory, SupportGroupFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_keyboard_moves_through_the_triage_queue(login, live_server):
    l1 = UserFactory(username="l1", roles=[roles.L1_AGENT])
    SupportGroupFactory(line=Line.L1, members=[l1])
    first = IncidentFactory(urgency=1, impact=1, title="First in line")
    second = IncidentFactory(urgency=5, impact=5, title="Second in line")

    page = login("l1")
    page.keyboard.press("j")
    page.keyboard.press("j")
    expect(page.locator("tr.selected")).to_contain_text(second.number)
    page.keyboard.press("k")
    expect(page.locator("tr.selected")).to_contain_text(first.number)
    page.keyboard.press("Enter")
    expect(page.locator(".ticket-head .number")).to_have_text(first.number)

    page.keyboard.press("g")
    page.keyboard.press("m")
    expect(page.locator("h1")).to_have_text("My work")

    page.keyboard.press("/")
    page.keyboard.type(second.number.lower())
    page.keyboard.press("Enter")
    expect(page.locator(".ticket-head .number")).to_have_text(second.number)
