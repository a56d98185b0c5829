"""servicedesk.workflow: the one transition runner every app's services use. Run here on
the ticket model through a bare Workflow, without the tickets' own bookkeeping (SLA
ledger, signals), which tests/incidents covers."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django_fsm import TransitionNotAllowed

from incidents import services
from incidents.exceptions import StaleTicket
from incidents.models import ClosureCode, Incident, Status
from servicedesk.exceptions import StaleEdit
from servicedesk.workflow import Workflow, after_commit, record_history, save_with_history
from tests.factories import ContactFactory, make_incident_in

pytestmark = pytest.mark.django_db


class Bare(Workflow[Incident]):
    """The runner alone: it records what it announces, once the transaction commits."""

    model = Incident
    fields = [
        "status",
        "version",
        "updated_at",
        "assignee",
        "closure_code",
        "first_response_at",
        "resolved_at",
        "closed_at",
    ]

    def __init__(self) -> None:
        self.announced: list[tuple[str, str, int, str]] = []

    def announce(self, record, *, source, actor, reason) -> None:
        after_commit(
            record,
            lambda ticket: self.announced.append((source, ticket.status, ticket.version, reason)),
        )


@pytest.fixture
def flow():
    return Bare()


@pytest.fixture
def assigned(desk_manager, l2, l2_group):
    return make_incident_in(Status.ASSIGNED, actor=desk_manager, group=l2_group, assignee=l2)


def saved(incident: Incident) -> Incident:
    return Incident.objects.get(pk=incident.pk)


class TestStaleEdits:
    def test_an_edit_of_an_older_version_is_refused_with_the_base_error(self, flow, assigned, l2):
        with pytest.raises(StaleEdit):
            flow.run(
                assigned,
                "start_work",
                actor=l2,
                reason="On it",
                expected_version=assigned.version - 1,
            )
        assert saved(assigned).status == Status.ASSIGNED

    def test_the_current_version_is_accepted(self, flow, assigned, l2):
        version = assigned.version
        flow.run(assigned, "start_work", actor=l2, reason="On it", expected_version=version)
        assert saved(assigned).version == version + 1

    def test_a_state_changed_under_the_save_is_the_same_stale_error(self, flow, assigned, l2):
        """ConcurrentTransitionMixin refuses the UPDATE; the runner says "moved on"."""

        def race(ticket):
            # Another writer closes the ticket between our read and our save.
            Incident.objects.filter(pk=ticket.pk).update(status=Status.CLOSED)

        with pytest.raises(StaleEdit):
            flow.run(assigned, "start_work", actor=l2, reason="On it", prepare=race)

    def test_a_ticket_that_moved_on_raises_stale_ticket_of_the_same_family(self, assigned, l2):
        assert issubclass(StaleTicket, StaleEdit)
        with pytest.raises(StaleEdit) as refused:
            services.incident_start_work(
                incident=assigned, actor=l2, expected_version=assigned.version - 1
            )
        assert isinstance(refused.value, StaleTicket)
        assert "Someone else changed this ticket" in str(refused.value.message)


class TestHistory:
    def test_the_actor_and_the_reason_land_in_the_history(self, flow, assigned, l2):
        returned = flow.run(assigned, "start_work", actor=l2, reason="Looking at the logs")
        row = assigned.history.first()
        assert row.status == Status.IN_PROGRESS
        assert row.history_user == l2
        assert row.history_change_reason == "Looking at the logs"
        # The caller's instance shows what was saved, like the one returned.
        assert assigned.status == returned.status == Status.IN_PROGRESS
        assert assigned.version == returned.version == row.version

    def test_prepare_may_word_the_reason_from_the_locked_row(self, flow, assigned, l2):
        flow.run(
            assigned,
            "start_work",
            actor=l2,
            reason="unused",
            prepare=lambda ticket: f"Started from {ticket.get_status_display()}",
        )
        assert assigned.history.first().history_change_reason == "Started from Assigned"

    def test_the_system_acting_leaves_no_user_in_the_history(self, flow, desk_manager):
        completed = make_incident_in(Status.COMPLETED, actor=desk_manager)
        flow.run(completed, "auto_close", actor=None, reason="Quiet for days", by_system=True)
        row = completed.history.first()
        assert row.status == Status.CLOSED
        assert row.history_user is None
        assert row.history_change_reason == "Quiet for days"

    def test_a_record_saved_again_does_not_repeat_the_earlier_actor_or_reason(self, l2):
        contact = ContactFactory()
        save_with_history(contact, actor=l2, reason="Phone number corrected")
        contact.name = "Renamed by the directory sync"
        record_history(contact, actor=None)
        contact.save()
        row = contact.history.first()
        assert row.name == "Renamed by the directory sync"
        assert row.history_user is None
        assert row.history_change_reason is None


class TestAnnouncements:
    def test_the_change_is_announced_once_the_transaction_commits(
        self, flow, assigned, l2, django_capture_on_commit_callbacks
    ):
        version = assigned.version
        with django_capture_on_commit_callbacks(execute=True):
            flow.run(assigned, "start_work", actor=l2, reason="On it")
            assert flow.announced == []
        assert flow.announced == [(Status.ASSIGNED, Status.IN_PROGRESS, version + 1, "On it")]

    def test_nothing_is_announced_or_saved_when_the_transaction_rolls_back(
        self, flow, assigned, l2, django_capture_on_commit_callbacks
    ):
        with (
            django_capture_on_commit_callbacks(execute=True) as callbacks,
            pytest.raises(RuntimeError),
            transaction.atomic(),
        ):
            flow.run(assigned, "start_work", actor=l2, reason="On it")
            raise RuntimeError("the caller's next step failed")
        assert callbacks == []
        assert flow.announced == []
        assert saved(assigned).status == Status.ASSIGNED

    def test_a_failing_after_step_undoes_the_transition(
        self, flow, assigned, l2, django_capture_on_commit_callbacks
    ):
        def fails(ticket):
            raise RuntimeError("the comment could not be stored")

        with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
            flow.run(assigned, "start_work", actor=l2, reason="On it", after=fails)
        assert flow.announced == []
        assert saved(assigned).status == Status.ASSIGNED

    def test_each_transition_announces_its_own_state(
        self, flow, assigned, l2, django_capture_on_commit_callbacks
    ):
        version = assigned.version

        def with_code(ticket):
            ticket.closure_code = ClosureCode.RESOLVED

        with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
            flow.run(assigned, "start_work", actor=l2, reason="On it")
            flow.run(assigned, "complete", actor=l2, reason="Fixed", prepare=with_code)
        assert flow.announced == [
            (Status.ASSIGNED, Status.IN_PROGRESS, version + 1, "On it"),
            (Status.IN_PROGRESS, Status.COMPLETED, version + 2, "Fixed"),
        ]


class TestWhoMayStart:
    def test_an_actor_without_the_permission_is_refused_and_nothing_changes(
        self, flow, assigned, l1
    ):
        """start_work is for the assignee, the ticket's group and the desk manager."""
        history = assigned.history.count()
        with pytest.raises(PermissionDenied, match=r"^You may not do this\.$"):
            flow.run(assigned, "start_work", actor=l1, reason="Mine now")
        assert saved(assigned).status == Status.ASSIGNED
        assert assigned.history.count() == history
        assert flow.announced == []

    def test_the_state_is_checked_before_the_permission(self, flow, assigned, l1):
        with pytest.raises(TransitionNotAllowed, match="not possible while it is Assigned"):
            flow.run(assigned, "confirm", actor=l1, reason="Done")

    def test_a_missing_input_is_a_validation_error(self, flow, assigned, l2):
        flow.run(assigned, "start_work", actor=l2, reason="On it")
        with pytest.raises(ValidationError):
            flow.run(assigned, "complete", actor=l2, reason="Fixed")  # no closure code
        assert saved(assigned).status == Status.IN_PROGRESS

    def test_a_transition_nobody_may_start_runs_only_for_the_system(self, flow, desk_manager):
        completed = make_incident_in(Status.COMPLETED, actor=desk_manager)
        with pytest.raises(PermissionDenied):
            flow.run(completed, "auto_close", actor=desk_manager, reason="Quiet")
        flow.run(completed, "auto_close", actor=None, reason="Quiet", by_system=True)
        assert saved(completed).status == Status.CLOSED

    def test_the_buttons_offered_are_the_transitions_this_user_may_start(
        self, flow, assigned, l1, l2
    ):
        assert "start_work" in flow.available_transitions(assigned, l2)
        assert "start_work" not in flow.available_transitions(assigned, l1)
        assert "confirm" not in flow.available_transitions(assigned, l2)  # not from Assigned
