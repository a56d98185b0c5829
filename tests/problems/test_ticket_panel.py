"""The problem panel on the ticket page: the known error and its workaround on a linked
incident (with the problem's article and the ticket's own article actions), the known
errors of the same service or configuration item on an unlinked one with one click to
link, taking an incident off its problem, and "open a problem" for problem managers."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages
from django.test import RequestFactory
from django.urls import reverse

from incidents.models import IncidentQuerySet, Kind, TicketArticle
from knowledge.models import Status as ArticleStatus
from problems import panels, services
from problems.models import ProblemIncident, Status
from tests.factories import (
    ConfigurationItemFactory,
    IncidentFactory,
    ServiceFactory,
    make_incident_in,
)
from tests.knowledge.factories import move_to as publish
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
#: Who may link an incident to a problem and take it off (problems.rules.may_link_incident).
LINKERS = ["l1", "l2", "l3", "desk_manager", "problem_manager"]
EVERYONE = [*STAFF, "contact_a", "contact_b", "outsider"]
WITH_PAGES = "tests.problems.urls_with_problem_pages"


@pytest.fixture
def mail_service(db):
    return ServiceFactory(name="Managed mail")


@pytest.fixture
def mail_server(mail_service):
    return ConfigurationItemFactory(name="mx01", service=mail_service)


@pytest.fixture
def ticket(contact_a, mail_service, mail_server):
    """An incident of organisation A on the mail service's server mx01."""
    return IncidentFactory(
        contact=contact_a.contact,
        title="Mail stuck in the queue",
        service=mail_service,
        configuration_item=mail_server,
    )


@pytest.fixture
def known_error(mail_service):
    """A known error on the mail service, workaround "Restart the agent"."""
    return ProblemFactory(
        title="Mail queue stalls under load", status=Status.KNOWN_ERROR, service=mail_service
    )


def page(client, user, incident) -> str:
    client.force_login(user)
    response = client.get(reverse("incidents:detail", args=[incident.number]))
    assert response.status_code == 200
    return response.content.decode()


def link_url(incident) -> str:
    return reverse("problems:ticket_link", args=[incident.number])


def unlink_url(incident) -> str:
    return reverse("problems:ticket_unlink", args=[incident.number])


# ----- a ticket linked to a problem ------------------------------------------------------


class TestLinkedTicket:
    def test_the_known_errors_workaround_is_shown_prominently(
        self, client, l1, ticket, mail_service
    ):
        problem = ProblemFactory(
            status=Status.KNOWN_ERROR, service=mail_service, incidents=[ticket]
        )
        html = page(client, l1, ticket)
        assert f'data-problem="{problem.number}"' in html
        assert 'data-problem-status="known_error"' in html
        assert "data-workaround" in html and "Restart the agent" in html

    def test_a_problem_still_under_investigation_shows_no_workaround(self, client, l1, ticket):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION, incidents=[ticket])
        html = page(client, l1, ticket)
        assert f'data-problem="{problem.number}"' in html
        assert "data-workaround" not in html

    def test_a_resolved_problem_says_the_cause_is_fixed(self, client, l1, ticket):
        ProblemFactory(status=Status.RESOLVED, incidents=[ticket])
        html = page(client, l1, ticket)
        assert "data-fixed" in html and "Restart the agent" in html

    def test_the_problems_published_article_is_suggested_with_the_tickets_actions(
        self, client, l1, l1_group, problem_manager
    ):
        ticket = make_incident_in("in_progress", group=l1_group, assignee=l1)
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        publish(article, ArticleStatus.PUBLISHED)
        html = page(client, l1, ticket)
        assert f'data-problem-article="{article.number}"' in html
        assert f'data-link-article="{article.number}"' in html
        assert f'data-paste-article="{article.number}"' in html

        # The button is the ticket's own "link an article" (incidents' view and service).
        response = client.post(
            reverse("incidents:ticket_articles", args=[ticket.number]), {"article": article.pk}
        )
        assert response.status_code == 302
        assert TicketArticle.objects.filter(incident=ticket, article=article).exists()
        html = page(client, l1, ticket)
        assert "data-article-linked" in html
        assert f'data-link-article="{article.number}"' not in html

    def test_a_draft_article_is_named_but_not_suggested(self, client, l1, ticket, problem_manager):
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        html = page(client, l1, ticket)
        assert f'data-problem-article="{article.number}"' in html
        assert f'data-link-article="{article.number}"' not in html
        assert f'data-paste-article="{article.number}"' not in html

    def test_staff_who_do_not_link_read_it_without_buttons(self, client, kb_manager, ticket):
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        html = page(client, kb_manager, ticket)
        assert "Restart the agent" in html
        assert f'data-unlink-problem="{problem.number}"' not in html

    def test_agents_may_take_the_ticket_off_the_problem(self, client, l1, ticket):
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        assert f'data-unlink-problem="{problem.number}"' in page(client, l1, ticket)

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_a_finished_problem_keeps_its_tickets_so_none_is_offered_to_take_off(
        self, client, l1, ticket, status
    ):
        problem = ProblemFactory(status=status, incidents=[ticket])
        html = page(client, l1, ticket)
        assert f'data-problem="{problem.number}"' in html
        assert "data-unlink-problem" not in html


# ----- a ticket not linked yet: the known errors of its service and item ------------------


class TestKnownErrorsOnAnUnlinkedTicket:
    def test_known_errors_of_the_same_item_and_service_are_offered(
        self, client, l1, ticket, mail_service, mail_server, known_error
    ):
        on_item = ProblemFactory(status=Status.RESOLVED, configuration_item=mail_server)
        elsewhere = ProblemFactory(status=Status.KNOWN_ERROR, service=ServiceFactory())
        investigating = ProblemFactory(status=Status.UNDER_INVESTIGATION, service=mail_service)
        closed = ProblemFactory(status=Status.CLOSED, service=mail_service)
        html = page(client, l1, ticket)
        assert html.index(f'data-known-error="{on_item.number}"') < html.index(
            f'data-known-error="{known_error.number}"'
        )  # the same configuration item first
        assert f'data-link-problem="{known_error.number}"' in html
        assert f'data-link-problem="{on_item.number}"' in html
        for other in (elsewhere, investigating, closed):
            assert other.number not in html

    def test_a_ticket_without_service_or_item_says_no_known_error_applies(
        self, client, l1, contact_a, known_error
    ):
        html = page(client, l1, IncidentFactory(contact=contact_a.contact))
        assert 'id="problem-panel"' in html
        assert known_error.number not in html

    def test_a_service_request_gets_no_problem_panel(
        self, client, l1, contact_a, mail_service, known_error
    ):
        request = IncidentFactory(
            contact=contact_a.contact, kind=Kind.REQUEST, service=mail_service
        )
        html = page(client, l1, request)
        assert 'id="problem-panel"' not in html

    def test_staff_who_do_not_link_see_the_known_errors_without_the_button(
        self, client, cab_member, ticket, known_error
    ):
        html = page(client, cab_member, ticket)
        assert f'data-known-error="{known_error.number}"' in html
        assert "data-link-problem" not in html

    @pytest.mark.urls(WITH_PAGES)
    def test_problem_managers_may_open_a_problem_from_the_ticket(
        self, client, problem_manager, l1, ticket
    ):
        html = page(client, problem_manager, ticket)
        assert f'href="/problems/new/?incident={ticket.number}" data-open-problem' in html
        assert "data-open-problem" not in page(client, l1, ticket)

    @pytest.mark.urls(WITH_PAGES)
    def test_the_problem_numbers_link_to_the_problem_page(self, client, l1, ticket, known_error):
        html = page(client, l1, ticket)
        assert f'<a class="number" href="/problems/{known_error.number}/">' in html


class TestQueryCost:
    """The panel renders on every view of the ticket: one or two queries, however many
    known errors there are."""

    def request_for(self, user, incident):
        request = RequestFactory().get("/")
        request.user = user
        panels.ticket_panel(request, incident)  # the user's roles and contact are cached
        return request

    def test_an_unlinked_ticket_costs_two_queries(
        self, l1, ticket, mail_service, django_assert_max_num_queries
    ):
        for _ in range(4):
            ProblemFactory(status=Status.KNOWN_ERROR, service=mail_service)
        request = self.request_for(l1, ticket)
        with django_assert_max_num_queries(2):
            html = panels.ticket_panel(request, ticket)
        assert html.count("data-known-error=") == 4

    def test_a_linked_ticket_with_its_article_costs_two_queries(
        self, l1, ticket, problem_manager, django_assert_max_num_queries
    ):
        problem = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        publish(services.problem_write_article(problem=problem, actor=problem_manager), "published")
        request = self.request_for(l1, ticket)
        with django_assert_max_num_queries(2):
            html = panels.ticket_panel(request, ticket)
        assert "data-problem-article" in html


# ----- linking and taking off: the views ------------------------------------------------


class TestLink:
    def test_an_agent_links_the_ticket_to_a_known_error_in_one_click(
        self, client, l1, ticket, known_error
    ):
        client.force_login(l1)
        response = client.post(link_url(ticket), {"problem": known_error.number}, headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#problem-panel"
        html = response.content.decode()
        assert f"{ticket.number} is linked to {known_error.number}." in html
        assert f'data-problem="{known_error.number}"' in html and "Restart the agent" in html
        link = ProblemIncident.objects.get(incident=ticket)
        assert link.problem == known_error and link.linked_by == l1

    def test_without_javascript_the_ticket_page_says_it_is_linked(
        self, client, l1, ticket, known_error
    ):
        client.force_login(l1)
        response = client.post(link_url(ticket), {"problem": known_error.number.lower()})
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[ticket.number])
        assert [str(m) for m in get_messages(response.wsgi_request)] == [
            f"{ticket.number} is linked to {known_error.number}."
        ]
        assert ProblemIncident.objects.filter(incident=ticket, problem=known_error).exists()

    def test_a_closed_problem_takes_no_more_incidents(self, client, l1, ticket):
        closed = ProblemFactory(status=Status.CLOSED)
        client.force_login(l1)
        response = client.post(link_url(ticket), {"problem": closed.number}, headers=HTMX)
        assert response.status_code == 422
        assert "A closed or cancelled problem takes no more incidents." in response.content.decode()
        assert not ProblemIncident.objects.exists()
        response = client.post(link_url(ticket), {"problem": closed.number})
        assert response.status_code == 302
        assert [m.level_tag for m in get_messages(response.wsgi_request)] == ["error"]

    def test_linking_moves_the_ticket_from_another_problem(self, client, l1, ticket, known_error):
        other = ProblemFactory(status=Status.UNDER_INVESTIGATION, incidents=[ticket])
        client.force_login(l1)
        client.post(link_url(ticket), {"problem": known_error.number})
        assert ProblemIncident.objects.get(incident=ticket).problem == known_error
        assert not other.incident_links.exists()

    @pytest.mark.parametrize("problem", ["PRB-999999", "", "nonsense"])
    def test_an_unknown_problem_is_404(self, client, l1, ticket, problem):
        client.force_login(l1)
        assert client.post(link_url(ticket), {"problem": problem}).status_code == 404
        assert not ProblemIncident.objects.exists()

    def test_an_unknown_ticket_is_404(self, client, l1, known_error):
        client.force_login(l1)
        url = reverse("problems:ticket_link", args=["INC-999999"])
        assert client.post(url, {"problem": known_error.number}).status_code == 404

    def test_a_ticket_the_agent_may_not_see_is_404_and_stays_unlinked(
        self, client, l1, ticket, known_error, monkeypatch
    ):
        """The views find the ticket through incidents.access (who may see which)."""
        monkeypatch.setattr(IncidentQuerySet, "visible_to", lambda self, user: self.none())
        client.force_login(l1)
        assert client.post(link_url(ticket), {"problem": known_error.number}).status_code == 404
        assert client.post(unlink_url(ticket), {"problem": known_error.number}).status_code == 404
        assert not ProblemIncident.objects.exists()


class TestUnlink:
    def test_an_agent_takes_the_ticket_off_its_problem(self, client, l2, ticket, known_error):
        services.problem_link_incident(problem=known_error, incident=ticket, actor=l2)
        client.force_login(l2)
        response = client.post(unlink_url(ticket), {"problem": known_error.number}, headers=HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert f"{ticket.number} is no longer linked to {known_error.number}." in html
        # Back to the offer: the same known error, one click away.
        assert f'data-link-problem="{known_error.number}"' in html
        assert not ProblemIncident.objects.exists()

    def test_without_javascript_it_goes_back_to_the_ticket(self, client, l2, ticket, known_error):
        services.problem_link_incident(problem=known_error, incident=ticket, actor=l2)
        client.force_login(l2)
        response = client.post(unlink_url(ticket), {"problem": known_error.number})
        assert response.status_code == 302
        assert not ProblemIncident.objects.exists()

    def test_a_ticket_moved_to_another_problem_meanwhile_stays_there(
        self, client, l1, ticket, known_error
    ):
        other = ProblemFactory(status=Status.KNOWN_ERROR, incidents=[ticket])
        client.force_login(l1)
        response = client.post(unlink_url(ticket), {"problem": known_error.number}, headers=HTMX)
        assert response.status_code == 422
        assert (
            f"{ticket.number} is not linked to {known_error.number}." in response.content.decode()
        )
        assert ProblemIncident.objects.get(incident=ticket).problem == other

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_a_problem_finished_meanwhile_keeps_the_ticket_and_the_panel_says_why(
        self, client, l1, ticket, status
    ):
        """The panel was shown while the problem was open: it was a 500."""
        problem = ProblemFactory(status=status, incidents=[ticket])
        client.force_login(l1)
        response = client.post(unlink_url(ticket), {"problem": problem.number}, headers=HTMX)
        assert response.status_code == 422
        assert response["HX-Retarget"] == "#problem-panel"
        assert "A closed or cancelled problem is not changed any more." in (
            response.content.decode()
        )
        assert ProblemIncident.objects.get(incident=ticket).problem == problem

    def test_without_javascript_a_finished_problem_sends_back_to_the_ticket_saying_why(
        self, client, l1, ticket
    ):
        problem = ProblemFactory(status=Status.CLOSED, incidents=[ticket])
        client.force_login(l1)
        response = client.post(unlink_url(ticket), {"problem": problem.number})
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[ticket.number])
        said = [str(m) for m in get_messages(response.wsgi_request)]
        assert said == ["A closed or cancelled problem is not changed any more."]
        assert ProblemIncident.objects.get(incident=ticket).problem == problem


class TestAccess:
    @pytest.mark.parametrize("actor", EVERYONE)
    def test_who_may_link_and_take_off(self, client, actors, actor, ticket, known_error):
        client.force_login(actors[actor])
        linked = client.post(link_url(ticket), {"problem": known_error.number})
        taken_off = client.post(unlink_url(ticket), {"problem": known_error.number})
        may = actor in LINKERS
        assert (linked.status_code, taken_off.status_code) == ((302, 302) if may else (403, 403))
        assert not ProblemIncident.objects.exists()  # linked and taken off again, or never
        if may:
            assert ticket.history.filter(history_type="~").count() == 0  # the ticket is untouched

    def test_a_contact_cannot_link_even_its_own_organisations_ticket(
        self, client, contact_a, ticket, known_error
    ):
        client.force_login(contact_a)
        assert client.post(link_url(ticket), {"problem": known_error.number}).status_code == 403
        assert not ProblemIncident.objects.exists()

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client, ticket, known_error):
        for url in (link_url(ticket), unlink_url(ticket)):
            response = client.post(url, {"problem": known_error.number})
            assert response.status_code == 302
            assert response["Location"].startswith(reverse(settings.LOGIN_URL))

    @pytest.mark.parametrize("method", ["get", "put", "delete"])
    def test_only_post_is_allowed(self, client, l1, ticket, method):
        client.force_login(l1)
        for url in (link_url(ticket), unlink_url(ticket)):
            assert getattr(client, method)(url).status_code == 405


# ----- the article page -----------------------------------------------------------------


class TestArticlePage:
    def test_the_article_names_the_problems_whose_known_error_it_is(
        self, client, kb_manager, problem_manager
    ):
        problem = ProblemFactory(title="Mail queue stalls", status=Status.KNOWN_ERROR)
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        client.force_login(kb_manager)
        html = client.get(reverse("knowledge:detail", args=[article.number])).content.decode()
        assert f'data-problem="{problem.number}"' in html
        assert "Known error of" in html and "Mail queue stalls" in html

    def test_an_article_of_no_problem_has_no_problem_panel(
        self, client, kb_manager, problem_manager
    ):
        from tests.knowledge.factories import ArticleFactory

        article = ArticleFactory()
        client.force_login(kb_manager)
        html = client.get(reverse("knowledge:detail", args=[article.number])).content.decode()
        assert "prb-article-panel" not in html

    @pytest.mark.parametrize("actor", ["contact_a", "outsider"])
    def test_the_panel_shows_nothing_to_anyone_but_staff(self, actors, actor, problem_manager):
        problem = ProblemFactory(status=Status.KNOWN_ERROR)
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        request = RequestFactory().get("/")
        request.user = actors[actor]
        assert panels.article_panel(request, article) == ""
        assert (
            panels.ticket_panel(request, IncidentFactory(contact=actors["contact_a"].contact)) == ""
        )

    @pytest.mark.urls(WITH_PAGES)
    def test_the_problem_number_links_to_the_problem_page(self, client, l1, problem_manager):
        problem = ProblemFactory(status=Status.KNOWN_ERROR)
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        client.force_login(l1)
        html = client.get(reverse("knowledge:detail", args=[article.number])).content.decode()
        assert f'href="/problems/{problem.number}/"' in html
