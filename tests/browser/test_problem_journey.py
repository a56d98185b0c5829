"""Issue 10's walk in a browser, from recurring incidents to L1 using the workaround: a
problem manager sees the pattern of one service's incidents in the workspace, opens a
problem from it (its incidents linked), starts the investigation and records the known
error with its root cause and workaround. A new incident comes in on that service; L1
sees the known error's workaround on the ticket, links the incident to the problem in
one click, takes the ticket and completes it as "Resolved with a workaround". The
problem page then lists the new incident. No console or script error, no CSP violation
and no answer of 500 or more on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from incidents.models import ClosureCode, Incident, Kind
from incidents.models import Status as TicketStatus
from problems.models import Problem, ProblemIncident, Status
from servicedesk import roles
from servicedesk.models import Line
from tests.browser.conftest import settle
from tests.browser.test_csp_console import WATCH_CSP
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.problems.bulk import incident as old_incident
from tests.problems.bulk import save
from tests.problems.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ROOT_CAUSE = "The spam filter's quarantine fills the mail queue's disk."
WORKAROUND = "Empty the quarantine on mx1, then flush the mail queue."
RESOLUTION = "Emptied the quarantine and flushed the queue, as the known error says."


@pytest.fixture
def desk():
    """Three recent incidents on Managed mail that no problem covers, and the noise a
    pattern must leave out: the same service's service request, an incident already on
    a problem and one older than the window; two incidents on another service."""
    manager = UserFactory(
        username="pm", first_name="Paula", last_name="Manager", roles=[roles.PROBLEM_MANAGER]
    )
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    mail = ServiceFactory(name="Managed mail")
    web = ServiceFactory(name="Web hosting")
    contact = ContactFactory(
        organisation=OrganisationFactory(name="Northwind Hosting"), name="Jana Becker"
    )
    recurring = [
        IncidentFactory(contact=contact, service=mail, title=title)
        for title in ("Outbox frozen", "Calendar invites vanish", "Shared mailbox unreachable")
    ]
    already = IncidentFactory(contact=contact, service=mail, title="Autoreply loops")
    ProblemFactory(
        actor=manager,
        title="Autoreplies answer each other",
        service=mail,
        status=Status.UNDER_INVESTIGATION,
        incidents=[already],
    )
    ProblemFactory(actor=manager, title="Certificates expire unnoticed", service=web)
    noise = [
        IncidentFactory(contact=contact, service=mail, title="New alias", kind=Kind.REQUEST),
        IncidentFactory(contact=contact, service=web, title="Certificate warning on shop"),
        IncidentFactory(contact=contact, service=web, title="Slow checkout"),
    ]
    (old,) = save(
        [
            old_incident(
                "Webmail login refused",
                timezone.now() - timedelta(days=40),
                contact=contact,
                service=mail,
            )
        ]
    )
    return {
        "mail": mail,
        "contact": contact,
        "recurring": recurring,
        "left_out": [already, old, *noise],
    }


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
        """Everything reported so far: call it before leaving a page, whose CSP
        violations go with it."""
        problems.extend(page.evaluate("window.__problems.splice(0)"))
        return problems

    page.problems = drain
    return page


def test_incidents_become_a_known_error_whose_workaround_l1_applies(
    desk, watched, login, live_server
):
    page = watched
    mail, recurring = desk["mail"], desk["recurring"]

    # 1. The problem manager sees the service's pattern, with exactly its three incidents.
    login("pm")
    assert page.url == f"{live_server.url}/problems/"
    page.click(".prb-sections >> text=Patterns")
    page.wait_for_url("**/problems/patterns/")
    card = page.locator(f'[data-pattern="service:{mail.pk}"]')
    expect(card.locator("h3")).to_contain_text("Managed mail")
    expect(card.locator(".prb-incidents li a")).to_have_count(3)
    for number in (i.number for i in recurring):
        expect(card.locator(".prb-incidents")).to_contain_text(number)
    for left_out in desk["left_out"]:
        expect(page.locator("#section")).not_to_contain_text(left_out.number)

    # 2. "Open a problem": the new problem's page, with those incidents linked.
    card.locator("input[name=title]").fill("Mail stalls several times a week")
    card.get_by_role("button", name="Open a problem").click()
    page.wait_for_url("**/problems/PRB-*/")
    problem = Problem.objects.get(title="Mail stalls several times a week")
    assert page.url == f"{live_server.url}/problems/{problem.number}/"
    assert problem.service == mail
    links = page.locator("#linked-incidents tbody tr")
    expect(links).to_have_count(3)
    for number in (i.number for i in recurring):
        expect(page.locator(f'#linked-incidents [data-incident="{number}"]')).to_be_visible()
    status = page.locator("#problem .ticket-head [data-status]")
    expect(status).to_have_text("New")

    # 3. The investigation starts; the known error is recorded with cause and workaround.
    page.locator("[data-action=start_investigation]").click()
    expect(status).to_have_text("Under investigation")
    page.locator("[data-action=record_known_error]").click()
    page.locator("#action-panel [data-panel=record_known_error]").wait_for()
    page.fill("#action-panel #id_root_cause", ROOT_CAUSE)
    page.fill("#action-panel #id_workaround", WORKAROUND)
    page.locator("[data-submit=record_known_error]").click()
    expect(status).to_have_text("Known error")
    expect(page.locator("#findings [data-workaround]")).to_contain_text(WORKAROUND)
    expect(page.locator("#findings")).to_contain_text(ROOT_CAUSE)
    problem.refresh_from_db()
    assert (problem.status, problem.root_cause, problem.workaround) == (
        Status.KNOWN_ERROR,
        ROOT_CAUSE,
        WORKAROUND,
    )

    # 4. A new incident on the same service is registered by phone.
    new = IncidentFactory(contact=desk["contact"], service=mail, title="Mails stuck again")

    # 5. L1 opens it: the known error of its service, with the workaround, and only that.
    page.problems()
    login("l1")
    page.goto(f"{live_server.url}/tickets/{new.number}/")
    panel = page.locator("#problem-panel")
    expect(panel.locator("[data-known-error]")).to_have_count(1)
    offer = panel.locator(f'[data-known-error="{problem.number}"]')
    expect(offer).to_contain_text("Mail stalls several times a week")
    expect(offer).to_contain_text(WORKAROUND)

    # 6. One click links it to the problem; the panel shows the workaround to apply.
    offer.get_by_role("button", name=f"Link to {problem.number}").click()
    expect(panel.locator("[role=status]")).to_contain_text(
        f"{new.number} is linked to {problem.number}."
    )
    expect(panel.locator(f'[data-problem="{problem.number}"]')).to_be_visible()
    expect(panel.locator("[data-workaround]")).to_contain_text(WORKAROUND)

    # 7. L1 takes the ticket, applies the workaround and completes it with that code.
    ticket_status = page.locator(".ticket-head [data-status]")
    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L1 · Service Desk")
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lena One"])
    page.select_option("#id_assignee", label="Lena One")
    page.locator("[data-submit=assign]").click()
    expect(ticket_status).to_have_text("Assigned")
    page.locator("[data-action=start_work]").click()
    expect(ticket_status).to_have_text("In progress")
    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", label="Resolved with a workaround")
    page.fill("#id_resolution", RESOLUTION)
    page.locator("[data-submit=complete]").click()
    expect(ticket_status).to_have_text("Completed")
    expect(page.locator(".ticket-head .badges")).to_contain_text("Resolved with a workaround")
    expect(panel.locator(f'[data-problem="{problem.number}"]')).to_be_visible()

    new = Incident.objects.get(pk=new.pk)
    assert (new.status, new.closure_code, new.assignee.username) == (
        TicketStatus.COMPLETED,
        ClosureCode.WORKAROUND,
        "l1",
    )
    assert ProblemIncident.objects.get(incident=new).problem == problem

    # 8. The problem page lists the new incident beside the pattern's three.
    page.problems()
    page.goto(f"{live_server.url}/problems/{problem.number}/")
    row = page.locator(f'#linked-incidents [data-incident="{new.number}"]')
    expect(row).to_contain_text("Mails stuck again")
    expect(row).to_contain_text("Completed")
    expect(links).to_have_count(4)

    assert page.problems() == []
