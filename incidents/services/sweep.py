"""Scheduled work: the SLA sweep and the auto-close of Completed tickets."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from incidents.dashboard import rollup
from incidents.models import Comment, Incident, SlaEvent, Status
from incidents.services._runner import run_transition
from incidents.signals import sla_at_risk, sla_breached, sla_swept

SWEEP_BATCH = 1000


def sla_sweep(*, now=None) -> dict[str, int]:
    """Mark breaches and warn about tickets at risk. Each step is one indexed query on
    the due columns (partial indexes hold only clocks that can still breach or warn)
    and a constant number of writes; running it twice changes nothing the second time.
    After commit, one `sla_swept` signal says what turned breached or at risk, by clock,
    so that staff get one digest per sweep, not a mail per ticket."""
    now = now or timezone.now()
    marked: dict[str, list[int]] = {}
    with transaction.atomic():
        for clock in ("reaction", "resolution"):
            column = "response" if clock == "reaction" else clock
            marked[f"{clock}_breached"] = _mark(
                now,
                due=f"{column}_due_at",
                flag=f"{column}_breached",
                kind=SlaEvent.Kind.BREACH,
                note=_("reaction time") if clock == "reaction" else _("resolution time"),
            )
    with transaction.atomic():
        # The reaction clock first: when both have passed their threshold, the earlier
        # deadline is the one people must hear about.
        for clock in ("reaction", "resolution"):
            column = "response" if clock == "reaction" else clock
            marked[f"{clock}_at_risk"] = _mark(
                now,
                due=f"{column}_warn_at",
                flag="sla_warned",
                kind=SlaEvent.Kind.WARN,
                note=_("reaction time") if clock == "reaction" else _("resolution time"),
                unless=[f"{column}_breached", "resolution_breached"],
            )
        if any(marked.values()):
            transaction.on_commit(
                lambda: sla_swept.send(sender=Incident, marked=marked, swept_at=now)
            )
    return {
        "reaction_breached": len(marked["reaction_breached"]),
        "resolution_breached": len(marked["resolution_breached"]),
        "warned": len(marked["reaction_at_risk"]) + len(marked["resolution_at_risk"]),
    }


def _mark(
    now, *, due: str, flag: str, kind: str, note: str = "", unless: list[str] | None = None
) -> list[int]:
    """Set `flag` on the tickets whose `due` time has passed (skipping those with any
    flag in `unless` set), put an event on each ledger, and announce them after commit.
    Returns the ids it marked."""
    candidates = Incident.objects.filter(**{flag: False, f"{due}__lte": now})
    candidates = candidates.filter(**dict.fromkeys(unless or [], False))
    rows = list(
        candidates.select_for_update(skip_locked=True).values_list(
            "pk", "status", "priority", "registered_at"
        )[:SWEEP_BATCH]
    )
    if not rows:
        return []
    ids = [pk for pk, *_rest in rows]
    Incident.objects.filter(pk__in=ids).update(**{flag: True})
    SlaEvent.objects.bulk_create(
        SlaEvent(incident_id=pk, kind=kind, at=now, status=status, priority=priority, note=note)
        for pk, status, priority, _registered in rows
    )
    if kind == SlaEvent.Kind.BREACH:  # the dashboard counts breaches by day of registration
        rollup.touch(registered for *_rest, registered in rows)
    clock = due.removesuffix("_due_at").removesuffix("_warn_at")
    if kind == SlaEvent.Kind.WARN:
        transaction.on_commit(
            lambda: sla_at_risk.send(sender=Incident, incident_ids=ids, clock=clock)
        )
    else:
        transaction.on_commit(
            lambda: sla_breached.send(sender=Incident, incident_ids=ids, clock=clock)
        )
    return ids


def auto_close_completed(*, now=None) -> int:
    """Close Completed tickets after the configured quiet days: no confirmation, no
    rejection and no word from the contact. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUTO_CLOSE_AFTER_DAYS)
    contact_spoke = Comment.objects.filter(
        Q(author=OuterRef("contact__user")) | Q(author_contact=OuterRef("contact")),
        incident=OuterRef("pk"),
        created_at__gt=cutoff,
    )
    due = (
        Incident.objects.filter(status=Status.COMPLETED, resolved_at__lte=cutoff)
        .exclude(Exists(contact_spoke))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    closed = 0
    for pk in list(due):
        if incident_auto_close(incident=Incident.objects.get(pk=pk)) is not None:
            closed += 1
    return closed


def incident_auto_close(*, incident: Incident) -> Incident | None:
    """Close a Completed ticket on the system's behalf; a no-op if it moved on meanwhile."""
    try:
        return run_transition(
            incident,
            "auto_close",
            actor=None,
            reason=_("Closed automatically: no answer from the contact"),
            by_system=True,
        )
    except TransitionNotAllowed:
        return None
