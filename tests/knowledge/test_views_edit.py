"""Writing articles: a new draft, an edit, the preview, files its text shows, errors next
to their fields with nothing typed lost, stale edits refused, and who may edit what."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import services
from knowledge.models import Article, Status
from tests.factories import ServiceFactory
from tests.knowledge.factories import ArticleFactory, CategoryFactory

pytestmark = pytest.mark.django_db

NEW = reverse("knowledge:new")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def edit_url(article) -> str:
    return reverse("knowledge:edit", args=[article.number])


def fields(**changes) -> dict:
    data = {
        "title": "Reset a VPN token",
        "body": "1. Open the portal.\n2. Choose **Reset**.",
        "service": "",
        "category": "",
        "keywords": "otp, token",
        "visibility": "public",
        "language": "en",
    }
    data.update(changes)
    return data


class TestCreate:
    def test_any_staff_writer_creates_a_draft(self, client, cab_member):
        service = ServiceFactory(name="VPN")
        category = CategoryFactory(name="How-to")
        client.force_login(cab_member)
        response = client.post(NEW, fields(service=service.pk, category=category.pk))
        article = Article.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("knowledge:detail", args=[article.number])
        assert (article.status, article.author, article.service, article.category) == (
            Status.DRAFT,
            cab_member,
            service,
            category,
        )
        assert (article.visibility, article.keywords) == ("public", "otp, token")

    def test_the_form_starts_with_a_title_handed_over(self, client, l1):
        client.force_login(l1)
        body = client.get(NEW, {"title": "kubernetes ingress"}).content.decode()
        assert 'value="kubernetes ingress"' in body

    def test_errors_stand_next_to_their_fields_and_nothing_typed_is_lost(self, client, l1):
        client.force_login(l1)
        response = client.post(NEW, fields(title="", body="Kept **text**", language="xx"))
        assert response.status_code == 422
        body = response.content.decode()
        title = body.split('id="field-title"')[1].split("</div>")[0]
        assert "This field is required." in title
        language = body.split('id="field-language"')[1].split("</div>")[0]
        assert "Select a valid choice" in language
        assert "Kept **text**" in body and 'value="otp, token"' in body
        assert not Article.objects.exists()

    def test_an_image_uploaded_with_the_draft_shows_in_its_text(
        self, client, l1, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        client.force_login(l1)
        data = fields(body="![token screen](attachment:token.png)")
        data["files"] = [SimpleUploadedFile("token.png", PNG)]
        assert client.post(NEW, data).status_code == 302
        article = Article.objects.get()
        stored = article.attachments.get()
        assert stored.content_type == "image/png"
        page = client.get(reverse("knowledge:detail", args=[article.number])).content.decode()
        url = reverse("knowledge:attachment", args=[article.number, stored.pk])
        assert f'<img src="{url}" alt="token screen">' in page

    def test_an_oversized_file_is_refused_next_to_the_field(self, client, l1, settings):
        settings.ATTACHMENT_MAX_BYTES = 10
        client.force_login(l1)
        data = fields(body="Keep this text")
        data["files"] = [SimpleUploadedFile("big.png", PNG)]
        response = client.post(NEW, data)
        assert response.status_code == 422
        body = response.content.decode()
        assert "is larger than" in body.split('id="field-files"')[1].split("</div>")[0]
        assert "Keep this text" in body
        assert not Article.objects.exists()


class TestEdit:
    def test_a_writer_edits_a_draft(self, client, l3, l1):
        article = ArticleFactory(author=l1)
        client.force_login(l3)
        response = client.get(edit_url(article))
        assert f'name="version" value="{article.version}"' in response.content.decode()
        data = fields(title="Better title", version=article.version)
        assert client.post(edit_url(article), data).status_code == 302
        article.refresh_from_db()
        assert article.title == "Better title"
        assert article.history.first().history_user == l3

    @pytest.mark.parametrize(
        ("status", "actor", "expected"),
        [
            (Status.DRAFT, "l1", 200),
            (Status.DRAFT, "kb_manager", 200),
            (Status.IN_REVIEW, "l2", 403),  # even its author
            (Status.IN_REVIEW, "kb_manager", 200),
            (Status.PUBLISHED, "l1", 403),
            (Status.PUBLISHED, "kb_manager", 200),
            (Status.RETIRED, "desk_manager", 403),
        ],
    )
    def test_who_may_edit_what(self, client, actors, l2, status, actor, expected):
        article = ArticleFactory(status=status, author=l2)
        client.force_login(actors[actor])
        response = client.get(edit_url(article))
        assert response.status_code == expected
        if expected == 403:
            assert "Only knowledge managers change an article" in response.content.decode()
            post = client.post(edit_url(article), fields(version=article.version))
            assert post.status_code == 403

    def test_a_stale_edit_is_refused_and_keeps_what_was_typed(self, client, l1, kb_manager):
        article = ArticleFactory(author=l1)
        shown = article.version
        services.article_update(
            article=article, actor=kb_manager, expected_version=shown, title="Their title"
        )
        client.force_login(l1)
        response = client.post(edit_url(article), fields(title="My title", version=shown))
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this article" in body and 'value="My title"' in body
        assert f'name="version" value="{article.version}"' in body
        article.refresh_from_db()
        assert article.title == "Their title"
        # Saving again, now deliberately over the current version, works.
        again = client.post(edit_url(article), fields(title="My title", version=article.version))
        assert again.status_code == 302

    def test_service_errors_stand_next_to_their_field(self, client, l1, monkeypatch):
        article = ArticleFactory(author=l1)
        monkeypatch.setattr(services, "MAX_BODY_LENGTH", 10)
        client.force_login(l1)
        data = fields(body="A text that is too long", version=article.version)
        response = client.post(edit_url(article), data)
        assert response.status_code == 422
        text = response.content.decode().split('id="field-body"')[1].split("</div>")[0]
        assert "The text is longer than 10 characters." in text
        assert "A text that is too long" in text


class TestPreview:
    def test_htmx_preview_renders_through_the_article_renderer(self, client, l1):
        client.force_login(l1)
        response = client.post(
            reverse("knowledge:preview"),
            {"body": "# Steps\n\n**bold** <script>alert(1)</script>"},
            headers={"HX-Request": "true"},
        )
        body = response.content.decode()
        assert response.status_code == 200 and "<html" not in body
        assert "<h1>Steps</h1>" in body and "<strong>bold</strong>" in body
        assert "<script>" not in body and "&lt;script&gt;" in body

    def test_preview_of_an_article_shows_its_images(self, client, l1, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        article = ArticleFactory(author=l1)
        stored = services.attachment_add(
            article=article, upload=SimpleUploadedFile("a.png", PNG), actor=l1
        )
        client.force_login(l1)
        url = reverse("knowledge:edit_preview", args=[article.number])
        body = client.post(url, {"body": "![plan](attachment:a.png)"}).content.decode()
        assert reverse("knowledge:attachment", args=[article.number, stored.pk]) in body

    def test_without_js_the_preview_button_shows_the_form_with_the_preview(self, client, l1):
        client.force_login(l1)
        response = client.post(NEW, fields(body="*typed*", preview="1"))
        body = response.content.decode()
        assert response.status_code == 200 and "<em>typed</em>" in body
        assert "*typed*" in body  # still in the text box
        assert not Article.objects.exists()
