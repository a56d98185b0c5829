"""Linking incidents to the problem that explains them. An incident belongs to one
problem at most; linking it to another moves it (the history of both says so)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Incident
from problems import rules
from problems.models import Problem, ProblemIncident
from problems.services._workflow import PROBLEMS
from servicedesk.workflow import Actor, person, record_history


def problem_link_incident(*, problem: Problem, incident: Incident, actor: Actor) -> ProblemIncident:
    """Link the incident to the problem ("this is the known error behind it"), moving it
    from another problem if it was linked there. Linking it again changes nothing."""
    if not rules.may_link_incident(actor):
        raise PermissionDenied(_("You may not link incidents to problems."))
    with transaction.atomic():
        if PROBLEMS.lock(problem).is_final:
            raise ValidationError(_("A closed or cancelled problem takes no more incidents."))
        (link,) = link_incidents(problem, [incident], actor=actor)
    return link


def problem_unlink_incident(*, problem: Problem, incident: Incident, actor: Actor) -> None:
    """Take the incident off the problem (it was not this fault after all). The incidents
    of a closed or cancelled problem stay its record."""
    if not rules.may_link_incident(actor):
        raise PermissionDenied(_("You may not link incidents to problems."))
    with transaction.atomic():
        if PROBLEMS.lock(problem).is_final:
            raise ValidationError(_("A closed or cancelled problem is not changed any more."))
        link = ProblemIncident.objects.filter(problem=problem, incident=incident).first()
        if link is None:
            return
        record_history(
            link,
            actor=actor,
            reason=_("%(incident)s taken off %(problem)s")
            % {"incident": incident.number, "problem": problem.number},
        )
        link.delete()


def link_incidents(
    problem: Problem, incidents: list[Incident], *, actor: Actor
) -> list[ProblemIncident]:
    """Link each incident to the problem inside the caller's transaction (no permission
    check: the calling service has done it)."""
    requests = [incident.number for incident in incidents if incident.is_request]
    if requests:
        # A service request asks for something; it is never the symptom of a fault.
        raise ValidationError(
            _("%(numbers)s: a service request is not a symptom of a problem.")
            % {"numbers": ", ".join(requests)}
        )
    by = person(actor)
    links = []
    existing = {
        link.incident_id: link
        for link in ProblemIncident.objects.select_for_update()
        .select_related("problem")
        .filter(incident__in=[incident.pk for incident in incidents])
    }
    for incident in incidents:
        link = existing.get(incident.pk)
        if link is not None and link.problem_id == problem.pk:
            links.append(link)
            continue
        if link is None:
            link = ProblemIncident(problem=problem, incident=incident, linked_by=by)
            reason = _("Linked to %(problem)s") % {"problem": problem.number}
        else:
            reason = _("Moved from %(old)s to %(new)s") % {
                "old": link.problem.number,
                "new": problem.number,
            }
            link.problem, link.linked_by = problem, by
        record_history(link, actor=actor, reason=reason)
        link.save()
        links.append(link)
    return links
