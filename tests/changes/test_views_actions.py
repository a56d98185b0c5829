"""The lifecycle buttons of the change's page through HTTP, with htmx and without: steps
that need nothing run from one click, the others open their form inline; errors sit next
to their field with what was typed; a stale step is refused plainly and keeps the input
on top of the current version."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied

from changes import services
from changes.models import ChangeRequest, ChangeType, StandardChangeTemplate, Status
from tests.changes.factories import cab_user, policy, window
from tests.changes.page_helpers import HTMX, action_url, body, error_of, fresh, page_url, raised

pytestmark = pytest.mark.django_db


def _step(client, change: ChangeRequest, key: str, htmx: bool = True, **data):
    headers = HTMX if htmx else {}
    data = {"version": change.version, **data}
    return client.post(action_url(change, key), data, headers=headers)


class TestThePanel:
    def test_a_step_opens_inline_with_the_version_seen(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.SUBMITTED)
        client.force_login(change_manager)
        response = client.get(action_url(change, "cancel"), headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#action-panel"
        html = body(response)
        assert f'name="version" value="{change.version}"' in html
        assert 'id="action-panel"' in html and "<html" not in html
        assert "autofocus" in html

    def test_without_javascript_the_page_opens_with_the_panel(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.SUBMITTED)
        client.force_login(change_manager)
        html = body(client.get(action_url(change, "cancel")))
        assert "<html" in html and 'class="action-panel open"' in html
        assert 'data-panel="cancel"' in html

    def test_steps_that_need_nothing_are_one_click_buttons_in_the_header(
        self, client, l2, change_manager
    ):
        change = raised(l2, change_manager, Status.SUBMITTED)
        client.force_login(change_manager)
        html = body(client.get(page_url(change)))
        header = html.split('id="actions"')[1].split("</header>")[0]
        assert f'hx-post="{action_url(change, "start_assessment")}"' in header
        assert f'hx-get="{action_url(change, "cancel")}"' in header

    @pytest.mark.parametrize(("kind", "offered"), [("normal", False), ("emergency", True)])
    def test_only_an_emergency_change_goes_to_the_cab_without_assessment(
        self, client, l2, change_manager, kind, offered
    ):
        change = raised(l2, change_manager, Status.SUBMITTED, change_type=kind)
        client.force_login(change_manager)
        html = body(client.get(page_url(change)))
        assert 'data-action="start_assessment"' in html
        assert ('data-action="send_to_cab"' in html) is offered

    def test_the_requester_sees_submit_and_cancel_on_the_draft_only(
        self, client, l1, l2, change_manager
    ):
        change = raised(l2, change_manager)
        client.force_login(l2)
        html = body(client.get(page_url(change)))
        assert 'data-action="submit"' in html and 'data-action="cancel"' in html
        assert 'data-action="start_assessment"' not in html
        client.force_login(l1)
        html = body(client.get(page_url(change)))
        assert "data-action=" not in html


class TestTheWayThrough:
    def test_a_draft_goes_through_to_closed_with_htmx(self, client, l2, change_manager):
        cab = cab_user()
        policy(approvers=[cab])
        change = raised(l2, change_manager, implementer=l2)
        client.force_login(l2)
        response = _step(client, change, "submit")
        assert response.status_code == 200 and "changeChanged" in response["HX-Trigger"]
        assert 'id="change"' in body(response) and fresh(change).status == Status.SUBMITTED

        client.force_login(change_manager)
        for key, status in [
            ("start_assessment", Status.ASSESSMENT),
            ("send_to_cab", Status.CAB_REVIEW),
        ]:
            response = _step(client, fresh(change), key)
            assert response.status_code == 200, body(response)
            assert fresh(change).status == status
        services.change_decide(change=fresh(change), decision="approved", actor=cab)
        response = _step(client, fresh(change), "schedule")
        assert fresh(change).status == Status.SCHEDULED

        client.force_login(l2)  # the implementer, inside the window
        for key, status in [
            ("start_implementation", Status.IMPLEMENTING),
            ("complete", Status.IMPLEMENTED),
        ]:
            response = _step(client, fresh(change), key)
            assert response.status_code == 200, body(response)
            assert fresh(change).status == status

        client.force_login(change_manager)
        _step(client, fresh(change), "start_review")
        response = _step(
            client, fresh(change), "close", review="Went to plan.", outcome="successful"
        )
        closed = fresh(change)
        assert response.status_code == 200
        assert (closed.status, closed.review_outcome) == (Status.CLOSED, "successful")
        assert "Went to plan." in body(response)

    def test_without_javascript_a_step_redirects_to_the_page_with_a_message(
        self, client, l2, change_manager
    ):
        change = raised(l2, change_manager, Status.SUBMITTED)
        client.force_login(change_manager)
        response = _step(client, change, "start_assessment", htmx=False)
        assert response.status_code == 302 and response["Location"] == page_url(change)
        assert "Start assessment: done." in body(client.get(page_url(change)))

    def test_a_standard_change_from_its_template_is_approved_on_submission(
        self, client, l2, change_manager
    ):
        template = StandardChangeTemplate.objects.create(name="Renew a certificate")
        change = raised(l2, change_manager, template=template)
        assert change.change_type == ChangeType.STANDARD
        client.force_login(l2)
        response = _step(client, change, "submit")
        assert response.status_code == 200 and fresh(change).status == Status.APPROVED

    def test_submitting_without_a_back_out_plan_says_so_in_the_panel(
        self, client, l2, change_manager
    ):
        change = raised(l2, change_manager, backout_plan="")
        client.force_login(l2)
        response = _step(client, change, "submit")
        assert response.status_code == 422 and response["HX-Retarget"] == "#action-panel"
        assert "Write the back-out plan before submitting." in body(response)
        assert fresh(change).status == Status.DRAFT

    def test_sending_to_a_cab_without_approvers_says_whom_to_ask(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.ASSESSMENT)
        policy(approvers=[])
        client.force_login(change_manager)
        response = _step(client, change, "send_to_cab")
        assert response.status_code == 422
        assert "ask an admin to set the policy" in body(response)

    def test_a_rejected_change_is_revised_back_to_draft(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.REJECTED)
        client.force_login(l2)
        response = _step(client, change, "revise", reason="Split it in two")
        assert response.status_code == 200 and fresh(change).status == Status.DRAFT
        assert "Split it in two" in body(response)


class TestStartingTheImplementation:
    @pytest.fixture
    def later(self, l2, change_manager) -> ChangeRequest:
        """Scheduled, its window opening tomorrow; l2 implements it."""
        return raised(
            l2,
            change_manager,
            Status.SCHEDULED,
            implementer=l2,
            **window(starts_in=timedelta(days=1)),
        )

    def test_inside_the_window_it_is_one_click(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.SCHEDULED, implementer=l2)
        client.force_login(l2)
        html = body(client.get(page_url(change)))
        assert f'hx-post="{action_url(change, "start_implementation")}"' in html

    def test_outside_the_window_the_implementer_has_no_button(self, client, l2, later):
        client.force_login(l2)
        html = body(client.get(page_url(later)))
        assert 'data-action="start_implementation"' not in html
        assert "The implementer starts it when the window opens." in html
        assert _step(client, later, "start_implementation").status_code == 403

    def test_outside_the_window_the_change_manager_says_why(self, client, change_manager, later):
        client.force_login(change_manager)
        panel = body(client.get(action_url(later, "start_implementation"), headers=HTMX))
        assert 'name="override_reason"' in panel and "data-outside-window" in panel

        refused = _step(client, later, "start_implementation", override_reason="  ")
        assert refused.status_code == 422
        assert "say why it starts now" in error_of(body(refused), "override_reason")

        response = _step(client, later, "start_implementation", override_reason="Vendor asked")
        started = fresh(later)
        assert response.status_code == 200 and started.status == Status.IMPLEMENTING
        assert started.window_override_reason == "Vendor asked"

    def test_inside_the_window_the_form_asks_no_reason(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.SCHEDULED)
        client.force_login(change_manager)
        panel = body(client.get(action_url(change, "start_implementation"), headers=HTMX))
        assert 'name="override_reason"' not in panel


class TestEndingBadly:
    @pytest.mark.parametrize(("key", "status"), [("fail", "failed"), ("roll_back", "rolled_back")])
    def test_a_report_is_needed_and_kept(self, client, l2, change_manager, key, status):
        change = raised(l2, change_manager, Status.IMPLEMENTING, implementer=l2)
        client.force_login(l2)
        refused = _step(client, change, key, failure_report="")
        assert refused.status_code == 422 and error_of(body(refused), "failure_report")
        response = _step(client, change, key, failure_report="Node 2 did not boot")
        assert response.status_code == 200
        ended = fresh(change)
        assert (ended.status, ended.failure_report) == (status, "Node 2 did not boot")
        assert "Node 2 did not boot" in body(response)


class TestClosing:
    def test_an_emergency_change_closes_only_with_its_review(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.IMPLEMENTED, change_type=ChangeType.EMERGENCY)
        services.change_start_review(change=change, actor=change_manager)
        client.force_login(change_manager)
        refused = _step(client, change, "close", review="", outcome="")
        assert refused.status_code == 422
        html = body(refused)
        assert "only after its review" in error_of(html, "review")
        assert "Say how the change went." in error_of(html, "outcome")
        response = _step(client, change, "close", review="Fine", outcome="with_issues")
        assert response.status_code == 200 and fresh(change).status == Status.CLOSED

    def test_the_close_form_starts_from_the_review_written_so_far(self, client, l2, change_manager):
        change = raised(l2, change_manager, Status.REVIEW)
        ChangeRequest.objects.filter(pk=change.pk).update(review="Half written")
        client.force_login(change_manager)
        panel = body(client.get(action_url(change, "close"), headers=HTMX))
        assert "Half written" in panel


class TestCancelling:
    def test_the_requester_withdraws_a_draft_saying_why(self, client, l2, change_manager):
        change = raised(l2, change_manager)
        client.force_login(l2)
        refused = _step(client, change, "cancel", reason="")
        assert refused.status_code == 422 and error_of(body(refused), "reason")
        response = _step(client, change, "cancel", htmx=False, reason="Not needed after all")
        assert response.status_code == 302
        cancelled = fresh(change)
        assert (cancelled.status, cancelled.cancel_reason) == (
            Status.CANCELLED,
            "Not needed after all",
        )


class TestStaleSteps:
    def test_the_loser_of_a_race_is_told_keeps_the_input_and_can_send_it_again(
        self, client, l2, change_manager
    ):
        change = raised(l2, change_manager, Status.SUBMITTED)
        seen = change.version
        services.change_update(change=change, actor=change_manager, title="Renamed meanwhile")
        client.force_login(change_manager)
        response = client.post(
            action_url(change, "cancel"),
            {"version": seen, "reason": "Duplicate of CHG-000007"},
            headers=HTMX,
        )
        assert response.status_code == 422
        html = body(response)
        assert "Someone else changed this change request" in html
        assert "Duplicate of CHG-000007" in html
        current = fresh(change)
        assert f'name="version" value="{current.version}"' in html
        assert current.status == Status.SUBMITTED

        again = client.post(
            action_url(change, "cancel"),
            {"version": current.version, "reason": "Duplicate of CHG-000007"},
        )
        assert again.status_code == 302 and fresh(change).status == Status.CANCELLED

    def test_without_javascript_the_stale_step_shows_the_page_with_the_input(
        self, client, l2, change_manager
    ):
        change = raised(l2, change_manager, Status.IMPLEMENTING)
        seen = change.version
        # Someone saved the change meanwhile (no step but this one is open now).
        ChangeRequest.objects.filter(pk=change.pk).update(version=seen + 1)
        client.force_login(change_manager)
        response = client.post(
            action_url(change, "fail"), {"version": seen, "failure_report": "Disk full"}
        )
        assert response.status_code == 422
        html = body(response)
        assert "<html" in html and "Someone else changed this change request" in html
        assert "Disk full" in html and 'data-panel="fail"' in html
        assert fresh(change).status == Status.IMPLEMENTING


def test_a_step_not_open_to_the_user_is_403_with_a_reason(client, l1, l2, change_manager):
    change = raised(l2, change_manager, Status.SUBMITTED)
    client.force_login(l1)
    response = _step(client, change, "cancel", reason="x")
    assert response.status_code == 403
    assert fresh(change).status == Status.SUBMITTED


def test_the_service_refusing_someone_is_403(client, l2, change_manager, monkeypatch):
    """A rule the buttons did not foresee still answers 403, never 500."""
    change = raised(l2, change_manager, Status.SUBMITTED)

    def refuse(**kwargs):
        raise PermissionDenied

    monkeypatch.setattr(services, "change_start_assessment", refuse)
    client.force_login(change_manager)
    assert _step(client, change, "start_assessment").status_code == 403
