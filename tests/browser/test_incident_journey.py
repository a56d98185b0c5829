"""The whole incident journey of issue 7, as a new user tries it in a browser, with real
roles: a contact raises an incident in the portal (with a screenshot), L1 triages,
classifies, assigns and escalates it, L2 asks the contact a question, the contact answers
by mail, L2 completes it, the contact rejects the resolution, L2 reworks and completes it
again, and the contact confirms it. No answer of 500 or more, no technical error page, no
console error and no uncaught script error anywhere on the way."""

import re
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
from django.core import mail
from playwright.sync_api import expect

from incidents.intake.email import ingest_message
from incidents.intake.models import InboundStatus
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

QUESTION = "Which browser shows the error, and since when exactly?"
ANSWER = "Firefox 133 on Windows, since Monday 08:00."
FIRST_FIX = "Renewed the expired TLS certificate on the load balancer."
STILL_BROKEN = "Still fails on the /shop pages with the same certificate warning."
SECOND_FIX = "The /shop vhost had its own old certificate; replaced it as well."


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    l2 = UserFactory(username="l2", first_name="Lars", last_name="Two", roles=[roles.L2_AGENT])
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    SupportGroupFactory(
        name="Web Operations", line=Line.L2, specialisation=Specialisation.NETWORK, members=[l2]
    )
    org = OrganisationFactory(name="Northwind Hosting", contract_number="C-1001")
    contact = ContactFactory(
        organisation=org,
        name="Jana Becker",
        email="jana@northwind.example",
        with_login=True,
        user__username="jana",
        user__first_name="Jana",
        user__last_name="Becker",
    )
    ServiceFactory(name="Web hosting", portal_description="Managed web servers.")
    return {"contact": contact, "l2": l2}


@pytest.fixture
def watched(page):
    """The page, recording console errors, uncaught errors and answers of 500 or more."""
    problems: list[str] = []
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
    page.problems = problems
    return page


def _no_error_page(page) -> None:
    """Not a technical error page: the desk's own layout, and no Django debug page."""
    expect(page.locator("body")).not_to_contain_text("Traceback")
    expect(page.locator("body")).not_to_contain_text("Server error")
    expect(page.locator("body")).not_to_contain_text("Page not found")


def _mails(*, to: str, subject: str) -> list:
    return [m for m in mail.outbox if m.to == [to] and subject in m.subject]


def _reply_by_mail(question_mail, body: str) -> None:
    """The contact's mail client answering the question: threaded under it, quoting it."""
    message = EmailMessage()
    message["From"] = "Jana Becker <jana@northwind.example>"
    message["To"] = question_mail.from_email
    message["Subject"] = f"Re: {question_mail.subject}"
    message["Message-ID"] = make_msgid(domain="northwind.example")
    sent_id = question_mail.extra_headers["Message-ID"]
    message["In-Reply-To"] = sent_id
    references = question_mail.extra_headers.get("References", "")
    message["References"] = f"{references} {sent_id}".strip()
    quoted = "\n".join(f"> {line}" for line in question_mail.body.splitlines())
    message.set_content(f"{body}\n\nOn Monday, support wrote:\n{quoted}\n")
    result = ingest_message(message.as_bytes())
    assert result.email.status == InboundStatus.COMMENT_ADDED, result.email.reason


def test_the_whole_incident_journey(desk, watched, login, live_server):
    page = watched
    status = page.locator(".ticket-head [data-status]")

    # 1. The contact raises an incident in the portal, with a screenshot attached.
    login("jana")
    expect(page.locator("h1")).to_have_text("Tickets of Northwind Hosting")
    page.get_by_role("link", name="Raise a ticket").click()
    page.locator(".service-card", has_text="Web hosting").get_by_role(
        "link", name="Report a problem"
    ).click()
    page.fill("#id_title", "Shop shows a certificate warning")
    page.fill("#id_description", "Customers see 'connection not private' on shop.northwind.")
    page.locator("#id_files").set_input_files(
        files=[{"name": "warning.png", "mimeType": "image/png", "buffer": b"\x89PNG\r\n\x1a\n"}]
    )
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".portal-head h1")).to_contain_text("Shop shows a certificate warning")
    number = page.locator(".portal-head .number").inner_text()
    assert re.fullmatch(r"INC-\d{6}", number)
    expect(page.locator("[data-status]")).to_have_text("Registered")
    expect(page.locator(".files")).to_contain_text("warning.png")
    _no_error_page(page)

    # 2. L1 finds it in triage, classifies, assigns within L1 and escalates to L2.
    login("l1")
    expect(page.locator("h1")).to_have_text("L1 triage")
    page.get_by_role("link", name=number).click()
    expect(page.locator(".ticket-head h1")).to_contain_text("Shop shows a certificate warning")
    expect(page.locator("section.files")).to_contain_text("warning.png")
    # The knowledge panel loads after the page; on a loaded machine its arrival shifted the
    # layout under the click and the Classify box stayed shut (CI, November 2026).
    page.wait_for_load_state("networkidle")
    page.locator("#classify summary").click()
    expect(page.locator("#classify details")).to_have_attribute("open", "")
    settle(page, "#classify #id_service")
    page.select_option("#classify #id_category", index=1)
    page.select_option("#classify #id_service", label="Web hosting")
    page.select_option("#classify #id_impact", "2")
    with page.expect_response(lambda response: response.url.endswith("/classify/")):
        page.locator("#classify").get_by_role("button", name="Save classification").click()
    expect(page.locator(".facts")).to_contain_text("Impact")
    expect(page.locator(".facts")).to_contain_text("Web hosting")

    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L1 · Service Desk")
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lena One"])
    page.select_option("#id_assignee", label="Lena One")
    page.locator("[data-submit=assign]").click()
    expect(status).to_have_text("Assigned")

    page.locator("[data-action=escalate]").click()
    settle(page, "#id_to_group")
    page.select_option("#id_to_group", label="L2 · Web Operations")
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lars Two"])
    page.select_option("#id_assignee", label="Lars Two")
    page.fill("#id_reason", "Certificate on the load balancer: needs L2 access")
    page.locator("[data-submit=escalate]").click()
    expect(page.locator("#timeline")).to_contain_text("needs L2 access")
    expect(page.locator(".facts")).to_contain_text("Web Operations")
    _no_error_page(page)

    # 3. L2 is told in the app, starts work and asks the contact a question.
    login("l2")
    expect(page.locator("#inbox-link [data-unread]")).to_have_text("unread: 1")
    page.locator("#inbox-link").click()
    item = page.locator(".inbox-item.unread")
    expect(item).to_contain_text("Assigned to you")
    item.locator("a", has_text=number).click()
    page.locator("[data-action=start_work]").click()
    expect(status).to_have_text("In progress")

    mail.outbox.clear()
    page.locator("[data-action=request_information]").click()
    page.fill("#id_comment", QUESTION)
    page.locator("[data-submit=request_information]").click()
    expect(status).to_have_text("Information needed")
    (question_mail,) = [m for m in mail.outbox if m.to == ["jana@northwind.example"]]
    assert question_mail.subject.startswith(f"[{number}]")
    assert QUESTION in question_mail.body

    # 4. The contact answers by mail; L2 sees the answer and is told about it.
    _reply_by_mail(question_mail, ANSWER)
    page.reload()
    expect(status).to_have_text("In progress")
    expect(page.locator("#timeline")).to_contain_text(ANSWER)
    expect(page.locator("#timeline")).not_to_contain_text("> " + QUESTION)
    expect(page.locator("#inbox-link [data-unread]")).to_have_text("unread: 2")
    page.locator("#inbox-link").click()
    answered = page.locator(".inbox-item.unread", has_text="The customer answered")
    expect(answered).to_contain_text(number)
    expect(answered).to_contain_text("by Jana Becker")
    (told,) = _mails(to=desk["l2"].email, subject="The customer answered")
    assert ANSWER in told.body
    page.goto(f"{live_server.url}/tickets/{number}/")

    # 5. L2 completes; the contact rejects in the portal; L2 reworks and completes again.
    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", "resolved")
    page.fill("#id_resolution", FIRST_FIX)
    page.locator("[data-submit=complete]").click()
    expect(status).to_have_text("Completed")
    (completed_mail,) = _mails(to="jana@northwind.example", subject="Status: Completed")
    assert FIRST_FIX in completed_mail.body

    login("jana")
    page.get_by_role("link", name=number).click()
    expect(page.locator("[data-status]")).to_have_text("Completed")
    expect(page.locator("#timeline")).to_contain_text(ANSWER)
    expect(page.locator("#timeline")).to_contain_text(FIRST_FIX)
    page.locator("details.reject summary").click()
    page.locator("details.reject").get_by_role("button", name="Send it back to support").click()
    expect(page.locator("details.reject .error")).to_be_visible()  # a reason is required
    page.locator("details.reject textarea").fill(STILL_BROKEN)
    page.locator("details.reject").get_by_role("button", name="Send it back to support").click()
    expect(page.locator("[data-status]")).to_have_text("Rejected by user")
    _no_error_page(page)
    (told,) = _mails(to=desk["l2"].email, subject="rejected")
    assert STILL_BROKEN in told.body

    login("l2")
    page.locator("#inbox-link").click()
    rejected = page.locator(".inbox-item.unread", has_text="The customer rejected the resolution")
    expect(rejected).to_contain_text("by Jana Becker")
    rejected.locator("a", has_text=number).click()
    expect(status).to_have_text("Rejected by user")
    expect(page.locator("#timeline")).to_contain_text(STILL_BROKEN)
    page.locator("[data-action=start_work]").click()
    expect(status).to_have_text("In progress")
    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", "resolved")
    page.fill("#id_resolution", SECOND_FIX)
    page.locator("[data-submit=complete]").click()
    expect(status).to_have_text("Completed")

    # The contact confirms: closed.
    login("jana")
    page.get_by_role("link", name=number).click()
    expect(page.locator("#timeline")).to_contain_text(SECOND_FIX)
    page.get_by_role("button", name="Yes, it is solved").click()
    expect(page.locator("[data-status]")).to_have_text("Closed")
    _no_error_page(page)

    incident = Incident.objects.get(number=number)
    assert incident.status == Status.CLOSED
    assert incident.assignee.username == "l2"
    moves = [h.status for h in incident.history.order_by("history_date", "history_id")]
    for expected in [
        Status.INFORMATION_NEEDED,
        Status.REJECTED_BY_USER,
        Status.COMPLETED,
        Status.CLOSED,
    ]:
        assert expected in moves
    # The only console lines allowed: the 422 of the reject form sent without a reason.
    problems = [p for p in page.problems if "the server responded with a status of 422" not in p]
    assert problems == []
