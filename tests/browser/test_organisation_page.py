"""Issue 13's organisation and configuration-item pages in a browser: an L1 agent opens a
ticket, follows its organisation to the organisation page, reads its contacts, SLA and
open tickets, then opens the ticket's configuration item from the ticket page and sees
its incidents, problems and changes. No console or script error and no answer of 500 or
more on the way."""

import pytest
from playwright.sync_api import expect

from servicedesk import roles
from servicedesk.models import Line
from tests.changes.factories import ChangeFactory
from tests.factories import (
    ConfigurationItemFactory,
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
    SupportGroupFactory,
    UserFactory,
    make_incident_in,
)
from tests.problems.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    northwind = OrganisationFactory(name="Northwind Hosting", contract_number="NW-2026")
    mail = ServiceFactory(name="Managed mail")
    SlaPolicyFactory(organisation=northwind, name="Northwind Gold").services.set([mail])
    jana = ContactFactory(
        organisation=northwind, name="Jana Becker", email="jana@northwind.test", with_login=True
    )
    ContactFactory(organisation=northwind, name="Otto Reader", is_authorised=False)
    server = ConfigurationItemFactory(name="mx-01", service=mail, organisation=northwind)
    ticket = make_incident_in(
        "in_progress",
        group=group,
        assignee=l1,
        contact=jana,
        service=mail,
        configuration_item=server,
        title="Mails stuck in the outbox",
    )
    other = make_incident_in("registered", contact=jana, service=mail, title="Spam filter off")
    problem = ProblemFactory(title="Outbox stalls under load", configuration_item=server)
    change = ChangeFactory(title="Upgrade the mail relay", configuration_items=[server])
    return {
        "ticket": ticket,
        "other": other,
        "organisation": northwind,
        "server": server,
        "problem": problem,
        "change": change,
    }


@pytest.fixture
def watched(page):
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


def test_l1_follows_a_ticket_to_its_organisation_and_configuration_item(
    desk, watched, login, live_server
):
    page = watched
    ticket, other = desk["ticket"], desk["other"]
    login("l1")

    # 1. The ticket names its organisation: one click opens the organisation page.
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    page.locator("[data-organisation-link]").click()
    expect(page).to_have_url(f"{live_server.url}/organisations/{desk['organisation'].pk}/")
    expect(page.locator("h1")).to_have_text("Northwind Hosting")
    expect(page.locator("[data-contract]")).to_contain_text("NW-2026")

    # 2. Its contacts, who may open tickets and who has a portal login.
    contacts = page.locator("#contacts")
    expect(contacts.locator("tr", has_text="Jana Becker")).to_contain_text("jana@northwind.test")
    expect(contacts.locator("tr", has_text="Otto Reader")).to_contain_text("no")

    # 3. The contract's SLA and the open tickets, each a link to its ticket.
    expect(page.locator("#sla")).to_contain_text("Northwind Gold")
    expect(page.locator("#sla [data-services]")).to_have_text("Managed mail")
    open_tickets = page.locator("[data-open-tickets]")
    expect(open_tickets.locator(f'[data-ticket="{ticket.number}"]')).to_contain_text(
        "Mails stuck in the outbox"
    )
    expect(open_tickets.locator(f'[data-ticket="{other.number}"]')).to_be_visible()
    # The problem on the mail service touches this customer.
    expect(page.locator("[data-record-problems]")).to_contain_text(desk["problem"].number)

    # 4. Back on the ticket, its configuration item opens the CI page.
    open_tickets.locator(f'[data-ticket="{ticket.number}"] a').first.click()
    expect(page.locator("h1")).to_contain_text(ticket.number)
    page.locator("[data-ci-link]").click()
    expect(page).to_have_url(f"{live_server.url}/cis/{desk['server'].pk}/")
    expect(page.locator("h1")).to_have_text("mx-01")
    expect(page.locator("[data-service]")).to_have_text("Managed mail")
    expect(page.locator("[data-owner]")).to_have_text("Northwind Hosting")
    expect(page.locator(f'[data-ci-tickets] [data-ticket="{ticket.number}"]')).to_be_visible()
    expect(
        page.locator(f'[data-record-problems] [data-problem="{desk["problem"].number}"]')
    ).to_be_visible()
    expect(
        page.locator(f'[data-record-changes] [data-change="{desk["change"].number}"]')
    ).to_be_visible()

    assert page.problems == []
