"""The help articles in the customer portal: contacts search and read published public
articles only, and say once per article whether one answered their question."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from knowledge import services
from knowledge.models import ArticleFeedback, Audience, SearchLog, Status
from servicedesk.workspaces import navigation_for
from tests.factories import ServiceFactory
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
HTMX = {"HX-Request": "true"}


@pytest.fixture
def vpn(db):
    return ServiceFactory(name="Managed VPN")


@pytest.fixture
def hidden(db, l2):
    """Articles about the same thing that a contact must never see."""
    return {
        "internal": ArticleFactory(
            status=Status.PUBLISHED, author=l2, title="Gateway password rotation internals"
        ),
        "draft": ArticleFactory(
            status=Status.DRAFT, author=l2, visibility="public", title="Gateway password draft"
        ),
        "in_review": ArticleFactory(
            status=Status.IN_REVIEW, author=l2, visibility="public", title="Gateway password review"
        ),
        "retired": ArticleFactory(
            status=Status.RETIRED, author=l2, visibility="public", title="Gateway password retired"
        ),
    }


@pytest.fixture
def gateway(db, l2, vpn):
    return ArticleFactory(
        status=Status.PUBLISHED,
        author=l2,
        visibility="public",
        service=vpn,
        title="Reset the gateway password",
        body="Open **Settings** and choose *Reset password*.\n\n<script>alert(1)</script>",
    )


class TestSearch:
    def test_a_contact_finds_public_articles_with_the_words_marked(
        self, client, contact_a, gateway, hidden
    ):
        client.force_login(contact_a)
        response = client.get(reverse("portal:kb"), {"q": "gateway password"})
        assert response.status_code == 200
        page = response.content.decode()
        assert gateway.number in page
        assert "<mark>" in page
        for article in hidden.values():
            assert article.number not in page
            assert article.title not in page

    def test_the_search_is_logged_as_the_portals(self, client, contact_a, gateway):
        client.force_login(contact_a)
        client.get(reverse("portal:kb"), {"q": "gateway password"})
        client.get(reverse("portal:kb"), {"q": "invoice copy"})
        logged = {log.query: log for log in SearchLog.objects.all()}
        assert logged["gateway password"].audience == Audience.PORTAL
        assert logged["gateway password"].contact == contact_a.contact
        assert logged["gateway password"].result_count == 1
        assert logged["invoice copy"].result_count == 0

    def test_filter_by_service(self, client, contact_a, gateway, l2):
        other = ArticleFactory(
            status=Status.PUBLISHED,
            author=l2,
            visibility="public",
            service=ServiceFactory(name="Email hosting"),
            title="Change the mailbox password",
        )
        client.force_login(contact_a)
        page = client.get(
            reverse("portal:kb"), {"q": "password", "service": gateway.service_id}
        ).content.decode()
        assert gateway.number in page
        assert other.number not in page
        assert "Email hosting" in page  # offered as a filter: it has a public article

    def test_without_words_the_most_used_public_articles_are_listed(
        self, client, contact_a, gateway, hidden, l1
    ):
        services.article_record_use(article=gateway, actor=l1)
        client.force_login(contact_a)
        response = client.get(reverse("portal:kb"))
        assert [a.number for a in response.context["popular"]] == [gateway.number]
        assert SearchLog.objects.count() == 0

    def test_more_results_page_on(self, client, contact_a, l2, monkeypatch):
        monkeypatch.setattr("knowledge.views.portal.PAGE", 1)
        for n in range(2):
            ArticleFactory(
                status=Status.PUBLISHED, author=l2, visibility="public", title=f"Printer {n}"
            )
        client.force_login(contact_a)
        first = client.get(reverse("portal:kb"), {"q": "printer"})
        assert "start=1" in first.context["more"]
        second = client.get(reverse("portal:kb") + first.context["more"])
        assert len(second.context["results"].hits) == 1
        assert "more" not in second.context

    def test_contacts_see_help_articles_in_their_navigation(self, contact_a, l1):
        assert "portal:kb" in [entry.url_name for entry in navigation_for(contact_a)]
        assert "portal:kb" not in [entry.url_name for entry in navigation_for(l1)]


class TestArticle:
    def test_the_text_is_rendered_and_sanitised(self, client, contact_a, gateway):
        client.force_login(contact_a)
        page = client.get(reverse("portal:kb_article", args=[gateway.number])).content.decode()
        assert "<strong>Settings</strong>" in page
        assert "<script>alert(1)</script>" not in page
        assert "Did this answer your question?" in page

    def test_numbers_are_read_in_any_case(self, client, contact_b, gateway):
        client.force_login(contact_b)  # public articles are for every organisation's contacts
        url = reverse("portal:kb_article", args=[gateway.number.lower()])
        assert client.get(url).status_code == 200

    @pytest.mark.parametrize("which", ["internal", "draft", "in_review", "retired"])
    def test_what_is_not_public_and_published_is_404(self, client, contact_a, hidden, which):
        client.force_login(contact_a)
        response = client.get(reverse("portal:kb_article", args=[hidden[which].number]))
        assert response.status_code == 404
        assert hidden[which].title not in response.content.decode()

    def test_an_unknown_number_is_404(self, client, contact_a):
        client.force_login(contact_a)
        assert client.get(reverse("portal:kb_article", args=["KB-999999"])).status_code == 404


class TestFeedback:
    def url(self, article):
        return reverse("portal:kb_feedback", args=[article.number])

    def test_once_per_person_a_second_answer_replaces_the_first(self, client, contact_a, gateway):
        client.force_login(contact_a)
        response = client.post(self.url(gateway), {"helpful": "yes"})
        assert response.status_code == 302
        assert response["Location"].endswith(f"/portal/kb/{gateway.number}/#feedback")
        client.post(self.url(gateway), {"helpful": "no", "comment": "Where is Settings?"})
        feedback = ArticleFeedback.objects.get()
        assert (feedback.helpful, feedback.comment) == (False, "Where is Settings?")
        assert feedback.user == contact_a

    def test_the_current_answer_is_shown(self, client, contact_a, gateway):
        client.force_login(contact_a)
        client.post(self.url(gateway), {"helpful": "yes"})
        page = client.get(reverse("portal:kb_article", args=[gateway.number])).content.decode()
        assert 'data-helpful="yes"' in page
        assert "You told us it did." in page

    def test_htmx_gets_the_feedback_box_back(self, client, contact_a, gateway):
        client.force_login(contact_a)
        response = client.post(self.url(gateway), {"helpful": "yes"}, headers=HTMX)
        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<section id="feedback"')
        assert "we are glad it helped" in page

    def test_without_an_answer_nothing_is_recorded(self, client, contact_a, gateway):
        client.force_login(contact_a)
        response = client.post(self.url(gateway), {"comment": "Hm"})
        assert response.status_code == 422
        assert "Say whether the article answered your question." in response.content.decode()
        assert not ArticleFeedback.objects.exists()

    @pytest.mark.parametrize("which", ["internal", "draft", "retired"])
    def test_hidden_articles_take_no_feedback(self, client, contact_a, hidden, which):
        client.force_login(contact_a)
        assert client.post(self.url(hidden[which]), {"helpful": "yes"}).status_code == 404
        assert not ArticleFeedback.objects.exists()

    def test_a_yes_before_raising_a_ticket_says_no_ticket_was_raised(
        self, client, contact_a, gateway
    ):
        client.force_login(contact_a)
        response = client.post(
            self.url(gateway), {"helpful": "yes", "source": "raise"}, follow=True
        )
        assert "no ticket was raised" in response.content.decode()
        assert ArticleFeedback.objects.get().helpful is True

    def test_get_is_refused(self, client, contact_a, gateway):
        client.force_login(contact_a)
        assert client.get(self.url(gateway)).status_code == 405


class TestFiles:
    @pytest.fixture
    def files(self, gateway, l2, kb_manager, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        services.article_new_revision(article=gateway, actor=kb_manager)
        image = services.attachment_add(
            article=gateway, upload=SimpleUploadedFile("plan.png", PNG), actor=l2
        )
        script = services.attachment_add(
            article=gateway, upload=SimpleUploadedFile("fix.sh", b"rm -rf /"), actor=l2
        )
        services.article_update(
            article=gateway,
            actor=l2,
            expected_version=gateway.version,
            body="![the plan](attachment:plan.png) and [the script](attachment:fix.sh)",
        )
        services.article_submit(article=gateway, actor=l2)
        services.article_publish(article=gateway, actor=kb_manager)
        return image, script

    def test_an_image_shows_inline_and_anything_else_downloads(self, client, contact_a, files):
        image, script = files
        client.force_login(contact_a)
        number = image.article.number
        page = client.get(reverse("portal:kb_article", args=[number])).content.decode()
        assert f'src="{reverse("portal:kb_file", args=[number, image.pk])}"' in page
        shown = client.get(reverse("portal:kb_file", args=[number, image.pk]))
        assert shown["Content-Type"] == "image/png"
        assert not shown["Content-Disposition"].startswith("attachment")
        download = client.get(reverse("portal:kb_file", args=[number, script.pk]))
        assert download["Content-Type"] == "application/octet-stream"
        assert download["Content-Disposition"].startswith("attachment")

    def test_a_file_under_another_articles_number_is_404(self, client, contact_a, files, l2):
        image, _script = files
        other = ArticleFactory(status=Status.PUBLISHED, author=l2, visibility="public")
        client.force_login(contact_a)
        url = reverse("portal:kb_file", args=[other.number, image.pk])
        assert client.get(url).status_code == 404


class TestSuggestionsWhileTyping:
    def test_matching_public_articles_of_the_service(self, client, contact_a, gateway, hidden):
        client.force_login(contact_a)
        response = client.get(
            reverse("portal:kb_suggestions"),
            {"title": "gateway password", "service": gateway.service_id},
            headers=HTMX,
        )
        page = response.content.decode()
        assert gateway.number in page
        assert "Did this answer your question?" in page
        for article in hidden.values():
            assert article.number not in page
        assert not SearchLog.objects.exists()  # still typing: not a search

    def test_a_plain_visit_goes_to_the_search_page(self, client, contact_a, gateway):
        client.force_login(contact_a)
        response = client.get(reverse("portal:kb_suggestions"), {"title": "gateway"})
        assert response.status_code == 302
        assert response["Location"] == reverse("portal:kb") + "?q=gateway"


class TestHomePanel:
    def test_the_portal_home_lists_the_most_used_public_articles(
        self, client, contact_a, gateway, hidden
    ):
        client.force_login(contact_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert 'id="portal-kb-panel-title"' in page
        assert gateway.title in page
        for article in hidden.values():
            assert article.title not in page

    def test_nothing_without_public_articles(self, client, contact_a, hidden):
        client.force_login(contact_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert 'id="portal-kb-panel-title"' not in page
