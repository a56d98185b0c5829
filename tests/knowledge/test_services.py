"""Writing and editing articles, feedback, uses, attachments and the search log."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from knowledge import services
from knowledge.exceptions import StaleArticle
from knowledge.models import ArticleFeedback, Audience, SearchLog, Status
from knowledge.selectors import top_unanswered_searches, with_feedback_counts
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


class TestWriting:
    @pytest.mark.parametrize("role", ["l1", "l3", "problem_manager", "kb_manager"])
    def test_staff_write_drafts(self, actors, role):
        article = services.article_create(title="VPN", body="Steps", actor=actors[role])
        assert article.status == Status.DRAFT
        assert article.author == actors[role]
        assert article.history.first().history_user == actors[role]

    @pytest.mark.parametrize("role", ["contact_a", "outsider"])
    def test_contacts_and_outsiders_do_not(self, actors, role):
        with pytest.raises(PermissionDenied):
            services.article_create(title="VPN", body="Steps", actor=actors[role])

    def test_bad_input_is_named_by_field(self, l1):
        with pytest.raises(ValidationError) as error:
            services.article_create(
                title="  ", body="x", visibility="secret", language="xx", actor=l1
            )
        assert set(error.value.message_dict) == {"title", "visibility", "language"}

    def test_any_writer_edits_a_draft(self, l1, l3):
        article = ArticleFactory(author=l1)
        services.article_update(article=article, body="New", actor=l3, expected_version=1)
        assert article.body == "New"
        assert article.history.first().history_user == l3

    @pytest.mark.parametrize("status", [Status.IN_REVIEW, Status.PUBLISHED, Status.RETIRED])
    def test_past_draft_only_a_knowledge_manager_edits(self, l1, kb_manager, status):
        article = ArticleFactory(author=l1, status=status)
        with pytest.raises(PermissionDenied):
            services.article_update(
                article=article, body="Mine", actor=l1, expected_version=article.version
            )
        services.article_update(
            article=article, body="Fixed typo", actor=kb_manager, expected_version=article.version
        )
        assert article.body == "Fixed typo"
        assert article.status == status

    def test_a_stale_edit_is_refused(self, l1, l3):
        article = ArticleFactory(author=l1)
        services.article_update(article=article, title="One", actor=l1, expected_version=1)
        with pytest.raises(StaleArticle):
            services.article_update(article=article, title="Two", actor=l3, expected_version=1)
        article.refresh_from_db()
        assert article.title == "One"

    def test_only_the_content_fields_are_edited(self, l1):
        article = ArticleFactory(author=l1)
        with pytest.raises(TypeError):
            services.article_update(
                article=article, status=Status.PUBLISHED, actor=l1, expected_version=1
            )


class TestFeedback:
    def test_once_per_person_a_second_verdict_replaces_the_first(self, public_article, contact_a):
        services.feedback_record(article=public_article, helpful=False, actor=contact_a)
        services.feedback_record(
            article=public_article, helpful=True, comment="Worked now", actor=contact_a
        )
        mine = ArticleFeedback.objects.get(article=public_article, user=contact_a)
        assert (mine.helpful, mine.comment) == (True, "Worked now")
        assert mine.history.count() == 2

    def test_the_counts_come_from_sql(self, public_article, contact_a, contact_b, l1):
        services.feedback_record(article=public_article, helpful=True, actor=contact_a)
        services.feedback_record(article=public_article, helpful=False, actor=contact_b)
        services.feedback_record(article=public_article, helpful=True, actor=l1)
        counted = with_feedback_counts(type(public_article).objects.all()).get()
        assert (counted.helpful, counted.not_helpful) == (2, 1)

    def test_the_database_refuses_a_second_row(self, public_article, contact_a):
        from django.db import IntegrityError, transaction

        services.feedback_record(article=public_article, helpful=True, actor=contact_a)
        with pytest.raises(IntegrityError), transaction.atomic():
            ArticleFeedback.objects.create(article=public_article, user=contact_a, helpful=False)

    def test_a_contact_cannot_rate_an_internal_article(self, published, contact_a):
        with pytest.raises(PermissionDenied):
            services.feedback_record(article=published, helpful=True, actor=contact_a)

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETIRED])
    def test_nobody_rates_what_is_not_published(self, l1, status):
        article = ArticleFactory(status=status, visibility="public")
        with pytest.raises(PermissionDenied):
            services.feedback_record(article=article, helpful=True, actor=l1)

    def test_an_outsider_cannot_rate(self, public_article, outsider):
        with pytest.raises(PermissionDenied):
            services.feedback_record(article=public_article, helpful=True, actor=outsider)


class TestUses:
    def test_agents_count_uses(self, published, l1):
        services.article_record_use(article=published, actor=l1)
        published.refresh_from_db()
        assert published.use_count == 1

    @pytest.mark.parametrize("role", ["contact_a", "kb_manager", "outsider"])
    def test_others_do_not(self, published, actors, role):
        with pytest.raises(PermissionDenied):
            services.article_record_use(article=published, actor=actors[role])


class TestAttachments:
    def test_an_image_is_kept_with_its_sniffed_type(self, l1, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        article = ArticleFactory(author=l1)
        upload = SimpleUploadedFile("shot.png", PNG, content_type="text/html")
        attachment = services.attachment_add(article=article, upload=upload, actor=l1)
        assert attachment.content_type == "image/png"
        assert attachment.is_inline_image
        assert attachment.original_name == "shot.png"
        assert "shot" not in attachment.file.name  # the stored name is ours

    def test_a_script_named_png_is_not_an_image(self, l1, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        article = ArticleFactory(author=l1)
        upload = SimpleUploadedFile("x.png", b"<svg onload=alert(1)>", content_type="image/png")
        attachment = services.attachment_add(article=article, upload=upload, actor=l1)
        assert attachment.content_type == "application/octet-stream"
        assert not attachment.is_inline_image

    def test_the_tickets_size_limit_applies(self, l1, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        settings.ATTACHMENT_MAX_BYTES = 10
        article = ArticleFactory(author=l1)
        with pytest.raises(ValidationError):
            services.attachment_add(
                article=article, upload=SimpleUploadedFile("big.png", PNG), actor=l1
            )

    def test_only_who_may_edit_the_article_attaches(self, published, l1, tmp_path, settings):
        settings.MEDIA_ROOT = tmp_path
        with pytest.raises(PermissionDenied):
            services.attachment_add(
                article=published, upload=SimpleUploadedFile("a.png", PNG), actor=l1
            )


class TestSearchLog:
    def test_a_contacts_search_is_logged_with_what_it_found(self, public_article, contact_a):
        results = services.article_search(text="Forgotten  PASSWORD", actor=contact_a)
        assert len(results.hits) == 1
        log = SearchLog.objects.get()
        assert (log.query, log.normalised, log.result_count) == (
            "Forgotten PASSWORD",
            "forgotten password",
            1,
        )
        assert log.audience == Audience.PORTAL
        assert log.contact.user == contact_a

    def test_only_the_first_page_and_not_suggestions_are_logged(self, public_article, l1):
        services.article_search(text="password", actor=l1, offset=20)
        services.article_search(text="password", actor=l1, log=False)
        assert not SearchLog.objects.exists()

    def test_an_outsider_cannot_search(self, outsider):
        with pytest.raises(PermissionDenied):
            services.article_search(text="password", actor=outsider)

    def test_the_top_searches_that_found_nothing(self, public_article, l1, contact_a):
        for actor, text in [
            (l1, "kubernetes ingress"),
            (contact_a, "Kubernetes  ingress"),
            (l1, "invoice copy"),
            (l1, "password"),
        ]:
            services.article_search(text=text, actor=actor)
        since = timezone.now() - timedelta(days=7)
        top = top_unanswered_searches(since=since)
        assert [(row["query"], row["searches"]) for row in top] == [
            ("kubernetes ingress", 2),
            ("invoice copy", 1),
        ]
        assert top_unanswered_searches(since=timezone.now() + timedelta(minutes=1)) == []
