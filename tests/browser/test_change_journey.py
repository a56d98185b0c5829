"""Issue 11's walk in a browser: L2 raises a change (the risk preview follows the
questionnaire) and submits it; the change manager assesses it and sends it to the CAB;
two CAB members, each in their own session, approve it from "My approvals" (the row
turns into the outcome without a reload); the change manager schedules it, starts and
completes the implementation in its window, reviews and closes it. No console or script
error, no CSP violation and no answer of 500 or more on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from changes.models import Approval, ChangeRequest, Status
from servicedesk import roles
from tests.browser.test_csp_console import WATCH_CSP
from tests.changes.factories import policy
from tests.factories import ConfigurationItemFactory, ServiceFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Upgrade the mail relays to Postfix 3.9"


@pytest.fixture
def board():
    UserFactory(username="l2", first_name="Lars", last_name="Zwei", roles=[roles.L2_AGENT])
    UserFactory(
        username="cm", first_name="Carla", last_name="Manager", roles=[roles.CHANGE_MANAGER]
    )
    cab1 = UserFactory(
        username="cab1", first_name="Jonas", last_name="Brandt", roles=[roles.CAB_MEMBER]
    )
    cab2 = UserFactory(
        username="cab2", first_name="Claire", last_name="Dubois", roles=[roles.CAB_MEMBER]
    )
    policy(approvers=[cab1, cab2])
    mail = ServiceFactory(name="Managed mail")
    ConfigurationItemFactory(name="mx-01", service=mail)
    ConfigurationItemFactory(name="www-01", service=ServiceFactory(name="Web hosting"))
    return {"mail": mail}


@pytest.fixture
def watched(page):
    """The page, collecting console errors, uncaught errors, CSP violations and answers
    of 500 or more."""
    problems: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "response",
        lambda response: (
            problems.append(f"{response.status} {response.url}") if response.status >= 500 else None
        ),
    )

    def drain() -> list[str]:
        problems.extend(page.evaluate("window.__problems.splice(0)"))
        return problems

    page.problems = drain
    return page


def _local(moment) -> str:
    """A moment as a datetime-local field takes it, in the desk's time zone."""
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_change_goes_from_l2_through_the_cab_to_closed(board, watched, login, live_server):
    page = watched
    status = page.locator("#change .ticket-head [data-status]")

    # 1. L2 raises the change; the risk follows the answers as they are given.
    login("l2")
    page.goto(f"{live_server.url}/changes/new/")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", "Minor upgrade of both relays.")
    page.fill("#id_reason", "Security fixes.")
    expect(page.locator("#risk-preview [data-risk]")).to_have_attribute("data-risk", "high")
    page.select_option("#id_impact", "low")
    page.check("#id_tested")
    page.check("#id_backout_tested")
    expect(page.locator("#risk-preview [data-risk]")).to_have_attribute("data-risk", "low")
    page.select_option("#id_services", label="Managed mail")
    expect(page.locator("#id_configuration_items option")).to_have_text(["mx-01 (Managed mail)"])
    page.select_option("#id_configuration_items", label="mx-01 (Managed mail)")
    page.fill("#id_implementation_plan", "Drain, upgrade, undrain, one relay at a time.")
    page.fill("#id_backout_plan", "Reinstall 3.8 from the local mirror.")
    now = timezone.now()
    page.fill("#id_planned_start", _local(now - timedelta(minutes=30)))
    page.fill("#id_planned_end", _local(now + timedelta(hours=3)))
    page.locator("[data-submit=raise]").click()
    page.wait_for_url("**/changes/CHG-*/")
    change = ChangeRequest.objects.get(title=TITLE)
    assert page.url == f"{live_server.url}/changes/{change.number}/"
    expect(status).to_have_text("Draft")
    expect(page.locator("#change .ticket-head [data-risk]")).to_have_attribute("data-risk", "low")
    page.locator("[data-action=submit]").click()
    expect(status).to_have_text("Submitted")

    # 2. The change manager assesses it and sends it to the CAB.
    page.problems()
    login("cm")
    page.goto(f"{live_server.url}/changes/{change.number}/")
    page.locator("[data-action=start_assessment]").click()
    expect(status).to_have_text("Assessment")
    page.locator("[data-action=send_to_cab]").click()
    expect(status).to_have_text("CAB review")
    expect(page.locator("#cab li[data-decision=pending]")).to_have_count(2)

    # 3. Each CAB member approves from "My approvals", in their own session.
    for who, outcome in [
        ("cab1", "The CAB is waiting for one more decision."),
        ("cab2", "The change is now Approved."),
    ]:
        page.problems()
        login(who)
        assert page.url == f"{live_server.url}/changes/approvals/"
        row = page.locator(f'[data-change="{change.number}"]')
        expect(row).to_contain_text("Reinstall 3.8 from the local mirror.")
        row.locator("textarea[name=comment]").fill(f"Fine by {who}.")
        row.locator("button[data-decision=approved]").click()
        expect(row.locator("[role=status]")).to_contain_text(outcome)
        expect(row.locator(".chg-decide")).to_have_count(0)
    assert set(Approval.objects.filter(change=change).values_list("decision", flat=True)) == {
        "approved"
    }

    # 4. The change manager schedules it, carries it out, reviews and closes it.
    page.problems()
    login("cm")
    page.goto(f"{live_server.url}/changes/{change.number}/")
    expect(status).to_have_text("Approved")
    expect(page.locator("#cab li[data-decision=approved]")).to_have_count(2)
    for key, label in [
        ("schedule", "Scheduled"),
        ("start_implementation", "Implementing"),
        ("complete", "Implemented"),
        ("start_review", "Review"),
    ]:
        page.locator(f"[data-action={key}]").click()
        expect(status).to_have_text(label)
    page.locator("[data-action=close]").click()
    page.locator("#action-panel [data-panel=close]").wait_for()
    expect(page.locator("#id_review")).to_be_focused()
    page.fill("#id_review", "Both relays upgraded; no mail lost.")
    page.select_option("#id_outcome", "successful")
    page.locator("[data-submit=close]").click()
    expect(status).to_have_text("Closed")
    expect(page.locator("#change [data-review]")).to_contain_text("no mail lost")

    change.refresh_from_db()
    assert (change.status, change.review_outcome) == (Status.CLOSED, "successful")
    assert page.problems() == []


def test_choosing_a_template_fills_the_form_and_keeps_what_was_typed(
    board, watched, login, live_server
):
    from changes.models import StandardChangeTemplate

    template = StandardChangeTemplate.objects.create(
        name="Renew a TLS certificate",
        backout_plan="Put the old certificate back.",
        risk="low",
    )
    template.services.add(board["mail"])
    page = watched
    login("l2")
    page.goto(f"{live_server.url}/changes/new/")
    page.fill("#id_title", "Renew mail.example.com")
    page.select_option("#id_template", label="Renew a TLS certificate")
    expect(page.locator("#id_backout_plan")).to_have_value("Put the old certificate back.")
    expect(page.locator("#id_title")).to_have_value("Renew mail.example.com")
    expect(page.locator("#id_change_type")).to_have_value("standard")
    expect(page.locator("#id_template")).to_be_focused()
    expect(page.locator("#risk-preview [data-risk]")).to_have_attribute("data-risk", "low")
    assert page.problems() == []
