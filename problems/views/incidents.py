"""The incidents a problem explains: link one by its number, take one off."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from incidents.models import Incident
from problems import rules, services
from problems.access import get_problem_for, reader_required
from problems.forms import LinkIncidentForm
from problems.models import Problem
from problems.views.page import linked_incidents, page_context, problem_changed
from servicedesk.http import AuthenticatedHttpRequest


def _check_may_link(request: AuthenticatedHttpRequest) -> None:
    if not rules.may_link_incident(request.user):
        raise PermissionDenied(_("You may not link incidents to problems."))


@require_POST
@reader_required
def link(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Link the incident with this number (moving it from another problem, if any)."""
    problem = get_problem_for(request.user, number)
    _check_may_link(request)
    form = LinkIncidentForm(request.POST)
    if form.is_valid():
        incident: Incident = form.cleaned_data["number"]
        notice = _link_notice(incident, problem)
        try:
            services.problem_link_incident(problem=problem, incident=incident, actor=request.user)
        except ValidationError as error:
            form.add_error("number", error.messages)
        else:
            if not request.htmx:
                messages.success(request, notice)
            return problem_changed(request, problem, link_notice=notice)
    if request.htmx:
        context = {
            "problem": problem,
            "links": linked_incidents(problem),
            "link_form": form,
            "may_link": True,
        }
        response = render(request, "problems/detail.html#incidents", context, status=422)
        return retarget(response, "#linked-incidents")
    context = page_context(request, problem, link_form=form)
    return render(request, "problems/detail.html", context, status=422)


def _link_notice(incident: Incident, problem: Problem) -> str:
    """What linking will do: link it, or move it from the problem it belongs to now."""
    current = getattr(incident, "problem_link", None)
    if current is not None and current.problem_id != problem.pk:
        return _("%(incident)s moved here from %(other)s.") % {
            "incident": incident.number,
            "other": current.problem.number,
        }
    return _("%(incident)s is linked.") % {"incident": incident.number}


@require_POST
@reader_required
def unlink(request: AuthenticatedHttpRequest, number: str, incident_number: str) -> HttpResponse:
    problem = get_problem_for(request.user, number)
    _check_may_link(request)
    found = (
        problem.incident_links.select_related("incident")
        .filter(incident__number=incident_number.upper())
        .first()
    )
    if found is None:
        raise Http404
    try:
        services.problem_unlink_incident(
            problem=problem, incident=found.incident, actor=request.user
        )
    except ValidationError as error:  # the problem was closed or cancelled meanwhile
        return _refused(request, problem, " ".join(error.messages))
    notice = _("%(incident)s is no longer linked.") % {"incident": found.incident.number}
    if not request.htmx:
        messages.success(request, notice)
    return problem_changed(request, problem, link_notice=notice)


def _refused(request: AuthenticatedHttpRequest, problem: Problem, text: str) -> HttpResponse:
    """The problem as it is now, saying why nothing changed (422 for htmx), or back to its
    page with the reason."""
    if not request.htmx:
        messages.error(request, text)
        return redirect("problems:detail", number=problem.number)
    response = problem_changed(request, problem, link_error=text)
    response.status_code = 422
    return response
