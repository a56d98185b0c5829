"""Major incidents. When a service goes down for many customers at once, one ticket is
declared the major incident (`is_major`): a major incident manager coordinates, the
customers' tickets about it hang off it as children (`parent`), its outage window says how
long the service was down (the customer SLA report counts it against availability), and
its public update log tells every affected contact where things stand.

- Declaring: the service desk manager, or an L2 agent holding `incidents.declare_major`
  (incidents/rules.py). Only an open incident that is not a child becomes major. The
  named major incident manager is told (in the app and by mail: staff_notifications),
  and whoever coordinates may hand the major incident over to another manager.
- Children: any agent links an open or completed incident that is neither major nor
  another's child (L1 does it at triage, when the ticket page proposes it); whoever
  coordinates the major incident takes one off. Each link is in the child's history.
- Updates: each is mailed once to every affected contact (the contacts and CCs of the
  parent and of every child, each address once, in its language), by a task queued when
  the update commits (incidents/major_notifications.py); running it twice sends nothing
  twice.
- Resolution: completing the major incident (incident_complete) completes each open
  child with the parent's closure code and resolution through the child's own transition
  (`complete_with_major_incident`, run by the system: no person may start it), and ends
  the outage if nobody had. Each contact is told once: the child's status mail, and no
  second mail from the parent or a second child (one dedupe key for the whole family).
"""

from collections.abc import Iterable
from datetime import datetime, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import rules
from incidents.models import OPEN_STATUSES, Incident, Kind, MajorIncidentUpdate, Status
from incidents.services._runner import lock_ticket, run_transition, save_ticket
from incidents.services.comments import add_comment
from incidents.signals import major_manager_named
from servicedesk.people import display_name
from servicedesk.roles import is_agent
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, after_commit, copy_into, person, save_with_history

#: Tickets on the major incident's service registered this long ago at most are suggested
#: as its children.
SUGGESTION_WINDOW = timedelta(hours=1)
#: At most this many suggestions are shown.
SUGGESTIONS_SHOWN = 20
#: At most this many tickets are linked in one go.
MAX_LINKED_AT_ONCE = 50

DECLARE_FIELDS = ["is_major", "major_manager", "outage_started_at", "version", "updated_at"]
OUTAGE_FIELDS = ["outage_started_at", "outage_ended_at", "version", "updated_at"]


# ----- declaring ---------------------------------------------------------------------------


def incident_declare_major(
    *,
    incident: Incident,
    manager,
    reason: str,
    actor: Actor,
    outage_started_at: datetime | None = None,
    expected_version: int | None = None,
) -> Incident:
    """Make an open incident the major incident of its outage, coordinated by `manager`
    (an agent). The outage started at `outage_started_at`, or when the ticket was
    registered if that is not known yet."""
    if not rules.may_declare_major(actor):
        raise PermissionDenied(_("You may not declare a major incident."))
    reason = clean_text(reason)
    errors: dict[str, str] = {}
    if manager is None or not manager.is_active or not is_agent(manager):
        errors["manager"] = _("Choose an agent to manage the major incident.")
    if not reason:
        errors["reason"] = _("Say why this is a major incident.")
    if outage_started_at is not None and outage_started_at > timezone.now():
        errors["outage_started_at"] = _("The outage cannot start in the future.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = lock_ticket(incident, expected_version)
        refusal = why_not_major(fresh)
        if refusal:
            raise ValidationError(refusal)
        fresh.is_major = True
        fresh.major_manager = manager
        fresh.outage_started_at = outage_started_at or fresh.registered_at
        save_ticket(
            fresh,
            actor=actor,
            reason=_("Declared a major incident: %(reason)s") % {"reason": reason},
            fields=DECLARE_FIELDS,
        )
        _announce_manager(fresh, manager=manager, actor=actor, reason=reason)
    copy_into(incident, fresh)
    return fresh


def incident_name_major_manager(
    *,
    incident: Incident,
    manager,
    actor: Actor,
    expected_version: int | None = None,
) -> Incident:
    """Hand the open major incident over to another major incident manager (an agent),
    who is told; naming the current one again changes nothing."""
    _check_coordinates(incident, actor)
    if manager is None or not manager.is_active or not is_agent(manager):
        raise ValidationError({"manager": _("Choose an agent to manage the major incident.")})
    with transaction.atomic():
        fresh = lock_ticket(incident, expected_version)
        if not fresh.is_open:
            raise ValidationError(
                _("%(number)s is resolved: it needs no manager any more.")
                % {"number": fresh.number}
            )
        if fresh.major_manager_id == manager.pk:
            return fresh
        fresh.major_manager = manager
        reason = _("Major incident manager: %(name)s") % {"name": display_name(manager)}
        save_ticket(
            fresh, actor=actor, reason=reason, fields=["major_manager", "version", "updated_at"]
        )
        _announce_manager(fresh, manager=manager, actor=actor, reason="")
    copy_into(incident, fresh)
    return fresh


def _announce_manager(incident: Incident, *, manager, actor: Actor, reason: str) -> None:
    """Tell the named manager once the transaction commits."""
    after_commit(
        incident,
        lambda ticket: major_manager_named.send(
            sender=Incident, incident=ticket, manager=manager, actor=person(actor), reason=reason
        ),
    )


def why_not_major(incident: Incident) -> str:
    """Why this ticket cannot be declared a major incident ("" when it can)."""
    if incident.is_major:
        return _("%(number)s is a major incident already.") % {"number": incident.number}
    if incident.kind != Kind.INCIDENT:
        return _("A service request is not an outage: only an incident can be major.")
    if incident.parent_id is not None:
        return _("%(number)s is part of a major incident; take it off first.") % {
            "number": incident.number
        }
    if not incident.is_open:
        return _("Only an open incident can be declared a major incident.")
    return ""


# ----- children ----------------------------------------------------------------------------


def incident_link_child(*, parent: Incident, child: Incident, actor: Actor) -> Incident:
    """Hang `child` off the major incident `parent` (linking it again changes nothing)."""
    (linked,) = incident_link_children(parent=parent, children=[child], actor=actor) or [child]
    return linked


def incident_link_children(
    *, parent: Incident, children: Iterable[Incident], actor: Actor
) -> list[Incident]:
    """Link each ticket to the major incident, all or none: the ones that cannot be
    linked are named in one error. Returns the tickets newly linked."""
    if not rules.may_link_children(actor):
        raise PermissionDenied(_("You may not link tickets to a major incident."))
    wanted = sorted({child.pk: child for child in children}.values(), key=lambda t: t.pk)
    if len(wanted) > MAX_LINKED_AT_ONCE:
        raise ValidationError(
            {
                "numbers": _("Link at most %(count)d tickets at once.")
                % {"count": MAX_LINKED_AT_ONCE}
            }
        )
    linked = []
    with transaction.atomic():
        fresh_parent = lock_ticket(parent)
        refusal = why_no_children(fresh_parent)
        if refusal:
            raise ValidationError({"numbers": refusal})
        # Locked in id order, as every linking does, so two links cannot deadlock.
        locked = [lock_ticket(child) for child in wanted]
        problems = [why_not_child(fresh, fresh_parent) for fresh in locked]
        if any(problems):
            raise ValidationError({"numbers": [text for text in problems if text]})
        reason = _("Linked to major incident %(number)s") % {"number": fresh_parent.number}
        for fresh, original in zip(locked, wanted, strict=True):
            if fresh.parent_id == fresh_parent.pk:
                continue
            fresh.parent = fresh_parent
            # No new version: a link must not make the forms open on the child stale.
            save_ticket(
                fresh, actor=actor, reason=reason, fields=["parent", "updated_at"], bump=False
            )
            copy_into(original, fresh)
            linked.append(fresh)
    return linked


def why_no_children(parent: Incident) -> str:
    """Why no ticket can be linked to `parent` now ("" when one can)."""
    if not parent.is_major:
        return _("%(number)s is not a major incident.") % {"number": parent.number}
    if not parent.is_open:
        return _("%(number)s is resolved: it takes no more tickets.") % {"number": parent.number}
    return ""


def why_not_child(child: Incident, parent: Incident) -> str:
    """Why `child` cannot hang off `parent` ("" when it can, or already does)."""
    values = {"number": child.number}
    if child.pk == parent.pk:
        return _("%(number)s is the major incident itself.") % values
    if child.parent_id == parent.pk:
        return ""
    if child.is_major:
        return _("%(number)s is a major incident itself.") % values
    if child.parent_id is not None:
        return _("%(number)s is part of another major incident already.") % values
    if child.kind != Kind.INCIDENT:
        return _("%(number)s is a service request, not a symptom of an outage.") % values
    if child.is_final:
        return _("%(number)s is closed.") % values
    return ""


def incident_unlink_child(*, parent: Incident, child: Incident, actor: Actor) -> Incident:
    """Take `child` off the major incident (it was about something else after all)."""
    if not rules.coordinates_major(parent, actor):
        raise PermissionDenied(_("You may not change this major incident's tickets."))
    with transaction.atomic():
        fresh = lock_ticket(child)
        if fresh.parent_id != parent.pk:
            raise ValidationError(
                _("%(child)s is not part of %(parent)s.")
                % {"child": child.number, "parent": parent.number}
            )
        if not parent.is_open:
            raise ValidationError(
                _("%(number)s is resolved: its tickets stay its record.")
                % {"number": parent.number}
            )
        fresh.parent = None
        save_ticket(
            fresh,
            actor=actor,
            reason=_("Taken off major incident %(number)s") % {"number": parent.number},
            fields=["parent", "updated_at"],
            bump=False,
        )
    copy_into(child, fresh)
    return fresh


def incident_suggest_children(parent: Incident) -> QuerySet[Incident]:
    """Open incidents on the major incident's service registered within the last hour
    (SUGGESTION_WINDOW) and not linked to any major incident, newest first."""
    if not parent.is_major or parent.service_id is None or not parent.is_open:
        return Incident.objects.none()
    return (
        Incident.objects.filter(
            service_id=parent.service_id,
            registered_at__gte=timezone.now() - SUGGESTION_WINDOW,
            status__in=OPEN_STATUSES,
            kind=Kind.INCIDENT,
            parent__isnull=True,
            is_major=False,
        )
        .exclude(pk=parent.pk)
        .select_related("organisation", "contact")
        .order_by("-registered_at", "-pk")[:SUGGESTIONS_SHOWN]
    )


# ----- the outage --------------------------------------------------------------------------


def incident_set_outage(
    *,
    incident: Incident,
    started_at: datetime | None,
    ended_at: datetime | None,
    actor: Actor,
    expected_version: int | None = None,
) -> Incident:
    """Correct the outage window (the SLA report reads it): a start, and an end after it
    or none while the service is still down; neither in the future."""
    _check_coordinates(incident, actor)
    now = timezone.now()
    errors: dict[str, str] = {}
    if started_at is None:
        errors["outage_started_at"] = _("Say when the outage started.")
    elif started_at > now:
        errors["outage_started_at"] = _("The outage cannot start in the future.")
    if ended_at is not None and ended_at > now:
        errors["outage_ended_at"] = _("The outage cannot end in the future.")
    elif ended_at is not None and started_at is not None and ended_at < started_at:
        errors["outage_ended_at"] = _("The outage cannot end before it started.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        fresh = lock_ticket(incident, expected_version)
        _check_major_not_closed(fresh)
        fresh.outage_started_at, fresh.outage_ended_at = started_at, ended_at
        save_ticket(fresh, actor=actor, reason=_("Outage window corrected"), fields=OUTAGE_FIELDS)
    copy_into(incident, fresh)
    return fresh


def incident_end_outage(
    *,
    incident: Incident,
    actor: Actor,
    ended_at: datetime | None = None,
    expected_version: int | None = None,
) -> Incident:
    """The service is back: the outage ends now (or at `ended_at`)."""
    _check_coordinates(incident, actor)
    ended_at = ended_at or timezone.now()
    with transaction.atomic():
        fresh = lock_ticket(incident, expected_version)
        _check_major_not_closed(fresh)
        if fresh.outage_ended_at is not None:
            raise ValidationError(_("The outage has ended already."))
        start = fresh.outage_started_at
        if start is not None and ended_at < start:
            raise ValidationError(_("The outage cannot end before it started."))
        fresh.outage_started_at = start or ended_at
        fresh.outage_ended_at = ended_at
        save_ticket(fresh, actor=actor, reason=_("Outage ended"), fields=OUTAGE_FIELDS)
    copy_into(incident, fresh)
    return fresh


# ----- the public update log ---------------------------------------------------------------


def major_post_update(*, incident: Incident, text: str, actor: Actor) -> MajorIncidentUpdate:
    """Post an update for every affected contact; it is mailed to each of them once,
    after the commit (incidents.tasks.broadcast_major_update)."""
    from incidents import tasks

    _check_coordinates(incident, actor)
    text = clean_text(text)
    if not text:
        raise ValidationError({"text": _("Write the update for the customers.")})
    _check_major_not_closed(incident)
    with transaction.atomic():
        update = MajorIncidentUpdate(incident=incident, text=text, posted_by=person(actor))
        save_with_history(update, actor=actor, reason=_("Update posted"))
        transaction.on_commit(partial(tasks.broadcast_major_update.delay, update.pk), robust=True)
    return update


def major_update_broadcast(*, update_id: int) -> int:
    """Mail the update to every affected contact that has not had it yet; how many were
    queued by this call (none the second time)."""
    from incidents import major_notifications

    update = MajorIncidentUpdate.objects.select_related("incident__service").get(pk=update_id)
    return len(major_notifications.notify_major_update(update=update))


# ----- resolution --------------------------------------------------------------------------


def complete_children(
    parent: Incident, *, closure_code: str, resolution: str, actor: Actor
) -> list[Incident]:
    """Inside the parent's completion: end the outage if it still runs, and complete each
    open child with the parent's closure code and resolution (a public comment on the
    child, as incident_complete writes one), at the parent's resolution time."""
    if parent.outage_started_at is not None and parent.outage_ended_at is None:
        parent.outage_ended_at = parent.resolved_at or timezone.now()
        save_ticket(
            parent,
            actor=actor,
            reason=_("Outage ended with the resolution"),
            fields=["outage_ended_at"],
            bump=False,
        )
    completed = []
    children = Incident.objects.filter(parent=parent, status__in=OPEN_STATUSES).order_by("pk")
    for child in children:

        def prepare(fresh: Incident) -> None:
            fresh.closure_code = closure_code
            fresh.resolved_at = parent.resolved_at

        completed.append(
            run_transition(
                child,
                "complete_with_major_incident",
                actor=actor,
                reason=resolution,
                prepare=prepare,
                after=lambda t: add_comment(t, body=resolution, is_public=True, author=actor),
                by_system=True,
            )
        )
    return completed


def check_may_complete_as_invalid(incident: Incident) -> None:
    """A major incident with open children is resolved with a resolution (which completes
    them), never waved away as invalid: they would be left hanging."""
    if incident.is_major and incident.children.filter(status__in=OPEN_STATUSES).exists():
        raise ValidationError(
            _("Its tickets are still open: complete it with a resolution, or take them off.")
        )


# ----- helpers -----------------------------------------------------------------------------


def _check_coordinates(incident: Incident, actor: Actor) -> None:
    if not incident.is_major:
        raise ValidationError(
            _("%(number)s is not a major incident.") % {"number": incident.number}
        )
    if not rules.coordinates_major(incident, actor):
        raise PermissionDenied(_("You do not coordinate this major incident."))


def _check_major_not_closed(incident: Incident) -> None:
    if incident.status == Status.CLOSED:
        raise ValidationError(_("The major incident is closed."))


def family_of(parent: Incident) -> QuerySet[Incident]:
    """The major incident and its children."""
    return Incident.objects.filter(Q(pk=parent.pk) | Q(parent_id=parent.pk))
