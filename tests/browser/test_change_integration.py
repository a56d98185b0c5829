"""Changes on other pages, in a real browser: the problem manager resolves a problem with
the change that fixed it from the problem page (htmx, no reload), and an affected
customer sees the planned maintenance on the portal home and on the service's card."""

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from changes.models import Status
from problems.models import Problem
from problems.models import Status as ProblemStatus
from servicedesk import roles
from tests.changes.factories import ChangeFactory
from tests.factories import (
    ConfigurationItemFactory,
    ContactFactory,
    ServiceFactory,
    UserFactory,
)
from tests.problems.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_problem_manager_resolves_the_problem_with_the_change(login, live_server):
    manager = UserFactory(username="pm", roles=[roles.PROBLEM_MANAGER])
    problem = ProblemFactory(
        title="Checkout times out", status=ProblemStatus.KNOWN_ERROR, actor=manager
    )
    change = ChangeFactory(
        status=Status.IMPLEMENTED, problems=[problem], title="Raise the proxy timeout"
    )
    page = login("pm")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/problems/{problem.number}/")
    panel = page.locator("#change-panel")
    expect(panel.locator(f'[data-linked-change="{change.number}"]')).to_contain_text("Implemented")
    fix = panel.get_by_label("Permanent fix")
    expect(fix).to_have_value(f"{change.number}: Raise the proxy timeout")
    url = page.url
    panel.get_by_role("button", name=f"Resolve with {change.number}").click()
    expect(page.locator("[data-status]").first).to_have_text("Resolved")
    expect(page.locator("#change-panel [data-resolve-with]")).to_have_count(0)
    assert page.url == url  # swapped in place
    resolved = Problem.objects.get(pk=problem.pk)
    assert resolved.status == ProblemStatus.RESOLVED
    assert resolved.permanent_fix == f"{change.number}: Raise the proxy timeout"
    assert errors == []


def test_an_affected_customer_sees_the_planned_maintenance(login, live_server):
    web = ServiceFactory(name="Web hosting")
    contact = ContactFactory(with_login=True, user__username="customer")
    ConfigurationItemFactory(service=web, organisation=contact.organisation)
    start = datetime(2030, 1, 10, 15, 0, tzinfo=UTC)
    change = ChangeFactory(
        status=Status.SCHEDULED,
        services=[web],
        planned_start=start,
        planned_end=start + timedelta(hours=2),
    )
    page = login("customer")
    home = page.locator("[data-maintenance-panel]")
    expect(home.locator(f'[data-maintenance="{change.number}"]')).to_contain_text("Web hosting")
    expect(home).to_contain_text("Thu 10 Jan 2030 16:00")  # Europe/Berlin, the default
    page.get_by_role("link", name="Raise a ticket").first.click()
    card = page.locator(".service-card", has=page.get_by_role("heading", name="Web hosting"))
    expect(card.locator(f'[data-maintenance="{change.number}"]')).to_contain_text(
        "Planned maintenance"
    )
