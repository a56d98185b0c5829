"""The structured root-cause analysis: the 5 whys, the fishbone's causes and the timeline
of events. L2/L3 staff and problem managers write it while the problem is not finished;
each row keeps its own history."""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from problems import rules
from problems.models import Cause, FishboneCategory, Problem, TimelineEvent, Why
from problems.services._workflow import PROBLEMS
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, person, record_history, save_with_history

MAX_WHYS = 10
TEXT_LENGTH = 500


def why_add(*, problem: Problem, answer: str, actor: Actor) -> Why:
    """The next "why?" of the chain, answered."""
    with transaction.atomic():
        _check(problem, actor)  # the lock also lets one writer at a time number the chain
        answer = _text(answer, "answer")
        last = problem.whys.aggregate(last=Max("position"))["last"] or 0
        if last >= MAX_WHYS:
            raise ValidationError(
                {
                    "answer": _("At most %(count)d whys: the last should be the root cause.")
                    % {"count": MAX_WHYS}
                }
            )
        why = Why(problem=problem, position=last + 1, answer=answer)
        save_with_history(why, actor=actor, reason=_("Added"))
    return why


def why_update(*, why: Why, answer: str, actor: Actor) -> Why:
    with transaction.atomic():
        _check(why.problem, actor)
        why.answer = _text(answer, "answer")
        save_with_history(why, actor=actor, reason=_("Edited"), fields=["answer"])
    return why


def why_remove(*, why: Why, actor: Actor) -> None:
    """Remove a why; the ones after it move up."""
    problem = why.problem
    with transaction.atomic():
        _check(problem, actor)
        record_history(why, actor=actor, reason=_("Removed"))
        why.delete()
        for later in problem.whys.filter(position__gt=why.position).order_by("position"):
            later.position -= 1
            save_with_history(later, actor=actor, reason=_("Moved up"), fields=["position"])


def cause_add(*, problem: Problem, category: str, text: str, actor: Actor) -> Cause:
    with transaction.atomic():
        _check(problem, actor)
        if category not in FishboneCategory.values:
            raise ValidationError({"category": _("Choose one of the fishbone's categories.")})
        cause = Cause(problem=problem, category=category, text=_text(text, "text"))
        save_with_history(cause, actor=actor, reason=_("Added"))
    return cause


def cause_set_confirmed(*, cause: Cause, confirmed: bool, actor: Actor) -> Cause:
    """The investigation showed the cause contributed (or ruled it out)."""
    with transaction.atomic():
        _check(cause.problem, actor)
        cause.confirmed = confirmed
        reason = _("Confirmed") if confirmed else _("Ruled out")
        save_with_history(cause, actor=actor, reason=reason, fields=["confirmed"])
    return cause


def cause_remove(*, cause: Cause, actor: Actor) -> None:
    with transaction.atomic():
        _check(cause.problem, actor)
        record_history(cause, actor=actor, reason=_("Removed"))
        cause.delete()


def event_add(*, problem: Problem, occurred_at: datetime, text: str, actor: Actor) -> TimelineEvent:
    with transaction.atomic():
        _check(problem, actor)
        event = TimelineEvent(
            problem=problem,
            occurred_at=occurred_at,
            text=_text(text, "text"),
            added_by=person(actor),
        )
        save_with_history(event, actor=actor, reason=_("Added"))
    return event


def event_remove(*, event: TimelineEvent, actor: Actor) -> None:
    with transaction.atomic():
        _check(event.problem, actor)
        record_history(event, actor=actor, reason=_("Removed"))
        event.delete()


def _check(problem: Problem, actor: Actor) -> None:
    """Refuse who may not write the investigation, before and after locking the problem's
    row (which may have closed since the caller read it); call inside a transaction."""
    if not rules.may_investigate(problem, actor) or not rules.may_investigate(
        PROBLEMS.lock(problem), actor
    ):
        raise PermissionDenied(_("You may not change this problem's investigation."))


def _text(value: str, field: str) -> str:
    text = clean_text(value)
    if not text:
        raise ValidationError({field: _("Write something here.")})
    if len(text) > TEXT_LENGTH:
        raise ValidationError({field: _("At most %(count)d characters.") % {"count": TEXT_LENGTH}})
    return text
