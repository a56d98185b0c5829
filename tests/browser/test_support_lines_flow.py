"""The walk-through of the foundation issue, in a real browser: L1 logs a phone call,
assigns and escalates it; L2 works it through every working status to Completed."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident, Status
from servicedesk import roles
from servicedesk.models import Line, Specialisation
from tests.browser.conftest import settle
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    l2 = UserFactory(username="l2", first_name="Lars", last_name="Two", roles=[roles.L2_AGENT])
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    SupportGroupFactory(
        name="Platform Operations",
        line=Line.L2,
        specialisation=Specialisation.VIRTUALISATION,
        members=[l2],
    )
    org = OrganisationFactory(name="Northwind Hosting", contract_number="C-1001")
    ContactFactory(
        organisation=org, name="Jana Becker", email="jana@northwind.example", phone="+49 30 1234567"
    )
    ServiceFactory(name="Virtual servers")
    return {"l1": l1, "l2": l2}


def test_l1_logs_assigns_and_escalates_then_l2_completes(desk, login, live_server):
    page = login("l1")
    expect(page.locator("h1")).to_have_text("L1 triage")

    # Log the call: find the caller by contract number, classify, watch the priority.
    page.get_by_role("link", name="Log a call").click()
    page.fill("#contact-search", "C-1001")
    page.locator("button.pick", has_text="Jana Becker").click()
    expect(page.locator(".contact-card")).to_contain_text("authorised")
    page.select_option("#id_kind", "incident")
    page.fill("#id_title", "VM nw-app-01 does not boot after maintenance")
    page.fill("#id_description", "Console shows a kernel panic since 09:10.")
    page.select_option("#id_service", label="Virtual servers")
    page.select_option("#id_urgency", "2")
    page.select_option("#id_impact", "2")
    expect(page.locator("#priority-preview")).to_have_text("P2 High")
    page.get_by_role("button", name="Register ticket").click()

    expect(page.locator(".ticket-head h1")).to_contain_text("VM nw-app-01 does not boot")
    number = page.locator(".ticket-head .number").inner_text()
    assert re.fullmatch(r"INC-\d{6}", number)
    status = page.locator(".ticket-head [data-status]")
    expect(status).to_have_text("Registered")

    # Assign within L1, then escalate to L2 with a reason.
    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L1 · Service Desk")
    # The assignee list follows the group: only its members (by name) are offered.
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lena One"])
    page.select_option("#id_assignee", label="Lena One")
    page.locator("[data-submit=assign]").click()
    expect(status).to_have_text("Assigned")

    page.locator("[data-action=escalate]").click()
    page.locator("[data-submit=escalate]").click()
    expect(page.locator("#field-reason .error")).to_be_visible()  # reason is required
    page.select_option("#id_to_group", label="L2 · Platform Operations")
    page.fill("#id_reason", "Needs hypervisor access")
    page.locator("[data-submit=escalate]").click()
    expect(page.locator("#timeline")).to_contain_text("Needs hypervisor access")
    expect(page.locator(".facts")).to_contain_text("Platform Operations")

    # L2 finds it in the L2 queue and works it.
    page = login("l2")
    expect(page.locator("h1")).to_have_text("L2 queue")
    page.get_by_role("link", name=number).click()
    status = page.locator(".ticket-head [data-status]")

    page.locator("[data-action=start_work]").click()
    expect(status).to_have_text("In progress")

    page.locator("[data-action=request_information]").click()
    page.fill("#id_comment", "Please tell us whether the VM was resized before the reboot.")
    page.locator("[data-submit=request_information]").click()
    expect(status).to_have_text("Information needed")

    page.locator("[data-action=resume]").click()
    page.locator("[data-submit=resume]").click()
    expect(status).to_have_text("In progress")

    page.locator("[data-action=engage_third_party]").click()
    page.fill("#id_third_party", "Hypervisor vendor support")
    page.locator("[data-submit=engage_third_party]").click()
    expect(status).to_have_text("External processing")

    page.locator("[data-action=resume]").click()
    page.locator("[data-submit=resume]").click()
    expect(status).to_have_text("In progress")

    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", "resolved")
    page.fill("#id_resolution", "Rebuilt the initramfs; the VM boots again.")
    page.locator("[data-submit=complete]").click()
    expect(status).to_have_text("Completed")

    timeline = page.locator("#timeline")
    for label in [
        "Assigned",
        "In progress",
        "Information needed",
        "External processing",
        "Completed",
        "Hypervisor vendor support",
    ]:
        expect(timeline).to_contain_text(label)

    incident = Incident.objects.get(number=number)
    assert incident.status == Status.COMPLETED
    assert incident.assignee.username == "l2"
    moves = [h.status for h in incident.history.order_by("history_date", "history_id")]
    assert moves == [
        "registered",
        "assigned",
        "assigned",
        "in_progress",
        "information_needed",
        "in_progress",
        "external_processing",
        "in_progress",
        "completed",
    ]
