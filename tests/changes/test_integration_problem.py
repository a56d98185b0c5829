"""The changes panel on the problem page (the changes linked to the problem, and "Resolve
with CHG-…" through the problem's own resolve step), and the word to the problem manager
when a change linked to the problem is implemented."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from changes import services
from changes.models import ChangeRequest, Status
from changes.notifications import EVENT_FIX_IMPLEMENTED
from problems.models import Problem
from problems.models import Status as ProblemStatus
from servicedesk.models import InAppNotification, Notification
from tests.changes.factories import ChangeFactory
from tests.problems.factories import ProblemFactory, problem_manager_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def problem(problem_manager):
    return ProblemFactory(
        title="Checkout times out", status=ProblemStatus.KNOWN_ERROR, actor=problem_manager
    )


def page(client, user, problem: Problem) -> str:
    client.force_login(user)
    response = client.get(reverse("problems:detail", args=[problem.number]))
    assert response.status_code == 200
    return response.text


def resolve_form(html: str, number: str) -> dict[str, str]:
    """The fields of the panel's "Resolve with <number>" form, as the browser sends them."""
    form = re.search(
        rf'<form class="chg-resolve".*?data-resolve-with="{number}">(.*?)</form>', html, re.S
    )
    assert form, f"no resolve form for {number}"
    body = form.group(1)
    version = re.search(r'name="version" value="(\d+)"', body)
    fix = re.search(r'<textarea[^>]*name="permanent_fix"[^>]*>(.*?)</textarea>', body, re.S)
    assert version and fix
    return {"version": version.group(1), "permanent_fix": fix.group(1)}


class TestPanel:
    def test_the_problem_page_lists_its_changes_with_their_status(
        self, client, l1, problem, change_manager
    ):
        draft = ChangeFactory(problems=[problem])
        done = ChangeFactory(status=Status.IMPLEMENTED, problems=[problem], actor=change_manager)
        html = page(client, l1, problem)
        assert 'id="change-panel"' in html
        assert f'data-linked-change="{draft.number}"' in html
        assert 'data-change-status="draft"' in html
        assert 'data-change-status="implemented"' in html
        assert reverse("changes:detail", args=[done.number]) in html

    def test_a_problem_without_changes_offers_to_raise_one_linked_to_it(self, client, l1, problem):
        html = page(client, l1, problem)
        assert "data-linked-change" not in html
        assert f'href="/changes/new/?problem={problem.number}"' in html

    def test_a_finished_problem_without_changes_shows_no_panel(self, client, problem_manager):
        from problems.models import Status as ProblemStatus
        from tests.problems.factories import ProblemFactory

        cancelled = ProblemFactory(status=ProblemStatus.CANCELLED)
        assert 'id="change-panel"' not in page(client, problem_manager, cancelled)

    @pytest.mark.parametrize("status", [Status.IMPLEMENTED, Status.REVIEW, Status.CLOSED])
    def test_the_problem_manager_may_resolve_with_a_change_carried_out(
        self, client, problem_manager, problem, status
    ):
        change = ChangeFactory(status=status, problems=[problem], title="Raise the proxy timeout")
        fields = resolve_form(page(client, problem_manager, problem), change.number)
        assert fields["permanent_fix"] == f"{change.number}: Raise the proxy timeout"
        assert f"Resolve with {change.number}" in page(client, problem_manager, problem)

    @pytest.mark.parametrize(
        "status", [Status.SCHEDULED, Status.IMPLEMENTING, Status.FAILED, Status.ROLLED_BACK]
    )
    def test_no_resolve_with_a_change_not_carried_out_with_success(
        self, client, problem_manager, problem, status
    ):
        change = ChangeFactory(status=status, problems=[problem])
        html = page(client, problem_manager, problem)
        assert f'data-linked-change="{change.number}"' in html
        assert "data-resolve-with" not in html

    def test_a_review_that_says_it_failed_offers_no_resolve(
        self, client, problem_manager, problem, change_manager
    ):
        change = ChangeFactory(status=Status.REVIEW, problems=[problem], actor=change_manager)
        services.change_close(
            change=change, review="Did not help.", outcome="unsuccessful", actor=change_manager
        )
        assert "data-resolve-with" not in page(client, problem_manager, problem)

    def test_only_who_may_resolve_the_problem_gets_the_button(self, client, l2, problem):
        ChangeFactory(status=Status.IMPLEMENTED, problems=[problem])
        html = page(client, l2, problem)
        assert 'id="change-panel"' in html
        assert "data-resolve-with" not in html

    def test_a_resolved_problem_offers_no_resolve(self, client, problem_manager):
        resolved = ProblemFactory(status=ProblemStatus.RESOLVED, actor=problem_manager)
        ChangeFactory(status=Status.IMPLEMENTED, problems=[resolved])
        assert "data-resolve-with" not in page(client, problem_manager, resolved)

    def test_the_query_count_does_not_grow_with_the_changes(self, client, problem_manager, problem):
        ChangeFactory(status=Status.IMPLEMENTED, problems=[problem])
        url = reverse("problems:detail", args=[problem.number])
        client.force_login(problem_manager)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert "data-resolve-with" in client.get(url).text
            return len(captured)

        queries()
        few = queries()
        for status in [Status.DRAFT, Status.IMPLEMENTED, Status.CLOSED, Status.SCHEDULED] * 2:
            ChangeFactory(status=status, problems=[problem])
        assert queries() == few


class TestResolveWith:
    def test_the_form_resolves_the_problem_with_the_change(self, client, problem_manager, problem):
        change = ChangeFactory(status=Status.IMPLEMENTED, problems=[problem], title="Fix it")
        fields = resolve_form(page(client, problem_manager, problem), change.number)
        response = client.post(reverse("problems:action", args=[problem.number, "resolve"]), fields)
        assert response.status_code == 302
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.RESOLVED
        assert problem.permanent_fix == f"{change.number}: Fix it"

    def test_with_htmx_the_problem_is_redrawn_resolved(self, client, problem_manager, problem):
        change = ChangeFactory(status=Status.IMPLEMENTED, problems=[problem])
        fields = resolve_form(page(client, problem_manager, problem), change.number)
        response = client.post(
            reverse("problems:action", args=[problem.number, "resolve"]),
            fields,
            headers={"HX-Request": "true"},
        )
        assert response.status_code == 200
        assert 'data-status="resolved"' in response.text
        assert f'data-linked-change="{change.number}"' in response.text

    def test_an_emptied_fix_comes_back_with_the_error_next_to_it(
        self, client, problem_manager, problem
    ):
        change = ChangeFactory(status=Status.IMPLEMENTED, problems=[problem])
        fields = resolve_form(page(client, problem_manager, problem), change.number)
        response = client.post(
            reverse("problems:action", args=[problem.number, "resolve"]),
            {**fields, "permanent_fix": " "},
        )
        assert response.status_code == 422
        assert "Say what fixed the cause for good." in response.text
        problem.refresh_from_db()
        assert problem.status == ProblemStatus.KNOWN_ERROR


class TestProblemManagerIsTold:
    def implement(self, change: ChangeRequest, actor, capture) -> None:
        with capture(execute=True):
            services.change_complete(change=change, actor=actor)

    def test_the_problem_owner_is_told_in_the_app_and_by_mail(
        self, problem, problem_manager, change_manager, django_capture_on_commit_callbacks
    ):
        change = ChangeFactory(status=Status.IMPLEMENTING, problems=[problem], actor=change_manager)
        self.implement(change, change_manager, django_capture_on_commit_callbacks)
        told = InAppNotification.objects.get(event=EVENT_FIX_IMPLEMENTED)
        assert told.recipient == problem_manager
        assert told.url == reverse("problems:detail", args=[problem.number])
        assert change.number in told.verb
        assert told.target_label == f"{problem.number} {problem.title}"
        mail = Notification.objects.get(event=EVENT_FIX_IMPLEMENTED)
        assert mail.recipient_email == problem_manager.email
        assert mail.subject.startswith(f"[{problem.number}]")
        assert change.title in mail.body

    def test_without_an_owner_every_problem_manager_is_told(
        self, problem, problem_manager, change_manager, django_capture_on_commit_callbacks
    ):
        other = problem_manager_user()
        Problem.objects.filter(pk=problem.pk).update(owner=None)
        change = ChangeFactory(status=Status.IMPLEMENTING, problems=[problem], actor=change_manager)
        self.implement(change, change_manager, django_capture_on_commit_callbacks)
        recipients = set(
            InAppNotification.objects.filter(event=EVENT_FIX_IMPLEMENTED).values_list(
                "recipient", flat=True
            )
        )
        assert recipients == {problem_manager.pk, other.pk}

    @pytest.mark.parametrize("status", [ProblemStatus.RESOLVED, ProblemStatus.CANCELLED])
    def test_a_finished_or_resolved_problem_tells_nobody(
        self, problem_manager, change_manager, status, django_capture_on_commit_callbacks
    ):
        done = ProblemFactory(status=status, actor=problem_manager)
        change = ChangeFactory(status=Status.IMPLEMENTING, problems=[done], actor=change_manager)
        self.implement(change, change_manager, django_capture_on_commit_callbacks)
        assert not InAppNotification.objects.filter(event=EVENT_FIX_IMPLEMENTED).exists()

    def test_other_outcomes_tell_nobody(
        self, problem, change_manager, django_capture_on_commit_callbacks
    ):
        change = ChangeFactory(status=Status.IMPLEMENTING, problems=[problem], actor=change_manager)
        with django_capture_on_commit_callbacks(execute=True):
            services.change_fail(change=change, report="Node 2 did not boot", actor=change_manager)
        assert not InAppNotification.objects.filter(event=EVENT_FIX_IMPLEMENTED).exists()

    def test_announced_twice_it_tells_once(
        self, problem, change_manager, django_capture_on_commit_callbacks
    ):
        from changes import notifications

        change = ChangeFactory(status=Status.IMPLEMENTING, problems=[problem], actor=change_manager)
        self.implement(change, change_manager, django_capture_on_commit_callbacks)
        again = notifications.notify_fix_implemented(change=change, actor=change_manager)
        assert again == []
        assert InAppNotification.objects.filter(event=EVENT_FIX_IMPLEMENTED).count() == 1
        assert Notification.objects.filter(event=EVENT_FIX_IMPLEMENTED).count() == 1

    def test_the_event_is_on_the_staff_preferences(self):
        from servicedesk.notification_events import staff_event_kinds

        assert EVENT_FIX_IMPLEMENTED in {kind.key for kind in staff_event_kinds()}
