"""Change requests for tests, raised and moved through changes/services like people would."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from changes import services
from changes.models import ApprovalPolicy, ChangeRequest, ChangeType, Rule, Status
from servicedesk import roles
from tests.factories import UserFactory


def change_manager_user(**kwargs) -> User:
    return UserFactory.create(roles=[roles.CHANGE_MANAGER], **kwargs)


def cab_user(**kwargs) -> User:
    return UserFactory.create(roles=[roles.CAB_MEMBER], **kwargs)


def policy(
    change_type: str = ChangeType.NORMAL,
    *,
    rule: str = Rule.ALL,
    quorum: int = 1,
    approvers: list[User] | None = None,
) -> ApprovalPolicy:
    """The approval policy of a change type (made or replaced), with its approvers."""
    chosen, _ = ApprovalPolicy.objects.update_or_create(
        change_type=change_type, defaults={"rule": rule, "quorum": quorum}
    )
    chosen.approvers.set(approvers if approvers is not None else [cab_user()])
    return chosen


def window(*, starts_in: timedelta = timedelta(hours=-1), lasts: timedelta = timedelta(hours=3)):
    start = timezone.now() + starts_in
    return {"planned_start": start, "planned_end": start + lasts}


class ChangeFactory(factory.django.DjangoModelFactory[ChangeRequest]):
    """`status` says how far through its lifecycle the change goes: raised by `requester`
    (default: a new staff user), moved by `actor` (default: a change manager), approved
    by the approvers of its type's policy (one CAB member is made if there is none)."""

    class Meta:
        model = ChangeRequest

    title = factory.Sequence(lambda n: f"Upgrade the database cluster {n}")
    description = "Minor version upgrade."
    reason = "Security fixes."
    implementation_plan = "Rolling restart, one node at a time."
    backout_plan = "Reinstall the previous packages from the local mirror."
    test_plan = "Replication healthy, application checks green."

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Raise changes with change_raise: use create().")

    @classmethod
    def _create(cls, model_class, *args, status=Status.DRAFT, requester=None, actor=None, **kwargs):
        requester = requester or UserFactory.create(roles=[roles.L1_AGENT])
        actor = actor or change_manager_user()
        if "planned_start" not in kwargs:
            kwargs.update(window())
        change = services.change_raise(actor=requester, **kwargs)
        return move_to(change, status, actor=actor)


def decide_all(change: ChangeRequest, decision: str = "approved") -> ChangeRequest:
    for approval in change.approvals.filter(round=change.approval_round, decision="pending"):
        change.refresh_from_db()
        if change.status != Status.CAB_REVIEW:
            break
        services.change_decide(
            change=change,
            decision=decision,
            comment="Looks fine." if decision == "approved" else "Too risky.",
            actor=approval.approver,
        )
    change.refresh_from_db()
    return change


def move_to(change: ChangeRequest, status: str, *, actor: User) -> ChangeRequest:
    """Take a draft through the lifecycle up to `status`, writing what each step needs."""
    if status == Status.DRAFT:
        return change
    if status == Status.CANCELLED:
        return services.change_cancel(change=change, actor=actor, reason="No longer needed")
    services.change_submit(change=change, actor=actor)
    if status == Status.SUBMITTED or change.status == status:
        return change
    if change.status == Status.SUBMITTED:
        if not ApprovalPolicy.objects.filter(change_type=change.change_type).exists():
            policy(change.change_type)
        services.change_start_assessment(change=change, actor=actor)
        if status == Status.ASSESSMENT:
            return change
        services.change_send_to_cab(change=change, actor=actor)
        if status == Status.CAB_REVIEW:
            return change
        decide_all(change, "rejected" if status == Status.REJECTED else "approved")
        if status in (Status.APPROVED, Status.REJECTED):
            return change
    services.change_schedule(change=change, actor=actor)
    if status == Status.SCHEDULED:
        return change
    services.change_start_implementation(change=change, actor=actor, override_reason="Now")
    if status == Status.IMPLEMENTING:
        return change
    if status == Status.FAILED:
        return services.change_fail(change=change, actor=actor, report="Node 2 did not boot")
    if status == Status.ROLLED_BACK:
        return services.change_roll_back(change=change, actor=actor, report="Errors; undone")
    services.change_complete(change=change, actor=actor)
    if status == Status.IMPLEMENTED:
        return change
    services.change_start_review(change=change, actor=actor)
    if status == Status.REVIEW:
        return change
    return services.change_close(
        change=change, actor=actor, review="Went to plan.", outcome="successful"
    )
