"""Issue 10 on the ticket page, in a browser: L1 opens a new incident on a service with
a known error, sees its workaround, links the incident to the problem in one click
(htmx swaps the panel), links the known error's article to the ticket and pastes it into
a reply, then takes the incident off the problem again. No console or script error and
no answer of 500 or more on the way."""

import pytest
from playwright.sync_api import expect

from knowledge.models import Status as ArticleStatus
from problems import services
from problems.models import ProblemIncident, Status
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
from tests.knowledge.factories import move_to as publish
from tests.problems.factories import ProblemFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def desk():
    l1 = UserFactory(username="l1", first_name="Lena", last_name="One", roles=[roles.L1_AGENT])
    group = SupportGroupFactory(name="Service Desk", line=Line.L1, members=[l1])
    manager = UserFactory(username="pm", roles=[roles.PROBLEM_MANAGER])
    mail = ServiceFactory(name="Managed mail")
    problem = ProblemFactory(
        title="Mail queue stalls under load",
        service=mail,
        status=Status.KNOWN_ERROR,
        actor=manager,
    )
    article = services.problem_write_article(problem=problem, actor=manager)
    publish(article, ArticleStatus.PUBLISHED)
    contact = ContactFactory(
        organisation=OrganisationFactory(name="Northwind Hosting"), name="Jana Becker"
    )
    incident = make_incident_in(
        "in_progress",
        group=group,
        assignee=l1,
        contact=contact,
        service=mail,
        title="Mails stuck in the outbox",
    )
    return {"problem": problem, "article": article, "incident": incident}


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


def test_l1_sees_the_known_error_links_the_incident_and_applies_the_workaround(
    desk, watched, login, live_server
):
    page = watched
    problem, article, incident = desk["problem"], desk["article"], desk["incident"]
    panel = page.locator("#problem-panel")

    # 1. The new incident on the same service: the known error and its workaround.
    login("l1")
    page.goto(f"{live_server.url}/tickets/{incident.number}/")
    offer = panel.locator(f'[data-known-error="{problem.number}"]')
    expect(offer).to_contain_text("Mail queue stalls under load")
    expect(offer).to_contain_text("Restart the agent")

    # 2. One click links it; the panel now shows the problem, its workaround and article.
    offer.locator(f'[data-link-problem="{problem.number}"]').click()
    expect(panel.locator("[role=status]")).to_contain_text(
        f"{incident.number} is linked to {problem.number}."
    )
    expect(panel.locator("[data-workaround]")).to_contain_text("Restart the agent")
    assert ProblemIncident.objects.get(incident=incident).problem == problem

    # 3. The known error's article: linked to the ticket, then pasted into a reply.
    panel.locator(f'[data-link-article="{article.number}"]').click()
    expect(page.locator(f'#kb-panel [data-linked="{article.number}"]')).to_be_visible()
    panel.locator(f'[data-paste-article="{article.number}"]').click()
    body = page.locator("#comment-form textarea")
    expect(body).to_be_focused()
    assert body.input_value().startswith(f"{article.title} ({article.number})")

    # 4. Not this problem after all: off it again, and the offer is back.
    panel.locator(f'[data-unlink-problem="{problem.number}"]').click()
    expect(panel.locator("[role=status]")).to_contain_text("is no longer linked")
    expect(panel.locator(f'[data-link-problem="{problem.number}"]')).to_be_visible()
    assert not ProblemIncident.objects.exists()

    assert page.problems == []
