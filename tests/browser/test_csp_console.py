"""No console error and no Content-Security-Policy violation on the main staff pages and
the portal pages, action panels opened through htmx included. Chromium reports each
CSP violation as a console error and as a `securitypolicyviolation` event; both are
collected, along with uncaught page errors."""

import pytest

from incidents.models import Status
from servicedesk import roles
from servicedesk.models import Line
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
    make_incident_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH_CSP = """
window.__problems = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__problems.push(`CSP ${event.violatedDirective}: ${event.blockedURI} ` +
    `at ${event.sourceFile}:${event.lineNumber} ${event.sample}`);
});
"""


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", roles=[roles.L1_AGENT])
    l2 = UserFactory(username="l2", roles=[roles.L2_AGENT])
    manager = UserFactory(username="desk_manager", roles=[roles.DESK_MANAGER])
    l1_group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1, manager])
    SupportGroupFactory(name="Operations", line=Line.L2, members=[l2])
    org = OrganisationFactory(name="Northwind Hosting")
    contact = ContactFactory(
        organisation=org, name="Jana Becker", with_login=True, user__username="jana"
    )
    service = ServiceFactory(name="Virtual servers")
    ticket = make_incident_in(Status.IN_PROGRESS, contact=contact, group=l1_group, assignee=l1)
    completed = make_incident_in(Status.COMPLETED, contact=contact, group=l1_group)
    return {"ticket": ticket, "completed": completed, "service": service}


@pytest.fixture
def watched(page):
    """The page, with every console error, page error and CSP violation collected."""
    problems: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}") if message.type == "error" else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))

    def collect() -> list[str]:
        """What was reported since the last call."""
        found = problems + page.evaluate(
            "(() => { const p = window.__problems || []; window.__problems = []; return p; })()"
        )
        problems.clear()
        return found

    page.problems = collect
    return page


def _visit(page, url: str, seen: list[str]) -> None:
    response = page.goto(url)
    assert response is not None and response.status < 400, (url, response and response.status)
    page.wait_for_load_state("networkidle")
    seen.extend(f"{url}: {problem}" for problem in page.problems())


def test_staff_pages_have_no_console_errors(desk, watched, login, live_server):
    page = login("l1")
    seen: list[str] = []
    number = desk["ticket"].number
    for path in [
        "/tickets/triage/",
        "/tickets/queue/l2/",
        "/tickets/queue/l3/",
        "/tickets/mine/",
        "/tickets/open/",
        "/tickets/new/",
        "/tickets/quarantine/",
        f"/tickets/{number}/",
        "/kb/",
        "/kb/?q=printer",
        "/kb/new/",
        "/tickets/canned/",
        "/tickets/canned/new/",
        f"/tickets/{number}/canned/",
    ]:
        _visit(page, live_server.url + path, seen)

    # The canned responses' picker, opened through htmx.
    page.goto(f"{live_server.url}/tickets/{number}/")
    page.locator("[data-canned-open]").click()
    page.wait_for_load_state("networkidle")
    seen.extend(f"canned picker: {problem}" for problem in page.problems())

    # Each action panel of the ticket, opened through htmx.
    actions = page.locator("[data-action]")
    for index in range(actions.count()):
        page.goto(f"{live_server.url}/tickets/{number}/")
        page.locator("[data-action]").nth(index).click()
        page.wait_for_load_state("networkidle")
        seen.extend(f"action {index}: {problem}" for problem in page.problems())

    # An action submitted incomplete: the panel comes back with its errors (422).
    page.goto(f"{live_server.url}/tickets/{number}/")
    page.locator("[data-action=complete]").click()
    page.locator("[data-submit=complete]").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("#action-panel .errorlist, #action-panel [role=alert]").count() >= 1
    # The desk answers a form with errors 422 (by design, htmx swaps it in): Chromium
    # logs that answer's status as a network line, not a script or CSP error.
    seen.extend(
        f"complete, incomplete: {problem}"
        for problem in page.problems()
        if "the server responded with a status of 422" not in problem
    )

    page = login("desk_manager")
    _visit(page, f"{live_server.url}/manager/", seen)
    _visit(page, f"{live_server.url}/manager/tickets/?figure=backlog", seen)
    _visit(page, f"{live_server.url}/tickets/sla/", seen)
    _visit(page, f"{live_server.url}/api/v1/docs", seen)
    assert seen == []


def test_portal_pages_have_no_console_errors(desk, watched, login, live_server):
    page = login("jana")
    seen: list[str] = []
    for path in [
        "/portal/",
        "/portal/catalogue/",
        f"/portal/catalogue/{desk['service'].pk}/raise/",
        f"/portal/tickets/{desk['ticket'].number}/",
        f"/portal/tickets/{desk['completed'].number}/",
    ]:
        _visit(page, live_server.url + path, seen)
    assert seen == []


def test_login_and_password_reset_pages_have_no_console_errors(watched, live_server):
    seen: list[str] = []
    for path in ["/login/", "/password-reset/", "/admin/login/"]:
        _visit(watched, live_server.url + path, seen)
    assert seen == []


def test_admin_pages_have_no_console_errors(desk, watched, login, live_server):
    UserFactory(username="root", is_staff=True, is_superuser=True)
    page = login("root")
    seen: list[str] = []
    for path in [
        "/admin/",
        "/admin/incidents/incident/",
        f"/admin/incidents/incident/{desk['ticket'].pk}/change/",
        "/admin/servicedesk/prioritymatrixentry/",
        "/admin/servicedesk/prioritymatrixentry/grid/",
        "/admin/servicedesk/slapolicy/add/",
        "/admin/incidents/cannedresponse/add/",
    ]:
        _visit(page, live_server.url + path, seen)
    assert seen == []
