"""Knowledge on tickets, the pages: suggestions while an agent types (log a call, the
ticket page), linking, removing and pasting an article, resolving with one, and writing
a draft article from a resolved ticket."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Incident, TicketArticle
from knowledge.models import Article, SearchLog, Status
from tests.factories import ContactFactory, make_incident_in
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def vpn_article(l2):
    return ArticleFactory(
        status=Status.PUBLISHED,
        author=l2,
        visibility="public",
        title="VPN client cannot connect",
        body="1. Open the VPN client.\n2. Choose *Reset profile*.",
    )


@pytest.fixture
def internal_article(l2):
    return ArticleFactory(
        status=Status.PUBLISHED,
        author=l2,
        title="VPN gateway restart (internal)",
        body="ssh to the gateway and restart the tunnel daemon.",
    )


@pytest.fixture
def draft(l2):
    return ArticleFactory(status=Status.DRAFT, author=l2, title="VPN client draft notes")


@pytest.fixture
def working(l1, l1_group):
    return make_incident_in(
        "in_progress",
        group=l1_group,
        assignee=l1,
        title="VPN client cannot connect since the update",
    )


class TestSuggestionsWhileLoggingACall:
    url = staticmethod(lambda: reverse("incidents:article_suggestions"))

    def test_matching_published_articles_appear_internal_ones_too(
        self, client, l1, vpn_article, internal_article, draft
    ):
        client.force_login(l1)
        response = client.get(self.url(), {"title": "vpn client"}, headers=HTMX)
        page = response.content.decode()
        assert response.status_code == 200
        assert vpn_article.number in page
        assert f'name="articles" value="{vpn_article.pk}"' in page
        assert draft.number not in page
        assert not SearchLog.objects.exists()  # typing is not searching

    def test_ticked_articles_stay_ticked_while_the_text_changes(
        self, client, l1, vpn_article, internal_article
    ):
        client.force_login(l1)
        response = client.get(
            self.url(), {"title": "gateway", "articles": [vpn_article.pk]}, headers=HTMX
        )
        page = response.content.decode()
        assert f'value="{vpn_article.pk}" checked' in page
        assert internal_article.number in page

    def test_a_plain_visit_gets_a_page(self, client, l1, vpn_article):
        client.force_login(l1)
        response = client.get(self.url(), {"q": "vpn client"})
        assert response.status_code == 200
        assert "<html" in response.content.decode()
        assert vpn_article.number in response.content.decode()

    def test_the_queries_do_not_grow_with_the_matches(self, client, l1, l2, vpn_article):
        client.force_login(l1)
        client.get(self.url(), {"title": "vpn client"}, headers=HTMX)  # warm the session

        def count() -> int:
            with CaptureQueriesContext(connection) as queries:
                response = client.get(
                    self.url(), {"title": "vpn client", "articles": [vpn_article.pk]}, headers=HTMX
                )
            assert response.status_code == 200
            return len(queries)

        few = count()
        for n in range(4):
            ArticleFactory(status=Status.PUBLISHED, author=l2, title=f"VPN client error {n}")
        assert count() == few

    def test_the_ticked_articles_are_linked_to_the_new_ticket(
        self, client, l1, vpn_article, internal_article
    ):
        contact = ContactFactory()
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"),
            {
                "contact": contact.pk,
                "kind": "incident",
                "title": "VPN client cannot connect",
                "category": "other",
                "urgency": 3,
                "impact": 4,
                "articles": [vpn_article.pk, internal_article.pk],
            },
        )
        assert response.status_code == 302
        incident = Incident.objects.get()
        assert set(incident.article_links.values_list("article", flat=True)) == {
            vpn_article.pk,
            internal_article.pk,
        }

    def test_a_refused_form_keeps_the_ticked_articles(self, client, l1, vpn_article):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:log_call"),
            {"title": "VPN client cannot connect", "articles": [vpn_article.pk]},
        )
        assert response.status_code == 422
        assert f'value="{vpn_article.pk}" checked' in response.content.decode()
        assert not TicketArticle.objects.exists()

    def test_the_summary_field_asks_for_suggestions_as_the_agent_types(self, client, l1):
        client.force_login(l1)
        page = client.get(reverse("incidents:log_call")).content.decode()
        assert 'hx-trigger="keyup changed delay:400ms"' in page
        assert f'hx-get="{self.url()}"' in page


class TestTicketPanel:
    def test_the_ticket_page_shows_linked_articles(self, client, l1, working, vpn_article):
        TicketArticle.objects.create(incident=working, article=vpn_article, linked_by=l1)
        client.force_login(l1)
        page = client.get(reverse("incidents:detail", args=[working.number])).content.decode()
        assert 'id="kb-panel"' in page
        assert f'data-linked="{vpn_article.number}"' in page

    def test_suggestions_for_the_ticket_leave_out_what_is_linked(
        self, client, l1, working, vpn_article, l2
    ):
        other = ArticleFactory(status=Status.PUBLISHED, author=l2, title="VPN client update")
        TicketArticle.objects.create(incident=working, article=other, linked_by=l1)
        client.force_login(l1)
        url = reverse("incidents:ticket_articles", args=[working.number])
        page = client.get(url, headers=HTMX).content.decode()
        assert f'data-suggested="{vpn_article.number}"' in page
        assert f'data-suggested="{other.number}"' not in page
        typed = client.get(url, {"q": "profile reset"}, headers=HTMX).content.decode()
        assert vpn_article.number in typed

    def test_a_plain_visit_gets_a_page_with_the_matches(self, client, l1, working, vpn_article):
        client.force_login(l1)
        response = client.get(reverse("incidents:ticket_articles", args=[working.number]))
        page = response.content.decode()
        assert "<html" in page
        assert f'data-suggested="{vpn_article.number}"' in page

    def test_one_click_links_an_article(self, client, l1, working, vpn_article):
        client.force_login(l1)
        url = reverse("incidents:ticket_articles", args=[working.number])
        response = client.post(url, {"article": vpn_article.pk}, headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#kb-panel"
        assert f'data-linked="{vpn_article.number}"' in response.content.decode()
        assert TicketArticle.objects.get().article == vpn_article

    def test_without_javascript_linking_goes_back_to_the_ticket(
        self, client, l1, working, vpn_article
    ):
        client.force_login(l1)
        url = reverse("incidents:ticket_articles", args=[working.number])
        response = client.post(url, {"article": vpn_article.pk})
        assert response["Location"] == reverse("incidents:detail", args=[working.number])

    def test_an_unknown_article_is_404(self, client, l1, working):
        client.force_login(l1)
        url = reverse("incidents:ticket_articles", args=[working.number])
        assert client.post(url, {"article": 999999}).status_code == 404

    def test_removing_a_link(self, client, l1, working, vpn_article):
        TicketArticle.objects.create(incident=working, article=vpn_article, linked_by=l1)
        client.force_login(l1)
        url = reverse("incidents:unlink_article", args=[working.number, vpn_article.pk])
        response = client.post(url, headers=HTMX)
        assert response.status_code == 200
        assert not TicketArticle.objects.exists()

    def test_removing_the_article_that_resolved_the_ticket_is_refused(
        self, client, l1, working, vpn_article
    ):
        from incidents import services

        services.incident_complete(
            incident=working,
            closure_code="resolved",
            resolution="Reset the profile.",
            resolved_with=vpn_article,
            actor=l1,
        )
        client.force_login(l1)
        url = reverse("incidents:unlink_article", args=[working.number, vpn_article.pk])
        response = client.post(url, headers=HTMX)
        assert response.status_code == 422
        assert "stays linked" in response.content.decode()
        assert TicketArticle.objects.exists()


class TestPasting:
    def url(self, incident, article):
        return reverse("incidents:paste_article", args=[incident.number, article.pk])

    def test_a_public_article_fills_a_public_reply(self, client, l1, working, vpn_article):
        client.force_login(l1)
        response = client.get(self.url(working, vpn_article), headers=HTMX)
        page = response.content.decode()
        assert response["HX-Retarget"] == "#comment-form"
        assert f"VPN client cannot connect ({vpn_article.number})" in page
        assert "Choose *Reset profile*." in page
        assert f"/portal/kb/{vpn_article.number}/" in page
        assert 'id="id_is_public" checked' in page

    def test_an_internal_article_stays_a_work_note_until_the_agent_decides(
        self, client, l1, working, internal_article
    ):
        client.force_login(l1)
        page = client.get(self.url(working, internal_article), headers=HTMX).content.decode()
        assert internal_article.number in page
        assert 'id="id_is_public" checked' not in page
        assert "is an internal article" in page
        assert "/portal/kb/" not in page

    def test_without_javascript_the_ticket_page_opens_with_the_reply_filled(
        self, client, l1, working, vpn_article
    ):
        client.force_login(l1)
        response = client.get(self.url(working, vpn_article))
        page = response.content.decode()
        assert 'id="ticket"' in page
        assert f"({vpn_article.number})" in page

    def test_not_on_a_closed_ticket(self, client, l1, vpn_article):
        closed = make_incident_in("closed")
        client.force_login(l1)
        assert client.get(self.url(closed, vpn_article)).status_code == 403


class TestResolvingWithAnArticle:
    def complete(self, client, incident, **data):
        url = reverse("incidents:action", args=[incident.number, "complete"])
        return client.post(
            url,
            {
                "version": incident.version,
                "closure_code": "resolved",
                "resolution": "Reset the profile.",
                **data,
            },
        )

    def test_the_form_offers_the_linked_published_articles(
        self, client, l1, working, vpn_article, draft
    ):
        for article in (vpn_article, draft):
            TicketArticle.objects.create(incident=working, article=article, linked_by=l1)
        client.force_login(l1)
        url = reverse("incidents:action", args=[working.number, "complete"])
        form = client.get(url, headers=HTMX).context["action_form"]
        offered = [value for value, _label in form.fields["resolved_with"].widget.choices]
        assert offered == ["", vpn_article.pk]

    def test_without_linked_articles_only_a_number_is_asked(self, client, l1, working):
        client.force_login(l1)
        url = reverse("incidents:action", args=[working.number, "complete"])
        form = client.get(url, headers=HTMX).context["action_form"]
        assert "resolved_with" not in form.fields
        assert "other_article" in form.fields

    def test_completing_with_a_linked_article_counts_its_use(
        self, client, l1, working, vpn_article
    ):
        TicketArticle.objects.create(incident=working, article=vpn_article, linked_by=l1)
        client.force_login(l1)
        assert self.complete(client, working, resolved_with=vpn_article.pk).status_code == 302
        working.refresh_from_db()
        vpn_article.refresh_from_db()
        assert (working.status, working.resolved_with) == ("completed", vpn_article)
        assert vpn_article.use_count == 1

    def test_another_article_by_its_number(self, client, l1, working, vpn_article):
        client.force_login(l1)
        response = self.complete(client, working, other_article=vpn_article.number.lower())
        assert response.status_code == 302
        working.refresh_from_db()
        assert working.resolved_with == vpn_article
        assert working.article_links.get().use_counted_at is not None

    def test_a_number_that_is_no_published_article_is_refused(self, client, l1, working, draft):
        client.force_login(l1)
        response = self.complete(client, working, other_article=draft.number)
        assert response.status_code == 422
        assert "No published article has this number." in response.content.decode()
        working.refresh_from_db()
        assert working.status == "in_progress"

    def test_two_different_articles_are_refused(self, client, l1, working, vpn_article, l2):
        other = ArticleFactory(status=Status.PUBLISHED, author=l2)
        TicketArticle.objects.create(incident=working, article=vpn_article, linked_by=l1)
        client.force_login(l1)
        response = self.complete(
            client, working, resolved_with=vpn_article.pk, other_article=other.number
        )
        assert response.status_code == 422
        assert "Choose one article." in response.content.decode()


class TestWritingAnArticle:
    @pytest.fixture
    def resolved(self, l1, l1_group):
        return make_incident_in(
            "completed",
            group=l1_group,
            assignee=l1,
            title="Printer queue stuck",
            description="Nothing prints since noon.",
        )

    def test_the_button_shows_on_resolved_tickets_only(self, client, l1, resolved, working):
        client.force_login(l1)
        done = client.get(reverse("incidents:detail", args=[resolved.number])).content.decode()
        busy = client.get(reverse("incidents:detail", args=[working.number])).content.decode()
        assert "data-write-article" in done
        assert "data-write-article" not in busy

    def test_one_click_writes_a_linked_draft_and_opens_it(self, client, l1, resolved):
        client.force_login(l1)
        response = client.post(reverse("incidents:write_article", args=[resolved.number]))
        article = Article.objects.get()
        assert response.status_code == 302
        assert article.number in response["Location"] or str(article.pk) in response["Location"]
        assert article.title == "Printer queue stuck"
        assert "Fixed it." in article.body  # the resolution make_incident_in gives
        assert resolved.article_links.get().article == article

    def test_not_on_a_ticket_still_being_worked(self, client, l1, working):
        client.force_login(l1)
        response = client.post(reverse("incidents:write_article", args=[working.number]))
        assert response["Location"] == reverse("incidents:detail", args=[working.number])
        assert not Article.objects.exists()


AGENTS = ["l1", "l2", "l3", "desk_manager"]
STAFF_NOT_AGENTS = ["problem_manager", "change_manager", "cab_member", "kb_manager"]


@pytest.mark.parametrize("actor", [*AGENTS, *STAFF_NOT_AGENTS, "contact_a", "outsider"])
class TestWhoMay:
    def test_suggestions_and_links_are_for_agents(self, client, actors, actor, vpn_article):
        ticket = make_incident_in("in_progress")
        client.force_login(actors[actor])
        expected = 200 if actor in AGENTS else 403
        urls = [
            reverse("incidents:article_suggestions") + "?q=vpn",
            reverse("incidents:ticket_articles", args=[ticket.number]),
            reverse("incidents:paste_article", args=[ticket.number, vpn_article.pk]),
        ]
        for url in urls:
            assert client.get(url, headers=HTMX).status_code == expected, url
        link = client.post(
            reverse("incidents:ticket_articles", args=[ticket.number]),
            {"article": vpn_article.pk},
        )
        assert link.status_code == (302 if actor in AGENTS else 403)

    def test_writing_from_a_ticket_is_for_staff(self, client, actors, actor):
        resolved = make_incident_in("completed")
        client.force_login(actors[actor])
        response = client.post(reverse("incidents:write_article", args=[resolved.number]))
        assert response.status_code == (302 if actor in [*AGENTS, *STAFF_NOT_AGENTS] else 403)
