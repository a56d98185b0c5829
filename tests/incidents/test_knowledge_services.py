"""Knowledge on tickets, the services: linking articles, resolving with one (its use
counted once per ticket), and writing a draft article from a resolved ticket."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from incidents import services
from incidents.models import Comment, TicketArticle
from knowledge.models import Article, Status
from tests.factories import ContactFactory, make_incident_in
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(l2):
    return ArticleFactory(status=Status.PUBLISHED, author=l2, title="Restart the VPN gateway")


@pytest.fixture
def working(l1, l1_group):
    return make_incident_in("in_progress", group=l1_group, assignee=l1, title="VPN is down")


def uses(article: Article) -> int:
    article.refresh_from_db()
    return article.use_count


class TestLinks:
    def test_an_agent_links_an_article_once(self, working, article, l1):
        first = services.incident_article_link(incident=working, article=article, actor=l1)
        again = services.incident_article_link(incident=working, article=article, actor=l1)
        assert first == again
        assert first.linked_by == l1
        assert TicketArticle.objects.count() == 1
        assert first.history.get().history_user == l1
        assert Comment.objects.filter(
            incident=working, is_public=False, body__contains=article.number
        ).exists()

    @pytest.mark.parametrize("role", ["kb_manager", "problem_manager", "contact_a", "outsider"])
    def test_only_agents_link(self, actors, working, article, role):
        with pytest.raises(PermissionDenied):
            services.incident_article_link(incident=working, article=article, actor=actors[role])

    def test_an_agent_removes_a_link(self, working, article, l1):
        services.incident_article_link(incident=working, article=article, actor=l1)
        services.incident_article_unlink(incident=working, article_id=article.pk, actor=l1)
        assert not TicketArticle.objects.exists()
        assert TicketArticle.history.filter(history_type="-").get().history_user == l1

    def test_removing_what_is_not_linked_says_so(self, working, article, l1):
        with pytest.raises(ValidationError):
            services.incident_article_unlink(incident=working, article_id=article.pk, actor=l1)


class TestResolvingWithAnArticle:
    def complete(self, incident, article, actor):
        return services.incident_complete(
            incident=incident,
            closure_code="resolved",
            resolution="Restarted the gateway.",
            resolved_with=article,
            actor=actor,
        )

    def test_the_ticket_keeps_the_article_links_it_and_counts_one_use(self, working, article, l1):
        self.complete(working, article, l1)
        working.refresh_from_db()
        assert working.resolved_with == article
        assert uses(article) == 1
        link = TicketArticle.objects.get(incident=working, article=article)
        assert link.use_counted_at is not None

    def test_completing_again_after_a_rejection_does_not_count_twice(
        self, working, article, l1, contact_a
    ):
        working.contact.user = contact_a
        self.complete(working, article, l1)
        services.incident_reject_resolution(
            incident=working, reason="Still down", actor=working.contact.user or l1
        )
        working.refresh_from_db()
        assert working.resolved_with is None
        services.incident_start_work(incident=working, actor=l1)
        self.complete(working, article, l1)
        assert uses(article) == 1

    def test_another_article_the_second_time_counts_for_that_one(
        self, working, article, l1, l2, desk_manager
    ):
        other = ArticleFactory(status=Status.PUBLISHED, author=l2, title="Renew the VPN licence")
        self.complete(working, article, l1)
        services.incident_reject_resolution(incident=working, reason="No", actor=desk_manager)
        services.incident_start_work(incident=working, actor=l1)
        self.complete(working, other, l1)
        assert (uses(article), uses(other)) == (1, 1)

    def test_the_article_that_resolved_the_ticket_stays_linked(self, working, article, l1):
        self.complete(working, article, l1)
        with pytest.raises(ValidationError, match="stays linked"):
            services.incident_article_unlink(incident=working, article_id=article.pk, actor=l1)

    @pytest.mark.parametrize("status", [Status.DRAFT, Status.RETIRED])
    def test_only_a_published_article_resolves(self, working, l1, l2, status):
        unpublished = ArticleFactory(status=status, author=l2)
        with pytest.raises(ValidationError) as raised:
            self.complete(working, unpublished, l1)
        assert "resolved_with" in raised.value.error_dict
        working.refresh_from_db()
        assert working.status == "in_progress"
        assert uses(unpublished) == 0

    def test_without_an_article_nothing_is_counted(self, working, article, l1):
        self.complete(working, None, l1)
        working.refresh_from_db()
        assert working.resolved_with is None
        assert uses(article) == 0

    def test_the_timeline_names_the_article(self, working, article, l1):
        from incidents.timeline import timeline_for

        self.complete(working, article, l1)
        changes = [c for e in timeline_for(working) for c in e.changes]
        assert any(c.label == "resolved with article" and article.number in c.new for c in changes)


class TestWritingAnArticleFromATicket:
    @pytest.fixture
    def resolved(self, l1, l1_group):
        contact = ContactFactory(language="de")
        incident = make_incident_in(
            "in_progress",
            group=l1_group,
            assignee=l1,
            contact=contact,
            title="Outlook asks for the password again and again",
            description="Since this morning Outlook keeps asking for the password.",
        )
        services.incident_complete(
            incident=incident,
            closure_code="resolved",
            resolution="Removed the stale credentials from the Windows credential manager.",
            actor=l1,
        )
        return incident

    def test_a_draft_prefilled_from_the_ticket_linked_to_it(self, resolved, l2):
        article = services.incident_write_article(incident=resolved, actor=l2)
        assert article.status == Status.DRAFT
        assert article.visibility == "internal"
        assert article.title == resolved.title
        assert "Since this morning Outlook keeps asking" in article.body
        assert "Removed the stale credentials" in article.body
        assert article.language == "de"
        assert article.author == l2
        assert article.history.get().history_change_reason == f"Written from {resolved.number}"
        assert TicketArticle.objects.filter(incident=resolved, article=article).exists()

    @pytest.mark.translations
    def test_the_sections_are_headed_in_the_contacts_language(self, resolved, l2):
        article = services.incident_write_article(incident=resolved, actor=l2)
        assert "## Lösung\n\nRemoved the stale credentials" in article.body

    def test_a_closed_ticket_too(self, resolved, l1, desk_manager):
        services.incident_confirm(incident=resolved, actor=desk_manager)
        article = services.incident_write_article(incident=resolved, actor=l1)
        assert "Removed the stale credentials" in article.body

    def test_the_resolution_is_the_last_one_given(self, resolved, l1, desk_manager):
        services.incident_reject_resolution(incident=resolved, reason="No", actor=desk_manager)
        services.incident_start_work(incident=resolved, actor=l1)
        services.incident_complete(
            incident=resolved, closure_code="resolved", resolution="Reset the profile.", actor=l1
        )
        article = services.incident_write_article(incident=resolved, actor=l1)
        assert "Reset the profile." in article.body
        assert "stale credentials" not in article.body

    def test_not_before_the_ticket_is_resolved(self, working, l1):
        with pytest.raises(ValidationError):
            services.incident_write_article(incident=working, actor=l1)
        assert not Article.objects.exists()

    @pytest.mark.parametrize("role", ["contact_a", "outsider"])
    def test_only_staff_write(self, actors, resolved, role):
        with pytest.raises(PermissionDenied):
            services.incident_write_article(incident=resolved, actor=actors[role])
