"""The CAB's approval policies: all approvers, a quorum, any one; each decision recorded;
the change approved or rejected by itself when the policy is met, and never twice."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, connections

from changes import services
from changes.models import Approval, ChangeType, Decision, Rule, Status, outcome
from tests.changes.factories import ChangeFactory, cab_user, policy

pytestmark = pytest.mark.django_db

A, R, P = Decision.APPROVED, Decision.REJECTED, Decision.PENDING


@pytest.mark.parametrize(
    ("rule", "quorum", "decisions", "result"),
    [
        (Rule.ALL, 0, [A, A, P], P),
        (Rule.ALL, 0, [A, A, A], A),
        (Rule.ALL, 0, [A, R, P], R),
        (Rule.ANY, 0, [P, P, P], P),
        (Rule.ANY, 0, [R, A, P], A),
        (Rule.ANY, 0, [R, R, P], P),
        (Rule.ANY, 0, [R, R, R], R),
        (Rule.QUORUM, 2, [A, P, P], P),
        (Rule.QUORUM, 2, [A, A, P], A),
        (Rule.QUORUM, 2, [R, A, P], P),
        (Rule.QUORUM, 2, [R, R, P], R),
        (Rule.QUORUM, 5, [A, A, A], A),  # a quorum above the board: everyone
    ],
)
def test_the_policy_settles_a_round(rule, quorum, decisions, result):
    assert outcome(rule, quorum, decisions) == result


def board(size: int):
    return [cab_user(username=f"cab{n}") for n in range(1, size + 1)]


def decide(change, user, decision, comment="ok"):
    change.refresh_from_db()
    return services.change_decide(change=change, decision=decision, comment=comment, actor=user)


def test_all_approvers_must_approve(change_manager):
    cab1, cab2 = board(2)
    policy(rule=Rule.ALL, approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    decide(change, cab1, A)
    change.refresh_from_db()
    assert change.status == Status.CAB_REVIEW
    decide(change, cab2, A)
    change.refresh_from_db()
    assert change.status == Status.APPROVED
    assert change.history.first().history_change_reason.startswith("Approved by the CAB")


def test_one_rejection_rejects_under_all(change_manager):
    cab1, cab2 = board(2)
    policy(rule=Rule.ALL, approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    decide(change, cab1, R, "No back-out test")
    change.refresh_from_db()
    assert change.status == Status.REJECTED
    assert "No back-out test" in change.history.first().history_change_reason


def test_a_quorum_approves_without_the_last_approver(change_manager):
    cab1, cab2, cab3 = board(3)
    policy(rule=Rule.QUORUM, quorum=2, approvers=[cab1, cab2, cab3])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    decide(change, cab1, A)
    decide(change, cab2, A)
    change.refresh_from_db()
    assert change.status == Status.APPROVED
    with pytest.raises(ValidationError, match="no longer needed"):
        decide(change, cab3, R, "Too late")


def test_any_one_approver_approves_an_emergency_change(change_manager):
    cab1, cab2 = board(2)
    policy(ChangeType.EMERGENCY, rule=Rule.ANY, approvers=[cab1, cab2])
    change = ChangeFactory(change_type=ChangeType.EMERGENCY, status=Status.CAB_REVIEW)
    decide(change, cab2, A)
    change.refresh_from_db()
    assert change.status == Status.APPROVED


def test_a_rejection_needs_a_comment(change_manager):
    cab1, cab2 = board(2)
    policy(approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    with pytest.raises(ValidationError) as error:
        decide(change, cab1, R, comment=" ")
    assert "comment" in error.value.message_dict


def test_a_double_click_decides_once(change_manager):
    cab1, cab2 = board(2)
    policy(approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    decide(change, cab1, A)
    with pytest.raises(ValidationError, match="already decided"):
        decide(change, cab1, A)
    assert Approval.objects.filter(change=change, decision=A).count() == 1


def test_only_the_round_s_approvers_decide(change_manager, l2):
    cab1, cab2 = board(2)
    policy(approvers=[cab1])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    for who in (cab2, l2, change_manager):
        with pytest.raises(PermissionDenied):
            decide(change, who, A)


def test_changing_the_policy_does_not_change_a_running_round(change_manager):
    cab1, cab2 = board(2)
    policy(rule=Rule.ALL, approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    policy(rule=Rule.ANY, approvers=[cab1])
    decide(change, cab1, A)
    change.refresh_from_db()
    assert change.status == Status.CAB_REVIEW


def test_a_revised_change_is_decided_again_in_a_new_round(change_manager, l1):
    cab1, cab2 = board(2)
    policy(approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.REJECTED, requester=l1)
    services.change_revise(change=change, actor=l1)
    services.change_submit(change=change, actor=l1)
    services.change_start_assessment(change=change, actor=change_manager)
    services.change_send_to_cab(change=change, actor=change_manager)
    change.refresh_from_db()
    assert change.approval_round == 2
    decide(change, cab1, A)
    decide(change, cab2, A)
    change.refresh_from_db()
    assert change.status == Status.APPROVED
    assert change.approvals.count() == 4


def test_every_decision_is_in_the_history(change_manager):
    cab1, cab2 = board(2)
    policy(approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    approval = decide(change, cab1, A, "Tested in staging")
    row = approval.history.first()
    assert row.history_user == cab1
    assert row.decision == A
    assert row.comment == "Tested in staging"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
@pytest.mark.parametrize("rule", [Rule.ANY, Rule.ALL])
def test_two_approvers_at_the_same_moment_approve_once(rule):
    """Both decisions land; the policy is applied to both; the change is approved once."""
    cab1, cab2 = board(2)
    policy(rule=rule, approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve(user):
        try:
            start.wait()
            services.change_decide(change=change, decision=A, comment="go", actor=user)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve, args=(u,)) for u in (cab1, cab2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    change.refresh_from_db()
    assert change.status == Status.APPROVED
    approved_rows = [
        r for r in change.history.all() if (r.history_change_reason or "").startswith("Approved")
    ]
    assert len(approved_rows) == 1
    if rule == Rule.ALL:
        assert errors == []
    else:  # the second finds the change already approved
        assert len(errors) <= 1 and all(isinstance(e, ValidationError) for e in errors)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")
def test_one_approver_clicking_twice_at_once_decides_once():
    cab1, cab2 = board(2)
    policy(rule=Rule.ALL, approvers=[cab1, cab2])
    change = ChangeFactory(status=Status.CAB_REVIEW)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def approve():
        try:
            start.wait()
            services.change_decide(change=change, decision=A, comment="go", actor=cab1)
        except BaseException as error:
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=approve) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(errors) == 1 and "already decided" in str(errors[0])
    assert change.approvals.filter(decision=A).count() == 1
    change.refresh_from_db()
    assert change.status == Status.CAB_REVIEW
