"""Issue 9 in a browser: an agent logs a call, sees the article that matches the summary
as they type it, links it to the new ticket and resolves the ticket with it; a contact
finds a public article in the portal and says it helped. No console or script error and
no answer of 500 or more on the way."""

import re

import pytest
from playwright.sync_api import expect

from incidents.models import Incident
from knowledge.models import Article, ArticleFeedback, Status
from servicedesk import roles
from servicedesk.models import Line
from tests.browser.conftest import settle
from tests.factories import (
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
)
from tests.knowledge.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    org = OrganisationFactory(name="Northwind Hosting", contract_number="C-1001")
    ContactFactory(
        organisation=org,
        name="Jana Becker",
        email="jana@northwind.example",
        with_login=True,
        user__username="jana",
    )
    vpn = ServiceFactory(name="Managed VPN")
    article = ArticleFactory(
        status=Status.PUBLISHED,
        visibility="public",
        service=vpn,
        title="VPN client cannot connect after an update",
        body="1. Open the VPN client.\n2. Choose **Reset profile** and sign in again.",
    )
    return {"article": article}


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


def test_an_agent_resolves_with_a_suggested_article_and_a_contact_finds_one(
    desk, watched, login, live_server
):
    page = watched
    article: Article = desk["article"]

    # 1. L1 logs the call; the matching article appears while the summary is typed.
    login("l1")
    page.goto(f"{live_server.url}/tickets/new/")
    page.fill("#contact-search", "Jana")
    page.locator("#contact-results .pick", has_text="Jana Becker").click()
    expect(page.locator("#contact-card")).to_contain_text("Jana Becker")
    settle(page, "#id_title")
    page.locator("#id_title").press_sequentially("VPN client will not connect", delay=30)
    suggested = page.locator(f'#kb-suggestions [data-suggested="{article.number}"]')
    expect(suggested).to_contain_text(article.title)

    # 2. One click links it; the ticket is registered with the article linked.
    suggested.get_by_role("checkbox").check()
    page.get_by_role("button", name="Register ticket").click()
    expect(page.locator(".ticket-head h1")).to_contain_text("VPN client will not connect")
    number = page.locator(".ticket-head .number").inner_text()
    assert re.fullmatch(r"INC-\d{6}", number)
    expect(page.locator(f'#kb-panel [data-linked="{article.number}"]')).to_be_visible()

    # 3. L1 takes it, works it and completes it with the linked article.
    status = page.locator(".ticket-head [data-status]")
    page.locator("[data-action=assign]").click()
    settle(page, "#id_group")
    page.select_option("#id_group", label="L1 · Service Desk")
    expect(page.locator("#id_assignee option")).to_have_text(["---------", "Lena One"])
    page.select_option("#id_assignee", label="Lena One")
    page.locator("[data-submit=assign]").click()
    expect(status).to_have_text("Assigned")
    page.locator("[data-action=start_work]").click()
    expect(status).to_have_text("In progress")
    page.locator("[data-action=complete]").click()
    page.select_option("#id_closure_code", "resolved")
    page.fill("#id_resolution", "Reset the VPN profile as the article describes.")
    page.select_option("#id_resolved_with", label=f"{article.number} {article.title}")
    page.locator("[data-submit=complete]").click()
    expect(status).to_have_text("Completed")
    expect(page.locator("#kb-panel [data-resolved-with]")).to_be_visible()
    article.refresh_from_db()
    assert article.use_count == 1
    assert Incident.objects.get(number=number).resolved_with == article

    # 4. The contact finds a public article in the portal and says it helped.
    login("jana")
    page.locator(".nav").get_by_role("link", name="Help articles").click()
    page.fill("#id_q", "vpn client connect")
    page.get_by_role("button", name="Search").click()
    result = page.locator(f'.portal-kb-result[data-article="{article.number}"]')
    expect(result.locator("mark").first).to_be_visible()
    result.get_by_role("link").click()
    expect(page.locator(".portal-head h1")).to_have_text(article.title)
    expect(page.locator(".kb-text strong")).to_have_text("Reset profile")
    page.locator("#feedback").get_by_role("button", name="Yes, it helped").click()
    expect(page.locator("#feedback .kb-given")).to_contain_text("You told us it did.")
    feedback = ArticleFeedback.objects.get()
    assert (feedback.article_id, feedback.helpful, feedback.user.username) == (
        article.pk,
        True,
        "jana",
    )

    assert page.problems == []


def test_the_ticket_page_suggests_links_and_pastes_and_the_portal_deflects(
    desk, watched, login, live_server
):
    """The htmx wiring beside the form: suggestions load on the ticket page, one click
    links, another fills the reply; before raising a ticket the contact reads an article
    in place and answers yes, and no ticket is raised."""
    from tests.factories import make_incident_in

    page = watched
    article: Article = desk["article"]
    ticket = make_incident_in("in_progress", title="VPN client cannot connect since Monday")

    login("l1")
    page.goto(f"{live_server.url}/tickets/{ticket.number}/")
    suggested = page.locator(f'#kb-ticket-suggestions [data-suggested="{article.number}"]')
    expect(suggested).to_be_visible()
    suggested.get_by_role("link", name="Paste into a reply").click()
    reply = page.locator("#comment-form textarea")
    expect(reply).to_have_value(re.compile(rf"\({article.number}\)[\s\S]*Reset profile"))
    expect(reply).to_be_focused()
    expect(page.locator("#comment-form #id_is_public")).to_be_checked()
    suggested.get_by_role("button", name="Link to the ticket").click()
    expect(page.locator(f'#kb-panel [data-linked="{article.number}"]')).to_be_visible()
    page.locator("#kb-q").press_sequentially("reset profile", delay=30)
    expect(page.locator("#kb-ticket-suggestions")).to_contain_text("No published article")

    login("jana")
    page.goto(f"{live_server.url}/portal/catalogue/")
    page.locator(".service-card", has_text="Managed VPN").get_by_role(
        "link", name="Report a problem"
    ).click()
    hit = page.locator(f'.kb-hit[data-article="{article.number}"]')
    expect(hit).to_be_visible()  # the service's most used public articles
    settle(page, "#kb-suggestions")
    page.locator("#id_title").press_sequentially("printer on fire", delay=30)
    expect(page.locator("#kb-suggestions .kb-none")).to_be_visible()
    page.locator("#id_title").fill("")
    page.locator("#id_title").press_sequentially("vpn profile", delay=30)
    expect(hit).to_be_visible()
    hit.locator("summary").click()
    expect(hit.locator(".kb-text")).to_contain_text("Reset profile")
    hit.get_by_role("button", name="Yes, I need no ticket").click()
    expect(page.locator(".messages")).to_contain_text("no ticket was raised")
    assert ArticleFeedback.objects.get().helpful is True
    assert Incident.objects.count() == 1  # only the agent's

    assert page.problems == []
