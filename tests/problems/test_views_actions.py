"""The lifecycle steps and the edits of the problem's page, through HTTP, with htmx and
without: forms open inline, errors sit next to their field with what was typed, a stale
edit is refused plainly and keeps the input on top of the current version."""

import pytest
from django.test import Client
from django.urls import reverse

from problems import services
from problems.models import Problem, Status
from tests.factories import ConfigurationItemFactory, ServiceFactory, UserFactory
from tests.problems.factories import quiet_for
from tests.problems.page_fixtures import HTMX, action_url, open_problem, page_url, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(problem_manager) -> Problem:
    """Under investigation: every step and editor has something to do."""
    return open_problem(problem_manager, Status.UNDER_INVESTIGATION)


def _refresh(problem: Problem) -> Problem:
    return Problem.objects.get(pk=problem.pk)


class TestThePanel:
    def test_a_step_opens_inline_with_the_version_seen(self, client, problem_manager, problem):
        client.force_login(problem_manager)
        response = client.get(action_url(problem, "cancel"), headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#action-panel"
        body = response.content.decode()
        assert f'name="version" value="{problem.version}"' in body
        assert 'id="action-panel"' in body and "<html" not in body
        assert "autofocus" in body  # focus moves into the panel's first field

    def test_known_error_starts_from_the_findings_written_so_far(
        self, client, problem_manager, l2, problem
    ):
        services.problem_investigate(
            problem=problem, actor=l2, root_cause="Cron overlaps", workaround="Kill the job"
        )
        client.force_login(problem_manager)
        body = client.get(action_url(problem, "record_known_error"), headers=HTMX).content.decode()
        assert "Cron overlaps" in body and "Kill the job" in body

    def test_without_javascript_the_page_opens_with_the_panel(
        self, client, problem_manager, problem
    ):
        client.force_login(problem_manager)
        response = client.get(action_url(problem, "cancel"))
        body = response.content.decode()
        assert response.status_code == 200
        assert "<html" in body and 'class="action-panel open"' in body
        assert 'data-panel="cancel"' in body


class TestTakingSteps:
    def test_start_investigation_is_one_click_and_rerenders_the_problem(
        self, client, problem_manager
    ):
        problem = open_problem(problem_manager)
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "start_investigation"), {"version": problem.version}, headers=HTMX
        )
        assert response.status_code == 200
        assert "problemChanged" in response["HX-Trigger"]
        assert 'id="problem"' in response.content.decode()
        assert _refresh(problem).status == Status.UNDER_INVESTIGATION

    def test_without_javascript_a_step_redirects_to_the_page(self, client, problem_manager):
        problem = open_problem(problem_manager)
        client.force_login(problem_manager)
        response = client.post(action_url(problem, "start_investigation"), {"version": 1})
        assert response.status_code == 302 and response["Location"] == page_url(problem)
        assert "Start investigation: done." in client.get(page_url(problem)).content.decode()

    def test_record_known_error_writes_the_findings(self, client, problem_manager, problem):
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "record_known_error"),
            {"version": problem.version, "root_cause": "", "workaround": "Restart the spooler"},
        )
        assert response.status_code == 302
        problem = _refresh(problem)
        assert problem.status == Status.KNOWN_ERROR and problem.workaround == "Restart the spooler"

    def test_known_error_without_findings_says_so_next_to_the_root_cause(
        self, client, problem_manager, problem
    ):
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "record_known_error"),
            {"version": problem.version, "root_cause": "  ", "workaround": ""},
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        error = body.split('id="id_root_cause_error"')[1]
        assert error.split("</div>")[0].count("Write down the root cause or a workaround first.")
        assert _refresh(problem).status == Status.UNDER_INVESTIGATION

    def test_resolve_without_a_fix_keeps_the_other_input_and_says_what_is_missing(
        self, client, problem_manager, problem
    ):
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "resolve"), {"version": problem.version, "permanent_fix": ""}
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "<html" in body and "Say what fixed the cause for good." in body
        assert 'data-panel="resolve"' in body

    def test_cancel_needs_a_reason_next_to_its_field(self, client, problem_manager, problem):
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "cancel"), {"version": problem.version, "reason": ""}, headers=HTMX
        )
        assert response.status_code == 422
        assert 'id="id_reason_error"' in response.content.decode()

    def test_reopen_takes_a_resolved_problem_back_to_the_investigation(
        self, client, problem_manager
    ):
        resolved = open_problem(problem_manager, Status.RESOLVED)
        client.force_login(problem_manager)
        response = client.post(
            action_url(resolved, "reopen"),
            {"version": resolved.version, "reason": "Mail stalled again on Monday"},
            headers=HTMX,
        )
        assert response.status_code == 200
        reopened = _refresh(resolved)
        assert reopened.status == Status.UNDER_INVESTIGATION and reopened.resolved_at is None
        assert "Mail stalled again on Monday" in response.content.decode()  # in the history


class TestClose:
    def test_while_the_quiet_period_runs_the_panel_says_since_when_and_asks_why(
        self, client, problem_manager, settings
    ):
        settings.PROBLEM_QUIET_DAYS = 30
        resolved = open_problem(problem_manager, Status.RESOLVED)
        quiet_for(resolved, 5)
        client.force_login(problem_manager)
        body = client.get(action_url(resolved, "close"), headers=HTMX).content.decode()
        assert 'data-quiet="running"' in body and "5 of 30 days" in body

        response = client.post(
            action_url(resolved, "close"),
            {"version": resolved.version, "override_reason": ""},
            headers=HTMX,
        )
        assert response.status_code == 422
        assert "have not stayed away long enough" in response.content.decode()

        response = client.post(
            action_url(resolved, "close"),
            {"version": resolved.version, "override_reason": "Customer confirmed the fix"},
            headers=HTMX,
        )
        assert response.status_code == 200
        closed = _refresh(resolved)
        assert closed.status == Status.CLOSED
        assert closed.close_override_reason == "Customer confirmed the fix"

    def test_after_the_quiet_period_it_closes_without_a_reason(
        self, client, problem_manager, settings
    ):
        settings.PROBLEM_QUIET_DAYS = 30
        resolved = open_problem(problem_manager, Status.RESOLVED)
        quiet_for(resolved, 31)
        client.force_login(problem_manager)
        body = client.get(action_url(resolved, "close")).content.decode()
        assert 'data-quiet="passed"' in body
        response = client.post(action_url(resolved, "close"), {"version": resolved.version})
        assert response.status_code == 302
        assert _refresh(resolved).status == Status.CLOSED


class TestStaleSteps:
    def test_the_loser_of_a_race_is_told_plainly_keeps_the_input_and_can_send_it_again(
        self, client, problem_manager, problem
    ):
        seen = problem.version
        other = UserFactory(roles=["Problem manager"])
        services.problem_update(problem=problem, actor=other, title="Renamed meanwhile")
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "cancel"),
            {"version": seen, "reason": "Duplicate of PRB-000007"},
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this problem" in body
        assert "Duplicate of PRB-000007" in body
        current = _refresh(problem)
        assert f'name="version" value="{current.version}"' in body
        assert current.status == Status.UNDER_INVESTIGATION

        again = client.post(
            action_url(problem, "cancel"),
            {"version": current.version, "reason": "Duplicate of PRB-000007"},
        )
        assert again.status_code == 302 and _refresh(problem).status == Status.CANCELLED

    def test_without_javascript_the_stale_step_shows_the_page_with_the_input(
        self, client, problem_manager, problem
    ):
        seen = problem.version
        services.problem_investigate(problem=problem, actor=problem_manager, root_cause="X")
        client.force_login(problem_manager)
        response = client.post(
            action_url(problem, "resolve"), {"version": seen, "permanent_fix": "Patched kernel"}
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "<html" in body and "Someone else changed this problem" in body
        assert "Patched kernel" in body


class TestEdit:
    @pytest.fixture
    def service(self):
        return ServiceFactory(name="Backup")

    def _data(self, problem, **changes):
        data = {
            "version": problem.version,
            "title": problem.title,
            "description": problem.description,
            "priority": problem.priority,
            "category": problem.category,
            "owner": problem.owner_id or "",
            "investigator": "",
            "support_group": "",
            "service": "",
            "configuration_item": "",
            "permanent_fix": "",
        }
        data.update(changes)
        return data

    def test_the_edit_opens_in_the_panel_with_the_current_values(
        self, client, problem_manager, problem
    ):
        client.force_login(problem_manager)
        response = client.get(url("edit", problem), headers=HTMX)
        assert response.status_code == 200 and response["HX-Retarget"] == "#action-panel"
        assert f'value="{problem.title}"' in response.content.decode()

    def test_a_problem_manager_changes_what_defines_the_problem(
        self, client, problem_manager, l3, problem, service
    ):
        ci = ConfigurationItemFactory(service=service, name="backup-01")
        client.force_login(problem_manager)
        response = client.post(
            url("edit", problem),
            self._data(
                problem,
                title="Backups time out",
                priority=1,
                service=service.pk,
                configuration_item=ci.pk,
                investigator=l3.pk,
            ),
            headers=HTMX,
        )
        assert response.status_code == 200 and "problemChanged" in response["HX-Trigger"]
        edited = _refresh(problem)
        assert edited.title == "Backups time out" and edited.priority == 1
        assert edited.configuration_item == ci and edited.investigator == l3

    def test_nothing_changed_saves_nothing(self, client, problem_manager, problem):
        client.force_login(problem_manager)
        response = client.post(url("edit", problem), self._data(problem))
        assert response.status_code == 302
        assert _refresh(problem).version == problem.version

    def test_an_item_of_another_service_is_refused_next_to_it_and_the_title_kept(
        self, client, problem_manager, problem, service
    ):
        client.force_login(problem_manager)
        elsewhere = ConfigurationItemFactory()
        response = client.post(
            url("edit", problem),
            self._data(
                problem, title="Typed title", service=service.pk, configuration_item=elsewhere.pk
            ),
            headers=HTMX,
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert 'id="id_configuration_item_error"' in body
        assert "belongs to another service" in body and 'value="Typed title"' in body

    def test_only_problem_managers_are_offered_as_owner_and_l2_l3_as_investigator(
        self, client, problem_manager, l1, l2, l3, problem
    ):
        client.force_login(problem_manager)
        form = client.get(url("edit", problem)).context["panel"].form
        owners = set(form.fields["owner"].queryset)
        investigators = set(form.fields["investigator"].queryset)
        assert owners == {problem_manager}
        assert investigators == {l2, l3}
        assert l1 not in owners | investigators

    def test_a_stale_edit_keeps_what_was_typed(self, client, problem_manager, problem):
        data = self._data(problem, title="My new title")
        services.problem_update(problem=problem, actor=problem_manager, priority=1)
        client.force_login(problem_manager)
        response = client.post(url("edit", problem), data, headers=HTMX)
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this problem" in body and 'value="My new title"' in body
        assert _refresh(problem).title != "My new title"


class TestFindings:
    def test_l2_opens_the_findings_in_the_known_error_box(self, client, l2, problem):
        client.force_login(l2)
        response = client.get(url("findings", problem), headers=HTMX)
        assert response.status_code == 200 and response["HX-Retarget"] == "#findings"
        assert 'id="id_root_cause"' in response.content.decode()

    def test_l2_writes_the_root_cause_and_the_clock_to_root_cause_stops(self, client, l2, problem):
        client.force_login(l2)
        response = client.post(
            url("findings", problem),
            {"version": problem.version, "root_cause": "Cron overlaps", "workaround": "Wait"},
            headers=HTMX,
        )
        assert response.status_code == 200
        found = _refresh(problem)
        assert found.root_cause == "Cron overlaps" and found.root_cause_at is not None
        assert "data-root-cause>Cron overlaps" in response.content.decode()

    def test_a_stale_findings_edit_keeps_the_text(self, client, l2, l3, problem):
        seen = problem.version
        services.problem_investigate(problem=problem, actor=l3, workaround="L3's workaround")
        client.force_login(l2)
        response = client.post(
            url("findings", problem),
            {"version": seen, "root_cause": "My analysis", "workaround": ""},
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert "Someone else changed this problem" in body and "My analysis" in body
        assert _refresh(problem).workaround == "L3's workaround"


def test_a_step_not_open_to_the_user_is_403_with_a_reason(client, l2, problem):
    client.force_login(l2)
    response = client.post(
        reverse("problems:action", args=[problem.number, "cancel"]),
        {"version": problem.version, "reason": "x"},
    )
    assert response.status_code == 403
    assert _refresh(problem).status == Status.UNDER_INVESTIGATION


@pytest.mark.parametrize("debug", [False, True])
def test_a_step_sent_with_an_expired_form_token_says_to_reload_on_the_desks_page(
    problem_manager, problem, debug, settings
):
    """E.g. after logging in again in another tab: Django's own CSRF page (unstyled, and
    technical under DEBUG) told a problem manager nothing useful."""
    settings.DEBUG = debug
    client = Client(enforce_csrf_checks=True)
    client.force_login(problem_manager)
    client.get(page_url(problem))  # the page sets the token cookie the form would carry
    response = client.post(
        action_url(problem, "resolve"),
        {"version": problem.version, "permanent_fix": "Patched", "csrfmiddlewaretoken": "stale"},
    )
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    body = response.content.decode()
    assert "Reload the page" in body and "nothing was saved" in body
    assert "CSRF verification failed" not in body
    assert _refresh(problem).status == Status.UNDER_INVESTIGATION
