"""The article page: what it shows, the lifecycle buttons each role gets and what each
does (without JS: POST forms, a page for the reason), feedback and files."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import services
from knowledge.models import ArticleFeedback, Status
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def detail(client, article) -> str:
    response = client.get(reverse("knowledge:detail", args=[article.number]))
    assert response.status_code == 200
    return response.content.decode()


def buttons(client, article) -> set[str]:
    body = detail(client, article)
    return {
        name
        for name in ("submit", "publish", "send_back", "new_revision", "retire")
        if f'data-transition="{name}"' in body
    }


def post_step(client, article, name, **data):
    url = reverse("knowledge:transition", args=[article.number, name])
    return client.post(url, {"version": article.version, **data})


class TestPage:
    def test_shows_the_rendered_text_and_the_facts(self, client, l1, l2, kb_manager):
        article = ArticleFactory(
            status=Status.PUBLISHED,
            author=l2,
            title="Restart the VPN gateway",
            body="Run `systemctl restart openvpn` as **root**.\n\n<script>alert(1)</script>",
            keywords="tunnel, openvpn",
        )
        services.article_record_use(article=article, actor=l1)
        services.feedback_record(article=article, helpful=True, actor=l1)
        services.feedback_record(article=article, helpful=False, actor=kb_manager)
        client.force_login(l1)
        body = detail(client, article)
        assert "<code>systemctl restart openvpn</code>" in body and "<strong>root</strong>" in body
        assert "<script>alert(1)" not in body
        assert "tunnel, openvpn" in body and "Internal" in body and "English" in body
        assert 'data-status="published"' in body
        assert "<dd data-uses>1</dd>" in body
        assert "1 helpful · 1 not helpful" in body
        assert l2.get_full_name() in body

    def test_an_attached_image_shows_in_the_text(self, client, l1, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        article = ArticleFactory(author=l1, body="See ![the settings](attachment:vpn.png)")
        upload = SimpleUploadedFile("vpn.png", PNG)
        stored = services.attachment_add(article=article, upload=upload, actor=l1)
        client.force_login(l1)
        url = reverse("knowledge:attachment", args=[article.number, stored.pk])
        assert f'<img src="{url}" alt="the settings">' in detail(client, article)
        response = client.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "image/png"
        assert not response["Content-Disposition"].startswith("attachment")

    def test_a_file_that_is_not_an_image_is_only_downloaded(self, client, l1, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        article = ArticleFactory(author=l1)
        upload = SimpleUploadedFile("fake.png", b"<html><script>x</script>")
        stored = services.attachment_add(article=article, upload=upload, actor=l1)
        client.force_login(l1)
        response = client.get(reverse("knowledge:attachment", args=[article.number, stored.pk]))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment")

    def test_detail_takes_a_fixed_number_of_queries(
        self, client, l1, kb_manager, django_assert_max_num_queries
    ):
        article = ArticleFactory(status=Status.PUBLISHED)
        services.feedback_record(article=article, helpful=True, actor=kb_manager)
        client.force_login(l1)
        # session, user, contact, roles; the article; files; feedback counts; mine;
        # revisions; the inbox badge; one per panel later apps put on the page (problems:
        # the problems whose known error it is; changes: the changes whose review it is);
        # the navigation's Views menu 2 (once a minute).
        with django_assert_max_num_queries(14):
            detail(client, article)


class TestButtonsPerRole:
    @pytest.mark.parametrize(
        ("status", "actor", "expected"),
        [
            (Status.DRAFT, "l1", {"submit"}),
            (Status.DRAFT, "kb_manager", {"submit"}),
            (Status.IN_REVIEW, "l1", set()),
            (Status.IN_REVIEW, "l2", {"send_back"}),  # the author withdraws it
            (Status.IN_REVIEW, "kb_manager", {"publish", "send_back"}),
            (Status.PUBLISHED, "l1", set()),
            (Status.PUBLISHED, "l2", {"new_revision"}),
            (Status.PUBLISHED, "kb_manager", {"retire", "new_revision"}),
            (Status.RETIRED, "l3", set()),
            (Status.RETIRED, "kb_manager", {"new_revision"}),
        ],
    )
    def test_each_role_sees_the_steps_it_may_take(
        self, client, actors, l2, status, actor, expected
    ):
        article = ArticleFactory(status=status, author=l2)
        client.force_login(actors[actor])
        assert buttons(client, article) == expected

    @pytest.mark.parametrize(
        ("status", "actor", "edits"),
        [
            (Status.DRAFT, "l3", True),
            (Status.DRAFT, "cab_member", True),
            (Status.IN_REVIEW, "l2", False),
            (Status.IN_REVIEW, "kb_manager", True),
            (Status.PUBLISHED, "l2", False),
            (Status.PUBLISHED, "kb_manager", True),
        ],
    )
    def test_the_edit_link_follows_the_rules(self, client, actors, l2, status, actor, edits):
        article = ArticleFactory(status=status, author=l2)
        client.force_login(actors[actor])
        assert (
            reverse("knowledge:edit", args=[article.number]) in detail(client, article)
        ) is edits


class TestSteps:
    def test_the_knowledge_manager_publishes_a_review(self, client, kb_manager):
        article = ArticleFactory(status=Status.IN_REVIEW)
        client.force_login(kb_manager)
        response = post_step(client, article, "publish")
        assert response.status_code == 302
        assert response["Location"] == reverse("knowledge:detail", args=[article.number])
        article.refresh_from_db()
        assert article.status == Status.PUBLISHED and article.published_at is not None
        assert "Publish: done." in detail(client, article)

    def test_an_agent_submits_a_draft(self, client, l1):
        article = ArticleFactory(author=l1)
        client.force_login(l1)
        assert post_step(client, article, "submit").status_code == 302
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW
        assert article.history.first().history_user == l1

    def test_an_agent_cannot_publish(self, client, l1):
        article = ArticleFactory(status=Status.IN_REVIEW)
        client.force_login(l1)
        assert post_step(client, article, "publish").status_code == 403
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW

    def test_sending_back_asks_for_the_reason_first(self, client, kb_manager):
        article = ArticleFactory(status=Status.IN_REVIEW)
        client.force_login(kb_manager)
        url = reverse("knowledge:transition", args=[article.number, "send_back"])
        page = client.get(url).content.decode()
        assert "What should change" in page and 'data-submit="send_back"' in page
        response = post_step(client, article, "send_back", reason="  ")
        assert response.status_code == 422
        assert "Say what should change." in response.content.decode()
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW
        response = post_step(client, article, "send_back", reason="Add the rollback steps.")
        assert response.status_code == 302
        article.refresh_from_db()
        assert article.status == Status.DRAFT
        assert article.history.first().history_change_reason == "Add the rollback steps."

    def test_htmx_gets_the_reason_panel_alone(self, client, kb_manager):
        article = ArticleFactory(status=Status.PUBLISHED)
        client.force_login(kb_manager)
        url = reverse("knowledge:transition", args=[article.number, "retire"])
        response = client.get(url, headers={"HX-Request": "true"})
        body = response.content.decode()
        assert "<html" not in body and 'id="transition-panel"' in body
        assert response["HX-Retarget"] == "#transition-panel"

    def test_a_retirement_with_its_reason(self, client, kb_manager):
        article = ArticleFactory(status=Status.PUBLISHED)
        client.force_login(kb_manager)
        assert (
            post_step(client, article, "retire", reason="Service discontinued").status_code == 302
        )
        article.refresh_from_db()
        assert article.status == Status.RETIRED
        assert article.history.first().history_change_reason == "Service discontinued"

    def test_the_author_starts_a_new_revision(self, client, l2):
        article = ArticleFactory(status=Status.PUBLISHED, author=l2)
        client.force_login(l2)
        assert post_step(client, article, "new_revision").status_code == 302
        article.refresh_from_db()
        assert article.status == Status.DRAFT

    def test_a_stale_page_is_refused_and_keeps_the_reason(self, client, kb_manager):
        article = ArticleFactory(status=Status.IN_REVIEW)
        stale_version = article.version
        services.article_update(
            article=article, actor=kb_manager, expected_version=article.version, title="Renamed"
        )
        client.force_login(kb_manager)
        url = reverse("knowledge:transition", args=[article.number, "send_back"])
        response = client.post(url, {"version": stale_version, "reason": "Shorter, please."})
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this article" in body and "Shorter, please." in body
        assert f'name="version" value="{article.version}"' in body  # sending again works
        article.refresh_from_db()
        assert article.status == Status.IN_REVIEW

    def test_an_empty_draft_cannot_be_submitted(self, client, l1):
        article = ArticleFactory(author=l1, body="")
        client.force_login(l1)
        response = post_step(client, article, "submit")
        assert response.status_code == 422
        assert "needs a title and a text" in response.content.decode()


class TestFeedback:
    def test_staff_rate_a_published_article_once(self, client, l1):
        article = ArticleFactory(status=Status.PUBLISHED)
        client.force_login(l1)
        url = reverse("knowledge:feedback", args=[article.number])
        assert client.post(url, {"helpful": "yes"}).status_code == 302
        assert client.post(url, {"helpful": "no", "comment": "Outdated"}).status_code == 302
        feedback = ArticleFeedback.objects.get()
        assert (feedback.user, feedback.helpful, feedback.comment) == (l1, False, "Outdated")
        body = detail(client, article)
        assert 'data-my-feedback="no"' in body and "0 helpful · 1 not helpful" in body

    def test_a_draft_cannot_be_rated(self, client, l1):
        article = ArticleFactory()
        client.force_login(l1)
        assert 'id="feedback"' not in detail(client, article)
        url = reverse("knowledge:feedback", args=[article.number])
        assert client.post(url, {"helpful": "yes"}).status_code == 403

    def test_a_verdict_is_required(self, client, l1):
        article = ArticleFactory(status=Status.PUBLISHED)
        client.force_login(l1)
        url = reverse("knowledge:feedback", args=[article.number])
        response = client.post(url, {"comment": "Kept text"})
        assert response.status_code == 422
        assert "Kept text" in response.content.decode()
        assert not ArticleFeedback.objects.exists()
