"""The change lifecycle per role: who may take which step from which state, and what each
step needs. The requester (here: l1) submits, revises and withdraws their own draft; the
implementer (here: l2) carries the change out; the change manager runs the rest. No person
approves or rejects: the CAB's decisions do (test_approvals.py)."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from changes import services
from changes.exceptions import StaleChange
from changes.models import ChangeRequest, ChangeType, Status
from changes.services._workflow import CHANGES
from tests.changes.factories import ChangeFactory, policy, window
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

EVERYONE = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "outsider",
]
MANAGER = {"change_manager"}
REQUESTER = {"l1", "change_manager"}
IMPLEMENTER = {"l2", "change_manager"}

# (step, from state, to state, who may)
TABLE = [
    ("submit", Status.DRAFT, Status.SUBMITTED, REQUESTER),
    ("start_assessment", Status.SUBMITTED, Status.ASSESSMENT, MANAGER),
    ("send_to_cab", Status.ASSESSMENT, Status.CAB_REVIEW, MANAGER),
    ("revise", Status.REJECTED, Status.DRAFT, REQUESTER),
    ("schedule", Status.APPROVED, Status.SCHEDULED, MANAGER),
    ("start_implementation", Status.SCHEDULED, Status.IMPLEMENTING, IMPLEMENTER),
    ("complete", Status.IMPLEMENTING, Status.IMPLEMENTED, IMPLEMENTER),
    ("fail", Status.IMPLEMENTING, Status.FAILED, IMPLEMENTER),
    ("roll_back", Status.IMPLEMENTING, Status.ROLLED_BACK, IMPLEMENTER),
    ("start_review", Status.IMPLEMENTED, Status.REVIEW, MANAGER),
    ("start_review", Status.FAILED, Status.REVIEW, MANAGER),
    ("start_review", Status.ROLLED_BACK, Status.REVIEW, MANAGER),
    ("close", Status.REVIEW, Status.CLOSED, MANAGER),
    ("cancel", Status.DRAFT, Status.CANCELLED, REQUESTER),
    ("cancel", Status.SUBMITTED, Status.CANCELLED, MANAGER),
    ("cancel", Status.ASSESSMENT, Status.CANCELLED, MANAGER),
    ("cancel", Status.CAB_REVIEW, Status.CANCELLED, MANAGER),
    ("cancel", Status.APPROVED, Status.CANCELLED, MANAGER),
    ("cancel", Status.SCHEDULED, Status.CANCELLED, MANAGER),
]
SERVICES: dict[str, Callable[..., ChangeRequest]] = {
    "submit": services.change_submit,
    "start_assessment": services.change_start_assessment,
    "send_to_cab": services.change_send_to_cab,
    "revise": services.change_revise,
    "schedule": services.change_schedule,
    "start_implementation": services.change_start_implementation,
    "complete": services.change_complete,
    "fail": services.change_fail,
    "roll_back": services.change_roll_back,
    "start_review": services.change_start_review,
    "close": services.change_close,
    "cancel": services.change_cancel,
}
#: What each step is given, so that its conditions hold.
INPUTS: dict[str, dict[str, str]] = {
    "fail": {"report": "The upgrade script stopped halfway"},
    "roll_back": {"report": "Errors after the upgrade: packages reinstalled"},
    "close": {"review": "Went to plan.", "outcome": "successful"},
    "cancel": {"reason": "Superseded by CHG-000009"},
}
CASES = [
    pytest.param(step, source, target, role, role in may, id=f"{step}-{source}-{role}")
    for step, source, target, may in TABLE
    for role in EVERYONE
]


def take(step: str, change: ChangeRequest, actor, **kwargs) -> ChangeRequest:
    return SERVICES[step](change=change, actor=actor, **{**INPUTS.get(step, {}), **kwargs})


@pytest.mark.parametrize(("step", "source", "target", "role", "may"), CASES)
def test_who_may_take_each_step(actors, step, source, target, role, may):
    change = ChangeFactory(status=source, requester=actors["l1"], implementer=actors["l2"])
    actor = actors[role]
    assert (step in services.available_transitions(change, actor)) is may

    if may:
        take(step, change, actor)
        change.refresh_from_db()
        assert change.status == target
    else:
        with pytest.raises(PermissionDenied):
            take(step, change, actor)
        change.refresh_from_db()
        assert change.status == source


@pytest.mark.parametrize("state", [s for s in Status if s != Status.CAB_REVIEW])
@pytest.mark.parametrize("step", sorted(SERVICES))
def test_a_step_cannot_start_from_a_state_outside_the_table(change_manager, state, step):
    if (step, state) in {(row[0], row[1]) for row in TABLE}:
        pytest.skip("in the table")
    if (step, state) == ("send_to_cab", Status.SUBMITTED):
        pytest.skip("an emergency change's shortcut (tested below)")
    change = ChangeFactory(status=state)
    with pytest.raises(TransitionNotAllowed):
        take(step, change, change_manager)


@pytest.mark.parametrize("role", EVERYONE)
def test_nobody_approves_or_rejects_by_hand(actors, role):
    change = ChangeFactory(status=Status.CAB_REVIEW)
    for step in ("approve", "reject"):
        assert step not in services.available_transitions(change, actors[role])
        with pytest.raises(PermissionDenied):
            CHANGES.run(change, step, actor=actors[role], reason="by hand")


class TestSubmission:
    def test_no_submission_without_a_back_out_plan(self, change_manager):
        change = ChangeFactory(backout_plan="")
        with pytest.raises(ValidationError) as error:
            services.change_submit(change=change, actor=change_manager)
        assert "backout_plan" in error.value.message_dict
        change.refresh_from_db()
        assert change.status == Status.DRAFT

    def test_no_submission_without_a_window(self, change_manager):
        change = ChangeFactory(planned_start=None, planned_end=None)
        with pytest.raises(ValidationError) as error:
            services.change_submit(change=change, actor=change_manager)
        assert "planned_start" in error.value.message_dict

    def test_a_window_that_ends_before_it_starts_is_refused(self, change_manager):
        times = window()
        with pytest.raises(ValidationError) as error:
            ChangeFactory(planned_start=times["planned_end"], planned_end=times["planned_start"])
        assert "planned_end" in error.value.message_dict

    def test_a_standard_change_is_approved_on_submission(self, change_manager):
        from tests.changes.test_services import make_template

        change = ChangeFactory(template=make_template())
        assert change.change_type == ChangeType.STANDARD
        services.change_submit(change=change, actor=change_manager)
        change.refresh_from_db()
        assert change.status == Status.APPROVED
        assert change.decided_at is not None
        assert not change.approvals.exists()

    def test_an_emergency_change_goes_to_the_cab_without_assessment(self, change_manager):
        policy(ChangeType.EMERGENCY)
        change = ChangeFactory(change_type=ChangeType.EMERGENCY, status=Status.SUBMITTED)
        services.change_send_to_cab(change=change, actor=change_manager)
        change.refresh_from_db()
        assert change.status == Status.CAB_REVIEW

    def test_a_normal_change_is_assessed_before_the_cab(self, change_manager):
        policy(ChangeType.NORMAL)
        change = ChangeFactory(status=Status.SUBMITTED)
        with pytest.raises(ValidationError):
            services.change_send_to_cab(change=change, actor=change_manager)
        change.refresh_from_db()
        assert change.status == Status.SUBMITTED

    def test_sending_to_a_cab_without_approvers_is_refused(self, change_manager):
        policy(ChangeType.NORMAL, approvers=[])
        change = ChangeFactory(status=Status.ASSESSMENT)
        with pytest.raises(ValidationError, match="No approvers"):
            services.change_send_to_cab(change=change, actor=change_manager)


class TestImplementation:
    def test_the_implementer_starts_inside_the_window(self, l2):
        change = ChangeFactory(status=Status.SCHEDULED, implementer=l2)
        services.change_start_implementation(change=change, actor=l2)
        change.refresh_from_db()
        assert change.status == Status.IMPLEMENTING
        assert change.window_override_reason == ""

    def test_the_implementer_cannot_start_outside_the_window(self, l2):
        from datetime import timedelta

        change = ChangeFactory(
            status=Status.SCHEDULED, implementer=l2, **window(starts_in=timedelta(days=2))
        )
        with pytest.raises(PermissionDenied):
            services.change_start_implementation(change=change, actor=l2, override_reason="x")
        change.refresh_from_db()
        assert change.status == Status.SCHEDULED

    def test_the_change_manager_starts_outside_the_window_only_with_a_reason(self, change_manager):
        from datetime import timedelta

        change = ChangeFactory(status=Status.SCHEDULED, **window(starts_in=timedelta(days=2)))
        with pytest.raises(ValidationError) as error:
            services.change_start_implementation(change=change, actor=change_manager)
        assert "override_reason" in error.value.message_dict
        services.change_start_implementation(
            change=change, actor=change_manager, override_reason="Vendor fix needed tonight"
        )
        change.refresh_from_db()
        assert change.status == Status.IMPLEMENTING
        assert change.window_override_reason == "Vendor fix needed tonight"
        assert "Vendor fix needed tonight" in change.history.first().history_change_reason

    @pytest.mark.parametrize("step", ["fail", "roll_back"])
    def test_a_failed_or_rolled_back_change_must_say_what_happened(self, change_manager, step):
        change = ChangeFactory(status=Status.IMPLEMENTING)
        with pytest.raises(ValidationError) as error:
            take(step, change, change_manager, report="  ")
        assert "failure_report" in error.value.message_dict
        change.refresh_from_db()
        assert change.status == Status.IMPLEMENTING


class TestClosing:
    def test_an_emergency_change_cannot_close_without_its_review(self, change_manager):
        policy(ChangeType.EMERGENCY)
        change = ChangeFactory(change_type=ChangeType.EMERGENCY, status=Status.REVIEW)
        with pytest.raises(ValidationError) as error:
            services.change_close(change=change, actor=change_manager, review="", outcome="")
        assert set(error.value.message_dict) == {"review", "outcome"}
        services.change_close(
            change=change, actor=change_manager, review="Fixed the outage.", outcome="successful"
        )
        change.refresh_from_db()
        assert change.status == Status.CLOSED

    def test_a_normal_change_may_close_without_a_written_review(self, change_manager):
        change = ChangeFactory(status=Status.REVIEW)
        services.change_close(change=change, actor=change_manager, review="", outcome="")
        change.refresh_from_db()
        assert change.status == Status.CLOSED

    def test_cancelling_needs_a_reason(self, change_manager):
        change = ChangeFactory()
        with pytest.raises(ValidationError) as error:
            services.change_cancel(change=change, actor=change_manager, reason="")
        assert "reason" in error.value.message_dict


def test_a_stale_edit_is_refused(change_manager):
    change = ChangeFactory(status=Status.SUBMITTED)
    shown = change.version
    services.change_start_assessment(change=change, actor=change_manager)
    with pytest.raises(StaleChange):
        services.change_cancel(
            change=change, actor=change_manager, reason="x", expected_version=shown
        )


def test_every_step_is_in_the_history_with_who_and_why(change_manager):
    change = ChangeFactory(status=Status.CLOSED, actor=change_manager)
    reasons = list(
        change.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons[0] == "Raised"
    for expected in ("Submitted", "Sent to the CAB", "Scheduled", "Implemented", "Closed"):
        assert expected in reasons
    assert any(r and r.startswith("Approved by the CAB") for r in reasons)
    last = change.history.order_by("-history_id").first()
    assert last.history_user == change_manager


def test_a_service_is_kept_when_its_configuration_item_is_linked(l1):
    from tests.factories import ConfigurationItemFactory

    ci = ConfigurationItemFactory(service=ServiceFactory(name="Managed databases"))
    change = ChangeFactory(requester=l1, configuration_items=[ci])
    assert list(change.services.values_list("name", flat=True)) == ["Managed databases"]
