"""The knowledge manager's day, in a real browser: log in and land on the knowledge
workspace, open the article waiting for review, publish it, then find it by typing in
the search box (results follow the typing) with the words highlighted."""

import re

import pytest
from playwright.sync_api import expect

from knowledge.models import Article, Status
from servicedesk import roles
from tests.browser.conftest import settle
from tests.factories import UserFactory
from tests.knowledge.factories import ArticleFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def waiting():
    UserFactory(
        username="kb", first_name="Hanna", last_name="Vogel", roles=[roles.KNOWLEDGE_MANAGER]
    )
    author = UserFactory(username="writer", roles=[roles.L2_AGENT])
    return ArticleFactory(
        status=Status.IN_REVIEW,
        author=author,
        title="Rotate the firewall certificates",
        body="Upload the new certificate, then **reload** the firewall.",
    )


def test_the_knowledge_manager_publishes_a_review_and_finds_it(waiting, login, live_server):
    page = login("kb")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    expect(page).to_have_url(f"{live_server.url}/kb/")
    expect(page.locator("h1")).to_have_text("Knowledge base")

    review = page.locator('[data-panel="review"]')
    expect(review.locator("[data-count]")).to_have_text("1")
    review.get_by_role("link", name=waiting.number).click()
    expect(page.locator("[data-status]")).to_have_text("In review")
    expect(page.locator(".kb-body strong")).to_have_text("reload")

    page.locator('[data-transition="publish"]').click()
    expect(page.locator("#messages")).to_contain_text("Publish: done.")
    expect(page.locator("[data-status]")).to_have_text("Published")
    assert Article.objects.get(pk=waiting.pk).status == Status.PUBLISHED

    page.get_by_role("link", name="Knowledge", exact=True).click()
    expect(page.locator('[data-panel="review"] [data-count]')).to_have_text("0")
    settle(page, "#kb-q")  # htmx listens to the box before the typing starts
    page.locator("#kb-q").press_sequentially("firewall certificate", delay=30)
    hit = page.locator("[data-hit]").first
    expect(hit).to_contain_text(waiting.number)
    expect(hit.locator(".hit-title mark").first).to_have_text(re.compile("firewall", re.I))
    expect(page).to_have_url(re.compile(r"/kb/\?q=firewall%20certificate&"))  # pushed
    assert errors == []
