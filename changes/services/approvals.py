"""The CAB's decisions. Sending a change to the CAB opens a round: one waiting approval
per approver. Each approver decides once; the decision that settles the round under the
policy (all, a quorum, any one) approves or rejects the change in the same transaction.

Races: every decision locks the change's row first, so two approvers deciding at the same
moment are taken one after the other, and the second sees the first's decision; a
double click finds its approval already decided and is refused."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from changes.models import Approval, ChangeRequest, Decision, Status, outcome
from changes.services._workflow import CHANGES
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, record_history, save_with_history


def open_round(change: ChangeRequest, approvers: Iterable[User]) -> list[Approval]:
    """One waiting approval per approver for the change's current round."""
    rows = [
        Approval(change=change, approver=user, round=change.approval_round) for user in approvers
    ]
    for row in rows:
        record_history(row, actor=None, reason=_("Asked to decide"))
        row.save()
    return rows


def change_decide(
    *, change: ChangeRequest, decision: str, comment: str = "", actor: Actor
) -> Approval:
    """The actor's decision on the change's current round. Rejecting needs a comment."""
    decision = Decision(decision)
    if decision == Decision.PENDING:
        raise ValidationError({"decision": _("Approve or reject.")})
    text = clean_text(comment)
    if decision == Decision.REJECTED and not text:
        raise ValidationError({"comment": _("Say why you reject the change.")})
    with transaction.atomic():
        fresh = CHANGES.lock(change)
        if fresh.status != Status.CAB_REVIEW:
            raise ValidationError(
                _("The change is %(status)s: the CAB's decision is no longer needed.")
                % {"status": fresh.get_status_display().lower()}
            )
        approval = (
            Approval.objects.select_for_update()
            .filter(
                change=fresh, round=fresh.approval_round, approver_id=getattr(actor, "pk", None)
            )
            .first()
        )
        if approval is None:
            raise PermissionDenied(_("You are not an approver of this change."))
        if not approval.is_pending:
            raise ValidationError(_("You have already decided on this change."))
        approval.decision = decision
        approval.comment = text
        approval.decided_at = timezone.now()
        save_with_history(approval, actor=actor, reason=approval.get_decision_display())
        _settle(fresh, actor=actor, decided=approval)
    return approval


def _settle(change: ChangeRequest, *, actor: Actor, decided: Approval) -> None:
    """Approve or reject the change once the round's decisions settle it."""
    decisions = list(
        Approval.objects.filter(change=change, round=change.approval_round).values_list(
            "decision", flat=True
        )
    )
    result = outcome(change.approval_rule, change.approval_quorum, decisions)
    if result == Decision.PENDING:
        return
    who = decided.approver.get_full_name() or decided.approver.get_username()
    if result == Decision.APPROVED:
        reason = _("Approved by the CAB (last decision: %(name)s)") % {"name": who}
        CHANGES.run(change, "approve", actor=actor, reason=reason, by_system=True)
    else:
        reason = _("Rejected by the CAB (%(name)s: %(comment)s)") % {
            "name": who,
            "comment": decided.comment or "-",
        }
        CHANGES.run(change, "reject", actor=actor, reason=reason, by_system=True)
