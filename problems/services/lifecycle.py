"""Moving a problem through its lifecycle. Each service runs one django-fsm transition
through the platform's runner: it sets what the step needs on the locked row (a root
cause, the permanent fix, a reason to close early), then the transition's conditions
decide."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from problems.models import Problem
from problems.services._workflow import PROBLEMS
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor


def problem_start_investigation(
    *, problem: Problem, actor: Actor, reason: str = "", expected_version: int | None = None
) -> Problem:
    return PROBLEMS.run(
        problem,
        "start_investigation",
        actor=actor,
        reason=clean_text(reason) or _("Investigation started"),
        expected_version=expected_version,
    )


def problem_record_known_error(
    *,
    problem: Problem,
    actor: Actor,
    root_cause: str | None = None,
    workaround: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Problem:
    """A known error: the root cause or a workaround is written down (given here, or
    already on the problem)."""

    def prepare(fresh: Problem) -> None:
        set_findings(fresh, root_cause=root_cause, workaround=workaround)
        if not fresh.has_root_cause_or_workaround():
            raise ValidationError(
                {"root_cause": _("Write down the root cause or a workaround first.")}
            )

    return PROBLEMS.run(
        problem,
        "record_known_error",
        actor=actor,
        reason=clean_text(reason) or _("Recorded as a known error"),
        expected_version=expected_version,
        prepare=prepare,
    )


def problem_resolve(
    *,
    problem: Problem,
    actor: Actor,
    permanent_fix: str | None = None,
    reason: str = "",
    expected_version: int | None = None,
) -> Problem:
    """Resolved: the permanent fix is recorded. Contacts of the linked open incidents are
    told once it commits (problems/receivers.py)."""

    def prepare(fresh: Problem) -> None:
        if permanent_fix is not None:
            fresh.permanent_fix = clean_text(permanent_fix)
        if not fresh.has_permanent_fix():
            raise ValidationError({"permanent_fix": _("Say what fixed the cause for good.")})

    return PROBLEMS.run(
        problem,
        "resolve",
        actor=actor,
        reason=clean_text(reason) or _("Resolved"),
        expected_version=expected_version,
        prepare=prepare,
    )


def problem_reopen(
    *, problem: Problem, actor: Actor, reason: str, expected_version: int | None = None
) -> Problem:
    """The fix did not hold; the reason says what came back."""
    if not clean_text(reason):
        raise ValidationError({"reason": _("Say why the fix did not hold.")})
    return PROBLEMS.run(
        problem,
        "reopen",
        actor=actor,
        reason=clean_text(reason),
        expected_version=expected_version,
    )


def problem_close(
    *,
    problem: Problem,
    actor: Actor,
    override_reason: str = "",
    expected_version: int | None = None,
) -> Problem:
    """Closed once the linked incidents have stayed away for the quiet period; earlier
    only with a reason, which is kept on the problem."""
    override = clean_text(override_reason)

    def prepare(fresh: Problem) -> str | None:
        if fresh.has_stopped_recurring():
            return None
        if not override:
            raise ValidationError(
                {
                    "override_reason": _(
                        "The incidents have not stayed away long enough yet: say why the "
                        "problem closes anyway."
                    )
                }
            )
        fresh.close_override_reason = override
        return _("Closed early: %(reason)s") % {"reason": override}

    return PROBLEMS.run(
        problem,
        "close",
        actor=actor,
        reason=_("Closed"),
        expected_version=expected_version,
        prepare=prepare,
    )


def problem_cancel(
    *, problem: Problem, actor: Actor, reason: str, expected_version: int | None = None
) -> Problem:
    """Not a problem after all, or a duplicate: the reason says which."""
    if not clean_text(reason):
        raise ValidationError({"reason": _("Say why the problem is cancelled.")})
    return PROBLEMS.run(
        problem,
        "cancel",
        actor=actor,
        reason=clean_text(reason),
        expected_version=expected_version,
    )


def available_transitions(problem: Problem, user: Actor) -> list[str]:
    """Names of the transitions this user may start from the problem's state."""
    return PROBLEMS.available_transitions(problem, user)


def set_findings(
    problem: Problem, *, root_cause: str | None = None, workaround: str | None = None
) -> None:
    """Write the investigation's findings on a locked row; the first root cause dates the
    "time to root cause"."""
    if root_cause is not None:
        problem.root_cause = clean_text(root_cause)
        if problem.root_cause and problem.root_cause_at is None:
            problem.root_cause_at = timezone.now()
    if workaround is not None:
        problem.workaround = clean_text(workaround)
