"""The problem's page: what it shows, to whom it offers which controls, the knowledge
article it produced, the incidents it explains, its history, and a fixed number of
queries however much it holds."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from knowledge.models import Status as ArticleStatus
from problems import services
from problems.models import Problem, ProblemIncident, Status
from servicedesk.models import Line
from tests.factories import (
    ConfigurationItemFactory,
    IncidentFactory,
    ServiceFactory,
    SupportGroupFactory,
)
from tests.problems.factories import quiet_for
from tests.problems.page_fixtures import HTMX, open_problem, page_url, url

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    """The page's text without tags, spaces squeezed."""
    html = response.content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestWhatThePageShows:
    @pytest.fixture
    def known_error(self, problem_manager, l2, l2_group) -> Problem:
        service = ServiceFactory(name="Mail hosting")
        ci = ConfigurationItemFactory(name="mx-01", service=service)
        group = SupportGroupFactory(name="Mail engineering", line=Line.L3)
        problem = open_problem(
            problem_manager,
            Status.KNOWN_ERROR,
            title="Mail queue stalls every Monday",
            description="Outgoing mail waits for hours.",
            service=service,
            configuration_item=ci,
            category="degradation",
            priority=2,
            investigator=l2,
            support_group=group,
        )
        return problem

    def test_the_facts_milestones_and_known_error_are_on_the_page(
        self, client, l1, known_error, problem_manager, l2
    ):
        client.force_login(l1)
        response = client.get(page_url(known_error))
        assert response.status_code == 200
        text = _text(response)
        for expected in [
            known_error.number,
            "Mail queue stalls every Monday",
            "Known error",
            "P2 High",
            "Mail hosting",
            "mx-01",
            "Degradation",
            problem_manager.get_full_name(),
            l2.get_full_name(),
            "Mail engineering",
            "Outgoing mail waits for hours.",
            "Investigation started",
            "Root cause found",
            "A memory leak in the agent",
            "Restart the agent",
        ]:
            assert expected in text, expected
        body = response.content.decode()
        assert 'data-status="known_error"' in body
        assert 'class="badge prb-known_error"' in body
        assert "data-workaround" in body  # the workaround has its own, prominent box

    def test_the_permanent_fix_shows_once_recorded(self, client, l1, problem_manager):
        resolved = open_problem(problem_manager, Status.RESOLVED)
        client.force_login(l1)
        text = _text(client.get(page_url(resolved)))
        assert "Permanent fix" in text and "Agent upgraded to 2.4" in text

    def test_the_breadcrumb_links_the_workspace_only_once_it_exists(
        self, client, l1, problem_manager
    ):
        client.force_login(l1)
        body = client.get(page_url(open_problem(problem_manager))).content.decode()
        try:
            home = reverse("problems:home")
        except NoReverseMatch:
            assert '<p class="crumbs">Problem' in body
        else:
            assert f'href="{home}"' in body


class TestControlsPerRole:
    def test_a_problem_manager_gets_the_steps_the_edit_and_every_editor(
        self, client, problem_manager
    ):
        problem = open_problem(problem_manager)
        client.force_login(problem_manager)
        response = client.get(page_url(problem))
        assert [a.key for a in response.context["actions"]] == ["start_investigation", "cancel"]
        body = response.content.decode()
        assert 'data-action="edit"' in body and 'data-action="findings"' in body
        assert 'id="id_why_new_answer"' in body and 'id="id_number"' in body

    def test_l2_works_the_investigation_but_does_not_move_the_problem(
        self, client, l2, problem_manager
    ):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        client.force_login(l2)
        response = client.get(page_url(problem))
        assert response.context["actions"] == []
        body = response.content.decode()
        assert 'data-action="edit"' not in body
        assert 'data-action="findings"' in body
        assert 'id="id_why_new_answer"' in body and 'id="id_event_occurred_at"' in body
        assert "Problem managers move this problem on." in body

    def test_l1_reads_the_analysis_and_links_incidents(self, client, l1, problem_manager):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        why = services.why_add(problem=problem, answer="The disk filled", actor=problem_manager)
        client.force_login(l1)
        body = client.get(page_url(problem)).content.decode()
        assert "The disk filled" in body
        assert 'id="id_why_new_answer"' not in body
        assert url("why_remove", problem, why.pk) not in body
        assert 'data-action="findings"' not in body
        assert 'id="id_number"' in body  # link an incident

    @pytest.mark.parametrize("role", ["change_manager", "kb_manager", "cab_member"])
    def test_other_managers_only_read(self, client, actors, role, problem_manager):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        client.force_login(actors[role])
        body = client.get(page_url(problem)).content.decode()
        assert "<form" not in body.split('id="problem"')[1].split("</article>")[0]

    def test_a_closed_problem_offers_no_controls_even_to_its_manager(self, client, problem_manager):
        closed = open_problem(problem_manager, Status.CLOSED)
        client.force_login(problem_manager)
        response = client.get(page_url(closed))
        body = response.content.decode()
        assert response.context["actions"] == []
        assert 'data-action="edit"' not in body and 'id="id_number"' not in body
        assert "Finished: nothing more to do." in body
        assert "Closed early because" in body and "Fix verified" in body


class TestKnowledgeArticle:
    def test_a_known_error_without_article_offers_to_write_one(self, client, problem_manager):
        problem = open_problem(problem_manager, Status.KNOWN_ERROR)
        client.force_login(problem_manager)
        body = client.get(page_url(problem)).content.decode()
        assert url("write_article", problem) in body

    @pytest.mark.parametrize("status", [Status.NEW, Status.UNDER_INVESTIGATION, Status.CLOSED])
    def test_before_the_known_error_or_after_the_end_there_is_no_button(
        self, client, problem_manager, status
    ):
        problem = open_problem(problem_manager, status)
        client.force_login(problem_manager)
        assert url("write_article", problem) not in client.get(page_url(problem)).content.decode()

    def test_l2_does_not_get_the_button(self, client, l2, problem_manager):
        problem = open_problem(problem_manager, Status.KNOWN_ERROR)
        client.force_login(l2)
        assert url("write_article", problem) not in client.get(page_url(problem)).content.decode()

    def test_one_click_writes_the_draft_and_opens_it_for_editing(self, client, problem_manager):
        problem = open_problem(problem_manager, Status.KNOWN_ERROR)
        client.force_login(problem_manager)
        response = client.post(url("write_article", problem))
        problem.refresh_from_db()
        assert problem.article is not None
        assert response.status_code == 302
        assert response["Location"] == reverse("knowledge:edit", args=[problem.article.number])
        assert problem.article.title == problem.title
        assert "Restart the agent" in problem.article.body

    def test_the_written_article_is_shown_with_its_status_and_no_button(
        self, client, problem_manager
    ):
        problem = open_problem(problem_manager, Status.KNOWN_ERROR)
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        client.force_login(problem_manager)
        body = client.get(page_url(problem)).content.decode()
        assert reverse("knowledge:detail", args=[article.number]) in body
        assert f'class="badge kb-{ArticleStatus.DRAFT}"' in body
        assert url("write_article", problem) not in body

    def test_writing_again_opens_the_article_already_written(self, client, problem_manager):
        problem = open_problem(problem_manager, Status.KNOWN_ERROR)
        article = services.problem_write_article(problem=problem, actor=problem_manager)
        client.force_login(problem_manager)
        response = client.post(url("write_article", problem))
        assert response["Location"] == reverse("knowledge:edit", args=[article.number])
        assert Problem.objects.get(pk=problem.pk).article == article

    def test_a_problem_that_is_not_a_known_error_is_told_so(self, client, problem_manager):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        client.force_login(problem_manager)
        response = client.post(url("write_article", problem), follow=True)
        assert "Only a known error becomes an article." in response.content.decode()


class TestLinkedIncidents:
    @pytest.fixture
    def problem(self, problem_manager):
        return open_problem(problem_manager, Status.UNDER_INVESTIGATION)

    def test_each_incident_links_to_its_ticket_with_status_organisation_and_date(
        self, client, l1, problem_manager
    ):
        incident = IncidentFactory(title="Queue stuck again")
        problem = open_problem(problem_manager, incidents=[incident])
        client.force_login(l1)
        body = client.get(page_url(problem)).content.decode()
        assert f'href="{reverse("incidents:detail", args=[incident.number])}"' in body
        row = body.split(f'data-incident="{incident.number}"')[1].split("</tr>")[0]
        assert "Queue stuck again" in row and incident.organisation.name in row
        assert incident.get_status_display() in row
        assert f"{timezone.localtime(incident.registered_at):%d %b %Y}" in row

    def test_l1_links_an_incident_by_its_number_in_any_case(self, client, l1, problem):
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(
            url("link_incident", problem), {"number": f" {incident.number.lower()} "}, headers=HTMX
        )
        assert response.status_code == 200
        assert "problemChanged" in response["HX-Trigger"]
        body = response.content.decode()
        assert 'id="problem"' in body and f"{incident.number} is linked." in body
        assert incident.problem_link.problem == problem

    def test_an_unknown_number_is_refused_next_to_the_field_and_kept(self, client, l1, problem):
        client.force_login(l1)
        response = client.post(
            url("link_incident", problem), {"number": "INC-424242"}, headers=HTMX
        )
        assert response.status_code == 422
        assert response["HX-Retarget"] == "#linked-incidents"
        body = response.content.decode()
        assert "No incident has the number INC-424242." in body
        assert 'value="INC-424242"' in body
        assert 'aria-describedby="id_number_helptext id_number_error"' in body

    def test_without_javascript_an_unknown_number_shows_the_page_with_the_error(
        self, client, l1, problem
    ):
        client.force_login(l1)
        response = client.post(url("link_incident", problem), {"number": "INC-424242"})
        assert response.status_code == 422
        body = response.content.decode()
        assert "<html" in body and "No incident has the number INC-424242." in body

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_without_javascript_a_finished_problem_says_why_it_takes_no_incident(
        self, client, l1, problem_manager, status
    ):
        """Its page offers no link form, so the refusal must bring the form back to be
        read next to the number (a page opened before the problem was finished)."""
        problem = open_problem(problem_manager, status)
        incident = IncidentFactory()
        client.force_login(l1)
        response = client.post(url("link_incident", problem), {"number": incident.number})
        assert response.status_code == 422
        body = response.content.decode()
        assert "A closed or cancelled problem takes no more incidents." in body
        assert f'value="{incident.number}"' in body
        assert not ProblemIncident.objects.filter(incident=incident).exists()

    def test_linking_an_incident_of_another_problem_moves_it_and_says_so(
        self, client, l1, problem, problem_manager
    ):
        incident = IncidentFactory()
        other = open_problem(problem_manager, incidents=[incident])
        client.force_login(l1)
        response = client.post(url("link_incident", problem), {"number": incident.number})
        assert response.status_code == 302
        follow = client.get(response["Location"]).content.decode()
        assert f"{incident.number} moved here from {other.number}." in follow
        incident.refresh_from_db()
        assert incident.problem_link.problem == problem

    def test_remove_takes_the_incident_off_and_the_history_says_who(
        self, client, l1, problem_manager
    ):
        incident = IncidentFactory()
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION, incidents=[incident])
        client.force_login(l1)
        response = client.post(url("unlink_incident", problem, incident.number), headers=HTMX)
        assert response.status_code == 200
        text = _text(response)
        assert f"{incident.number} is no longer linked." in text
        assert f"{incident.number} taken off {problem.number}" in text
        assert not problem.incident_links.exists()

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_removing_from_a_problem_finished_meanwhile_keeps_the_incident_and_says_why(
        self, client, l1, problem_manager, status
    ):
        """The Remove button was on a page opened before the problem finished: a 500."""
        incident = IncidentFactory()
        problem = open_problem(problem_manager, status, incidents=[incident])
        client.force_login(l1)
        response = client.post(url("unlink_incident", problem, incident.number), headers=HTMX)
        assert response.status_code == 422
        text = _text(response)
        assert "A closed or cancelled problem is not changed any more." in text
        assert f'data-incident="{incident.number}"' in response.content.decode()
        assert "problemChanged" in response["HX-Trigger"]
        assert ProblemIncident.objects.filter(problem=problem, incident=incident).exists()

    def test_without_javascript_removing_from_a_finished_problem_goes_back_saying_why(
        self, client, l1, problem_manager
    ):
        incident = IncidentFactory()
        problem = open_problem(problem_manager, Status.CLOSED, incidents=[incident])
        client.force_login(l1)
        response = client.post(url("unlink_incident", problem, incident.number))
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert "A closed or cancelled problem is not changed any more." in _text(page)
        assert ProblemIncident.objects.filter(problem=problem, incident=incident).exists()


class TestHistory:
    def test_who_did_what_and_why_including_the_analysis(self, client, l1, l2, problem_manager):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        why = services.why_add(problem=problem, answer="The disk filled", actor=l2)
        services.why_update(why=why, answer="The log disk filled", actor=l2)
        cause = services.cause_add(problem=problem, category="process", text="No rota", actor=l2)
        services.cause_set_confirmed(cause=cause, confirmed=True, actor=l2)
        services.problem_cancel(problem=problem, actor=problem_manager, reason="Duplicate of X")
        client.force_login(l1)
        history = _text(client.get(page_url(problem))).split("History")[1]
        assert "Opened" in history
        assert "Why 1 · Added: “The disk filled”" in history
        assert "because: The disk filled → The log disk filled" in history
        assert "Fishbone: Process · Confirmed: “No rota”" in history
        assert "Under investigation → Cancelled" in history and "Duplicate of X" in history
        assert l2.get_full_name() in history

    def test_a_why_moving_up_the_chain_is_not_news(self, client, l1, l2, problem_manager):
        problem = open_problem(problem_manager, Status.UNDER_INVESTIGATION)
        first = services.why_add(problem=problem, answer="First", actor=l2)
        services.why_add(problem=problem, answer="Second", actor=l2)
        services.why_remove(why=first, actor=l2)
        client.force_login(l1)
        history = _text(client.get(page_url(problem))).split("History")[1]
        assert history.count("Why ") == 3  # two added, one removed


class TestQuietPeriod:
    def test_a_resolved_problem_says_since_when_it_has_been_quiet(
        self, client, l1, problem_manager, settings
    ):
        settings.PROBLEM_QUIET_DAYS = 30
        problem = open_problem(problem_manager, Status.RESOLVED)
        quiet_for(problem, 10)
        client.force_login(l1)
        body = client.get(page_url(problem)).content.decode()
        assert 'data-quiet="running"' in body
        assert "10 of 30 days" in _text(client.get(page_url(problem)))

    def test_after_the_quiet_period_it_says_the_problem_may_close(
        self, client, l1, problem_manager, settings
    ):
        settings.PROBLEM_QUIET_DAYS = 30
        problem = open_problem(problem_manager, Status.RESOLVED)
        quiet_for(problem, 31)
        client.force_login(l1)
        body = client.get(page_url(problem)).content.decode()
        assert 'data-quiet="passed"' in body and "The problem may close." in body


def test_the_page_costs_the_same_queries_however_much_it_holds(
    client, problem_manager, l2, django_assert_max_num_queries
):
    """Linked incidents, RCA rows and their history: none costs a query per row."""
    problem = open_problem(
        problem_manager, Status.UNDER_INVESTIGATION, service=ServiceFactory(), investigator=l2
    )
    services.problem_link_incident(problem=problem, incident=IncidentFactory(), actor=l2)
    services.why_add(problem=problem, answer="One", actor=l2)
    services.cause_add(problem=problem, category="people", text="One", actor=l2)
    services.event_add(problem=problem, occurred_at=timezone.now(), text="One", actor=l2)
    client.force_login(problem_manager)
    client.get(page_url(problem))
    with CaptureQueriesContext(connection) as few:
        client.get(page_url(problem))

    for i in range(8):
        services.problem_link_incident(problem=problem, incident=IncidentFactory(), actor=l2)
        why = services.why_add(problem=problem, answer=f"Why {i}", actor=l2)
        services.why_update(why=why, answer=f"Because {i}", actor=l2)
        cause = services.cause_add(problem=problem, category="technology", text=f"C{i}", actor=l2)
        services.cause_set_confirmed(cause=cause, confirmed=True, actor=l2)
        services.event_add(problem=problem, occurred_at=timezone.now(), text=f"E{i}", actor=l2)
    services.problem_update(problem=problem, actor=problem_manager, priority=1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(page_url(problem))
    assert response.content.decode().count("data-incident=") == 9


def test_even_in_debug_the_page_loads_no_script_the_csp_would_block(
    client, settings, problem_manager
):
    """django-htmx adds its debug helper under DEBUG (as `make run` serves): it pastes an
    htmx error response over the page and evaluates its scripts, which the CSP refuses.
    The page loads htmx alone; static/js/app.js reports failed requests."""
    settings.DEBUG = True
    problem = open_problem(problem_manager)
    client.force_login(problem_manager)
    html = client.get(page_url(problem)).content.decode()
    assert "django_htmx/htmx-2.min.js" in html
    assert "django-htmx.js" not in html
