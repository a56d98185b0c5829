"""The problem panel on the ticket page (problems/panels.py): link the ticket to a known
error in one click, or take it off its problem. htmx swaps the panel; a plain POST goes
back to the ticket with a message."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from incidents.access import get_incident_for
from incidents.models import Incident
from problems import rules, services
from problems.access import get_problem_for
from problems.panels import problem_link_of, ticket_panel_context
from servicedesk.access import role_required
from servicedesk.http import AuthenticatedHttpRequest


@require_POST
@role_required(rules.may_link_incident)
def link(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Link the ticket to the problem `problem` (PRB-000123): "this is that known error"."""
    incident = get_incident_for(request.user, number)
    problem = get_problem_for(request.user, request.POST.get("problem", ""))
    try:
        services.problem_link_incident(problem=problem, incident=incident, actor=request.user)
    except ValidationError as error:
        return _panel_changed(request, incident, " ".join(error.messages), error=True)
    text = _("%(ticket)s is linked to %(problem)s.") % {
        "ticket": incident.number,
        "problem": problem.number,
    }
    return _panel_changed(request, incident, text)


@require_POST
@role_required(rules.may_link_incident)
def unlink(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Take the ticket off the problem `problem` (the one the panel showed: if someone
    moved it meanwhile, nothing changes and the panel says so)."""
    incident = get_incident_for(request.user, number)
    problem = get_problem_for(request.user, request.POST.get("problem", ""))
    current = problem_link_of(incident)
    if current is None or current.problem_id != problem.pk:
        text = _("%(ticket)s is not linked to %(problem)s.") % {
            "ticket": incident.number,
            "problem": problem.number,
        }
        return _panel_changed(request, incident, text, error=True)
    try:
        services.problem_unlink_incident(problem=problem, incident=incident, actor=request.user)
    except ValidationError as error:  # the problem was closed or cancelled meanwhile
        return _panel_changed(request, incident, " ".join(error.messages), error=True)
    text = _("%(ticket)s is no longer linked to %(problem)s.") % {
        "ticket": incident.number,
        "problem": problem.number,
    }
    return _panel_changed(request, incident, text)


def _panel_changed(
    request: AuthenticatedHttpRequest, incident: Incident, text: str, *, error: bool = False
) -> HttpResponse:
    """The panel again (htmx), or the ticket page with a message."""
    if not request.htmx:
        (messages.error if error else messages.success)(request, text)
        return redirect("incidents:detail", number=incident.number)
    context = ticket_panel_context(request, incident, notice=text, notice_error=error)
    response = render(request, "problems/_ticket_panel.html", context, status=422 if error else 200)
    return retarget(response, "#problem-panel")
