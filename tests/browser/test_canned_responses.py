"""An agent answers with a canned response: Alt+R in the reply opens the picker, typing
filters it, Enter inserts the response rendered for the ticket (in the contact's
language) at the cursor and makes the reply public, and the reply is posted."""

import pytest
from playwright.sync_api import expect

from incidents.canned import canned_response_create
from servicedesk import roles
from servicedesk.models import Contact, Line
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    SupportGroupFactory,
    UserFactory,
    desk_manager_user,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_agent_inserts_a_canned_response_with_the_shortcut_and_posts_it(login, live_server):
    l1 = UserFactory(username="l1", first_name="Lukas", last_name="Weber", roles=[roles.L1_AGENT])
    group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    contact = ContactFactory(
        name="Jana Becker", form_of_address=Contact.FormOfAddress.MS, language="de"
    )
    ticket = IncidentFactory(contact=contact, title="Password forgotten")
    canned_response_create(
        title="Password reset done",
        body="Hello {contact_name}, the password is reset ({ticket_number}).",
        translations={"de": "Hallo {contact_name}, das Passwort ist zurückgesetzt."},
        group=group,
        actor=desk_manager_user(),
    )
    canned_response_create(
        title="Could not reach you",
        body="I tried to call you. {agent_name}",
        translations={},
        actor=l1,
    )

    page = login("l1")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    reply = page.locator("#id_body")
    reply.click()
    reply.type("Guten Tag. ")
    reply.press("Alt+r")

    search = page.locator("[data-canned-filter]")
    expect(search).to_be_focused()
    expect(page.locator("[data-canned-item]")).to_have_count(2)
    search.type("passw")
    expect(page.locator("[data-canned-item]:visible")).to_have_count(1)
    search.press("Enter")

    expect(page.locator("[data-canned-picker]")).to_have_count(0)
    expect(reply).to_be_focused()
    expect(reply).to_have_value("Guten Tag. Hallo Jana Becker, das Passwort ist zurückgesetzt.")
    expect(page.locator("#id_is_public")).to_be_checked()
    page.get_by_role("button", name="Add comment").click()

    expect(page.locator("#timeline")).to_contain_text("das Passwort ist zurückgesetzt")
    comment = ticket.comments.get()
    assert comment.is_public
    assert comment.body == "Guten Tag. Hallo Jana Becker, das Passwort ist zurückgesetzt."


def test_c_r_opens_the_picker_arrows_choose_and_escape_closes_it(login, live_server):
    l1 = UserFactory(username="l1", first_name="Lukas", last_name="Weber", roles=[roles.L1_AGENT])
    ticket = IncidentFactory(contact=ContactFactory(name="Ada Lovelace"), title="Slow disk")
    canned_response_create(
        title="Could not reach you",
        body="I tried to call, {contact_name}.",
        translations={},
        actor=l1,
    )

    page = login("l1")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.keyboard.press("c")
    page.keyboard.press("r")
    expect(page.locator("[data-canned-filter]")).to_be_focused()
    page.keyboard.press("Escape")
    expect(page.locator("[data-canned-picker]")).to_have_count(0)
    expect(page.locator("#id_body")).to_be_focused()

    page.locator("[data-canned-open]").click()
    expect(page.locator("[data-canned-filter]")).to_be_focused()
    page.keyboard.press("ArrowDown")
    expect(page.locator("[data-canned-insert]")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_body")).to_have_value("I tried to call, Ada Lovelace.")
    expect(page.locator("#id_is_public")).to_be_checked()


def test_without_javascript_the_links_prefill_the_reply(browser, live_server):
    l1 = UserFactory(username="l1", roles=[roles.L1_AGENT])
    ticket = IncidentFactory(contact=ContactFactory(name="Ada Lovelace"), title="Slow disk")
    canned_response_create(
        title="Could not reach you",
        body="I tried to call, {contact_name}.",
        translations={},
        actor=l1,
    )
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/login/")
    page.fill("#id_username", "l1")
    page.fill("#id_password", "demo")
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")

    page.get_by_role("link", name="Insert a canned response").click()
    page.get_by_role("link", name="Could not reach you").click()

    expect(page.locator("#id_body")).to_have_value("I tried to call, Ada Lovelace.")
    expect(page.locator("#id_is_public")).to_be_checked()
    context.close()
