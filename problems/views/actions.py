"""A lifecycle step taken from the problem's page: the button opens the step's form in
the panel under the header (htmx; a plain GET shows the whole page with it open), and
the form's POST takes the step (`ProblemAction.run` calls its service;
servicedesk.action_views.run_action has the flow)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import retarget

from problems.access import get_problem_for, reader_required
from problems.actions import ACTIONS
from problems.exceptions import StaleProblem
from problems.models import Problem
from problems.views.page import page_context, problem_changed
from servicedesk.action_views import Panel, focus, run_action
from servicedesk.actions import RecordAction
from servicedesk.forms import VersionedForm
from servicedesk.http import AuthenticatedHttpRequest


@reader_required
def action(request: AuthenticatedHttpRequest, number: str, key: str) -> HttpResponse:
    """GET shows the step's form inline; POST takes the step."""
    problem = get_problem_for(request.user, number)
    chosen = ACTIONS.named(key)
    if chosen is None:
        raise Http404
    if chosen not in ACTIONS.for_user(problem, request.user):
        raise PermissionDenied(
            _("You may not do this with %(number)s while it is %(status)s.")
            % {"number": problem.number, "status": problem.get_status_display().lower()}
        )
    return run_action(
        request,
        record=problem,
        chosen=chosen,
        reload=lambda: get_problem_for(request.user, number),
        stale_error=StaleProblem,
        show=lambda record, form, status: show_panel(
            request, record, panel_for(record, chosen, form), status=status
        ),
        changed=lambda record: problem_changed(request, record),
        message_on_htmx=False,
    )


def panel_for(
    problem: Problem, chosen: RecordAction[Problem], form: VersionedForm[Problem]
) -> Panel:
    url = reverse("problems:action", args=[problem.number, chosen.key])
    focus(form)
    return Panel(chosen.key, chosen.label, url, form, chosen.style or "primary")


def show_panel(
    request: AuthenticatedHttpRequest, problem: Problem, panel: Panel, status: int = 200
) -> HttpResponse:
    """htmx gets the panel alone; a plain request gets the whole page with it open."""
    if request.htmx:
        context = {"problem": problem, "panel": panel}
        response = render(request, "problems/detail.html#action_panel", context, status=status)
        return retarget(response, "#action-panel")
    context = page_context(request, problem, panel=panel)
    return render(request, "problems/detail.html", context, status=status)
