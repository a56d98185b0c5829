"""The problem manager's workspace in a browser: the landing page, htmx switching the
sections and filtering the known errors as one types (the address following), opening a
problem from a pattern, and no console error or CSP violation on the way."""

from datetime import timedelta

import pytest
from django.utils import timezone

from problems.models import Problem, Status
from servicedesk import roles
from tests.browser.conftest import settle
from tests.browser.test_csp_console import WATCH_CSP
from tests.factories import ContactFactory, ServiceFactory, UserFactory
from tests.problems.bulk import incident, save
from tests.problems.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def workspace():
    manager = UserFactory(username="pm", roles=[roles.PROBLEM_MANAGER])
    mail = ServiceFactory(name="Mail")
    contact = ContactFactory()
    now = timezone.now()
    save(
        [
            incident(
                f"Ab{i}x Cd{i}y", now - timedelta(days=i, hours=1), contact=contact, service=mail
            )
            for i in range(4)
        ]
    )
    ProblemFactory(actor=manager, title="VPN drops every hour", status=Status.KNOWN_ERROR)
    ProblemFactory(actor=manager, title="Disk fills with logs", status=Status.KNOWN_ERROR)
    return mail


def test_the_problem_manager_works_the_workspace_with_htmx(workspace, page, login, live_server):
    problems: list[str] = []
    page.add_init_script(WATCH_CSP)
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))

    login("pm")
    assert page.url == f"{live_server.url}/problems/"
    assert page.locator("table.prb-list tbody tr").count() == 2

    page.click(".prb-sections >> text=Known errors")
    page.wait_for_url("**/problems/known-errors/")
    settle(page, "#prb-q")  # typed before htmx binds the box, the search never goes out
    page.fill("#prb-q", "disk")
    page.wait_for_url("**/problems/known-errors/?q=disk")
    rows = page.locator("#known-results tbody tr")
    rows.first.wait_for()
    assert rows.count() == 1 and "Disk fills with logs" in rows.first.inner_text()

    page.click(".prb-sections >> text=Patterns")
    page.wait_for_url("**/problems/patterns/")
    card = page.locator(f'[data-pattern="service:{workspace.pk}"]')
    card.locator("input[name=title]").fill("Mail bounces")
    card.locator("button[type=submit]").click()
    page.wait_for_url("**/problems/PRB-*/")
    problem = Problem.objects.get(title="Mail bounces")
    assert page.url == f"{live_server.url}/problems/{problem.number}/"
    assert problem.incident_links.count() == 4

    page.goto(f"{live_server.url}/problems/figures/")
    page.wait_for_load_state("networkidle")
    assert page.locator("svg.chart").count() >= 1
    problems += page.evaluate("window.__problems || []")
    # The problem page comes with its own branch: until then its address answers 404.
    assert [p for p in problems if "404" not in p] == []
