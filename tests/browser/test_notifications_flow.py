"""Defects 1 and 2 in a real browser: an agent's public reply reaches a contact without a
portal login by mail (and a copied colleague); L1 assigns a ticket to L2, who sees the
unread badge, finds it in the notifications list and marks it read."""

import pytest
from django.core import mail
from playwright.sync_api import expect

from incidents import services
from incidents.models import Status
from servicedesk import roles
from servicedesk.models import Line, Notification
from tests.browser.conftest import settle
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    SupportGroupFactory,
    UserFactory,
    make_incident_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    l2 = UserFactory(username="l2", first_name="Lars", last_name="Two", roles=[roles.L2_AGENT])
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    l2_group = SupportGroupFactory(name="Platform Operations", line=Line.L2, members=[l2])
    org = OrganisationFactory(name="Northwind Hosting", contract_number="C-1001")
    priya = ContactFactory(organisation=org, name="Priya Shah", email="priya@northwind.example")
    ContactFactory(organisation=org, name="Omar Reyes", email="omar@northwind.example")
    return {"l1": l1, "l2": l2, "l2_group": l2_group, "priya": priya}


def test_a_public_reply_is_mailed_to_a_contact_without_a_login(desk, login, live_server):
    ticket = make_incident_in(
        Status.IN_PROGRESS,
        contact=desk["priya"],
        actor=desk["l1"],
        group=desk["l2_group"],
        assignee=desk["l2"],
        title="VPN drops every hour",
    )
    mail.outbox.clear()
    page = login("l2")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")

    # Copy a colleague of the organisation from the ticket page.
    panel = page.locator("#cc-panel")
    panel.locator("#id_contact").select_option(label="Omar Reyes <omar@northwind.example>")
    panel.get_by_role("button", name="Add to CC").click()
    expect(page.locator("#cc-panel [data-cc='omar@northwind.example']")).to_be_visible()

    page.fill("#id_body", "Please update the VPN client to 5.2 and tell us if it still drops.")
    page.locator("#comment-form input[name=is_public]").check()
    page.get_by_role("button", name="Add comment").click()
    expect(page.locator("#timeline")).to_contain_text("Please update the VPN client to 5.2")

    page.reload()
    log = page.locator("#notifications")
    expect(log).to_contain_text("Reply from support")
    expect(log).to_contain_text("priya@northwind.example")
    expect(log).to_contain_text("omar@northwind.example")
    replies = Notification.objects.filter(event="public_reply", target_id=ticket.pk)
    assert sorted(replies.values_list("recipient_email", flat=True)) == [
        "omar@northwind.example",
        "priya@northwind.example",
    ]
    (message,) = [m for m in mail.outbox if m.to == ["priya@northwind.example"]]
    assert message.subject.startswith(f"[{ticket.number}]")
    assert "Please update the VPN client to 5.2" in message.body


def test_l2_sees_an_assignment_by_l1_and_marks_it_read(desk, login, live_server):
    ticket = services.incident_register(
        contact=desk["priya"], title="Backup job failed", actor=desk["l1"], channel="phone"
    )
    page = login("l1")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L2 · Platform Operations")
    page.select_option("#id_assignee", label="Lars Two")
    page.locator("[data-submit=assign]").click()
    expect(page.locator(".ticket-head [data-status]")).to_have_text("Assigned")
    expect(page.locator("#inbox-link [data-unread]")).to_have_count(0)  # l1 acted: not told

    page = login("l2")
    badge = page.locator("#inbox-link [data-unread]")
    expect(badge).to_have_text("unread: 1")
    page.locator("#inbox-link").click()
    item = page.locator(".inbox-item.unread")
    expect(item).to_have_count(1)
    expect(item).to_contain_text("Assigned to you")
    expect(item).to_contain_text(f"{ticket.number} Backup job failed")
    expect(item).to_contain_text("by Lena One")

    item.get_by_role("button", name="Mark as read").click()
    expect(page.locator(".inbox-item.unread")).to_have_count(0)
    expect(page.locator(".inbox-item")).to_contain_text("read")
    expect(page.locator("#inbox-link [data-unread]")).to_have_count(0)

    page.locator(".inbox-item a", has_text=ticket.number).click()
    expect(page.locator(".ticket-head h1")).to_contain_text("Backup job failed")
