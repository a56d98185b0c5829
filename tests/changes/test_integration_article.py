"""A closed change's review becomes a knowledge article in one click: a prefilled draft,
linked both ways, written once, by the change manager only."""

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from changes.models import ChangeRequest, Status
from changes.services.knowledge import change_write_article, may_write_article
from knowledge.models import Article
from knowledge.models import Status as ArticleStatus
from tests.changes.factories import ChangeFactory
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def closed(change_manager):
    web = ServiceFactory(name="Web hosting")
    change = ChangeFactory(
        status=Status.REVIEW,
        title="Move the shop to PHP 8.4",
        description="Upgrade the shop's runtime.",
        reason="PHP 8.1 is out of support.",
        implementation_plan="Blue/green switch.",
        services=[web],
        actor=change_manager,
    )
    from changes import services

    return services.change_close(
        change=change,
        review="Extensions must be rebuilt first; the switch took 4 minutes.",
        outcome="with_issues",
        actor=change_manager,
    )


def url(change: ChangeRequest) -> str:
    return reverse("changes:write_article", args=[change.number])


class TestService:
    def test_the_draft_is_prefilled_and_linked_both_ways(self, closed, change_manager):
        article = change_write_article(change=closed, actor=change_manager)
        assert article.status == ArticleStatus.DRAFT
        assert article.title == "Move the shop to PHP 8.4"
        assert "Upgrade the shop's runtime." in article.body
        assert "PHP 8.1 is out of support." in article.body
        assert "Extensions must be rebuilt first" in article.body
        assert "Blue/green switch." in article.body
        assert article.service is not None and article.service.name == "Web hosting"
        closed.refresh_from_db()
        assert closed.article == article
        assert list(article.changes.all()) == [closed]
        assert closed.history.first().history_change_reason == (
            f"Article {article.number} written from the review"
        )

    def test_a_second_call_returns_the_same_article(self, closed, change_manager):
        first = change_write_article(change=closed, actor=change_manager)
        assert change_write_article(change=closed, actor=change_manager) == first
        assert Article.objects.count() == 1

    @pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.REVIEW, Status.CANCELLED])
    def test_only_a_closed_change_becomes_an_article(self, change_manager, status):
        change = ChangeFactory(status=status, actor=change_manager)
        with pytest.raises(ValidationError):
            change_write_article(change=change, actor=change_manager)
        assert not Article.objects.exists()

    def test_only_the_change_manager_writes_it(self, closed, l2):
        with pytest.raises(PermissionDenied):
            change_write_article(change=closed, actor=l2)
        assert not may_write_article(closed, l2)


class TestView:
    def test_the_change_manager_gets_the_draft_to_edit(self, client, closed, change_manager):
        client.force_login(change_manager)
        response = client.post(url(closed))
        article = Article.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("knowledge:edit", args=[article.number])
        assert "was written from the review" in str(next(iter(get_messages(response.wsgi_request))))

    def test_a_second_click_goes_to_the_same_article(self, client, closed, change_manager):
        client.force_login(change_manager)
        client.post(url(closed))
        response = client.post(url(closed))
        article = Article.objects.get()
        assert response["Location"] == reverse("knowledge:edit", args=[article.number])
        assert "already has its article" in str(list(get_messages(response.wsgi_request))[-1])

    def test_a_change_not_closed_goes_back_with_the_reason(self, client, change_manager):
        change = ChangeFactory(status=Status.IMPLEMENTED, actor=change_manager)
        client.force_login(change_manager)
        response = client.post(url(change))
        assert response["Location"] == reverse("changes:detail", args=[change.number])
        assert "Only the review of a closed change" in str(
            next(iter(get_messages(response.wsgi_request)))
        )
        assert not Article.objects.exists()

    @pytest.mark.parametrize(
        ("role", "status"),
        [
            ("l1", 403),
            ("cab_member", 403),
            ("kb_manager", 403),
            ("contact_a", 403),
            ("outsider", 403),
        ],
    )
    def test_everyone_else_is_refused(self, client, actors, closed, role, status):
        client.force_login(actors[role])
        assert client.post(url(closed)).status_code == status
        assert not Article.objects.exists()

    def test_anonymous_visitors_are_sent_to_log_in(self, client, closed):
        response = client.post(url(closed))
        assert response.status_code == 302 and "login" in response["Location"]

    def test_only_post(self, client, closed, change_manager):
        client.force_login(change_manager)
        assert client.get(url(closed)).status_code == 405

    def test_an_unknown_number_is_404(self, client, change_manager):
        client.force_login(change_manager)
        assert client.post("/changes/CHG-999999/article/").status_code == 404


class TestPages:
    def render(self, change: ChangeRequest, user) -> str:
        request = RequestFactory().get("/")
        request.user = user
        template = Template("{% load change_article %}{% change_article change %}")
        return template.render(Context({"change": change, "request": request}))

    def test_the_change_page_section_offers_the_button_to_the_change_manager(
        self, closed, change_manager, l1
    ):
        assert 'data-action="write_article"' in self.render(closed, change_manager)
        assert 'data-action="write_article"' not in self.render(closed, l1)

    def test_once_written_the_section_links_the_article(self, closed, change_manager):
        article = change_write_article(change=closed, actor=change_manager)
        html = self.render(closed, change_manager)
        assert 'data-action="write_article"' not in html
        assert reverse("knowledge:detail", args=[article.number]) in html

    def test_the_article_page_names_the_change(self, client, closed, change_manager, l1):
        article = change_write_article(change=closed, actor=change_manager)
        client.force_login(l1)
        page = client.get(reverse("knowledge:detail", args=[article.number])).text
        assert "Written from the review of" in page
        assert reverse("changes:detail", args=[closed.number]) in page

    def test_the_change_page_carries_the_section(self, client, closed, change_manager, l1):
        client.force_login(change_manager)
        page = client.get(reverse("changes:detail", args=[closed.number])).text
        assert f'action="{url(closed)}"' in page
        client.force_login(l1)
        page = client.get(reverse("changes:detail", args=[closed.number])).text
        assert f'action="{url(closed)}"' not in page
        assert "Knowledge article" in page
