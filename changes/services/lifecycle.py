"""Moving a change through its lifecycle. Each service runs one django-fsm transition
through the platform's runner: it sets what the step needs on the locked row (a reason,
a report, the review), then the transition's conditions decide. Approval and rejection
are not here: the CAB's decisions settle them (changes/services/approvals.py)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from changes import rules
from changes.models import ApprovalPolicy, ChangeRequest, Outcome, Rule
from changes.services._workflow import CHANGES
from changes.services.approvals import open_round
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor


def available_transitions(change: ChangeRequest, user: Actor) -> list[str]:
    """Names of the transitions this user may start from the change's state."""
    return CHANGES.available_transitions(change, user)


def _require_plan(fresh: ChangeRequest) -> None:
    errors = {}
    if not fresh.has_backout_plan():
        errors["backout_plan"] = _("Write the back-out plan before submitting.")
    if not fresh.has_window():
        errors["planned_start"] = _("Plan the window (start before end) before submitting.")
    if errors:
        raise ValidationError(errors)


def change_submit(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    """Submitted for assessment; a standard change from its template is approved at once."""

    def prepare(fresh: ChangeRequest) -> None:
        _require_plan(fresh)
        if fresh.is_standard and fresh.template_id is None:
            raise ValidationError(
                {"template": _("A standard change is raised from a standard change template.")}
            )

    standard = change.is_standard
    return CHANGES.run(
        change,
        "submit_standard" if standard else "submit",
        actor=actor,
        reason=_("Submitted; pre-approved as a standard change") if standard else _("Submitted"),
        expected_version=expected_version,
        prepare=prepare,
    )


def change_start_assessment(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    return CHANGES.run(
        change,
        "start_assessment",
        actor=actor,
        reason=_("Assessment started"),
        expected_version=expected_version,
    )


def change_send_to_cab(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    """To the CAB of the change's type: a new round with one waiting approval per approver
    the policy names now (a later edit of the policy does not change a running round)."""

    policy = (
        ApprovalPolicy.objects.filter(change_type=change.change_type)
        .prefetch_related("approvers")
        .first()
    )
    approvers = [user for user in policy.approvers.all() if user.is_active] if policy else []

    def prepare(fresh: ChangeRequest) -> None:
        # Checked here, once the runner has checked the actor may send it at all.
        if policy is None or not approvers:
            raise ValidationError(
                _("No approvers are set for %(type)s changes: ask an admin to set the policy.")
                % {"type": fresh.get_change_type_display().lower()}
            )
        fresh.approval_rule = policy.rule
        fresh.approval_quorum = policy.quorum if policy.rule == Rule.QUORUM else 0

    def after(fresh: ChangeRequest) -> None:
        open_round(fresh, approvers)

    return CHANGES.run(
        change,
        "send_to_cab",
        actor=actor,
        reason=_("Sent to the CAB"),
        expected_version=expected_version,
        prepare=prepare,
        after=after,
    )


def change_revise(
    *, change: ChangeRequest, actor: Actor, reason: str = "", expected_version: int | None = None
) -> ChangeRequest:
    """A rejected change goes back to draft to be reworked and submitted again."""
    return CHANGES.run(
        change,
        "revise",
        actor=actor,
        reason=clean_text(reason) or _("Back to draft for revision"),
        expected_version=expected_version,
    )


def change_schedule(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    """Scheduled in its window; affected customers are told if the change says so
    (changes/receivers.py)."""
    return CHANGES.run(
        change, "schedule", actor=actor, reason=_("Scheduled"), expected_version=expected_version
    )


def change_start_implementation(
    *,
    change: ChangeRequest,
    actor: Actor,
    override_reason: str = "",
    expected_version: int | None = None,
) -> ChangeRequest:
    """Work starts inside the approved window; outside it only the change manager may
    start it, saying why."""
    override = clean_text(override_reason)

    def prepare(fresh: ChangeRequest) -> str | None:
        if fresh.is_within_window():
            return None
        if not rules.is_change_manager(actor):
            raise PermissionDenied(
                _("The approved window is not open: only the change manager may start outside it.")
            )
        if not override:
            raise ValidationError(
                {"override_reason": _("The approved window is not open: say why it starts now.")}
            )
        fresh.window_override_reason = override
        return _("Implementation started outside the window: %(reason)s") % {"reason": override}

    return CHANGES.run(
        change,
        "start_implementation",
        actor=actor,
        reason=_("Implementation started"),
        expected_version=expected_version,
        prepare=prepare,
    )


def change_complete(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    """Implemented; a linked problem's manager is told (changes/receivers.py)."""
    return CHANGES.run(
        change, "complete", actor=actor, reason=_("Implemented"), expected_version=expected_version
    )


def _finish_badly(
    transition: str,
    label: str,
    change: ChangeRequest,
    actor: Actor,
    report: str,
    expected_version: int | None,
) -> ChangeRequest:
    text = clean_text(report)

    def prepare(fresh: ChangeRequest) -> str:
        if not text:
            raise ValidationError({"failure_report": _("Say what happened.")})
        fresh.failure_report = text
        return f"{label}: {text}"

    return CHANGES.run(
        change,
        transition,
        actor=actor,
        reason=label,
        expected_version=expected_version,
        prepare=prepare,
    )


def change_fail(
    *, change: ChangeRequest, actor: Actor, report: str, expected_version: int | None = None
) -> ChangeRequest:
    return _finish_badly("fail", _("Failed"), change, actor, report, expected_version)


def change_roll_back(
    *, change: ChangeRequest, actor: Actor, report: str, expected_version: int | None = None
) -> ChangeRequest:
    return _finish_badly("roll_back", _("Rolled back"), change, actor, report, expected_version)


def change_start_review(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None
) -> ChangeRequest:
    return CHANGES.run(
        change,
        "start_review",
        actor=actor,
        reason=_("Post-implementation review started"),
        expected_version=expected_version,
    )


def change_close(
    *,
    change: ChangeRequest,
    actor: Actor,
    review: str | None = None,
    outcome: str | None = None,
    expected_version: int | None = None,
) -> ChangeRequest:
    """Closed with what was learned; an emergency change only with its review written."""

    def prepare(fresh: ChangeRequest) -> None:
        if review is not None:
            fresh.review = clean_text(review)
        if outcome is not None:
            fresh.review_outcome = Outcome(outcome) if outcome else ""
        if not fresh.may_close():
            errors = {}
            if not fresh.review:
                errors["review"] = _("An emergency change closes only after its review.")
            if not fresh.review_outcome:
                errors["outcome"] = _("Say how the change went.")
            raise ValidationError(errors)

    return CHANGES.run(
        change,
        "close",
        actor=actor,
        reason=_("Closed"),
        expected_version=expected_version,
        prepare=prepare,
    )


def change_cancel(
    *, change: ChangeRequest, actor: Actor, reason: str, expected_version: int | None = None
) -> ChangeRequest:
    text = clean_text(reason)

    def prepare(fresh: ChangeRequest) -> None:
        if not text:
            raise ValidationError({"reason": _("Say why the change is cancelled.")})
        fresh.cancel_reason = text

    return CHANGES.run(
        change,
        "cancel",
        actor=actor,
        reason=text or _("Cancelled"),
        expected_version=expected_version,
        prepare=prepare,
    )
