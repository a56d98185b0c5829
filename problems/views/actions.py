"""A lifecycle step taken from the problem's page: the button opens the step's form in
the panel under the header (htmx; a plain GET shows the whole page with it open), and
the form's POST takes the step (`ProblemAction.run` calls its service)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from django_htmx.http import retarget

from problems.access import get_problem_for, reader_required
from problems.actions import ProblemAction, action_named, actions_for
from problems.exceptions import StaleProblem
from problems.models import Problem
from problems.views.page import Panel, focus, page_context, problem_changed
from servicedesk.forms import VersionedForm, apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest


@reader_required
def action(request: AuthenticatedHttpRequest, number: str, key: str) -> HttpResponse:
    """GET shows the step's form inline; POST takes the step."""
    problem = get_problem_for(request.user, number)
    chosen = action_named(key)
    if chosen is None:
        raise Http404
    if chosen not in actions_for(problem, request.user):
        raise PermissionDenied(
            _("You may not do this with %(number)s while it is %(status)s.")
            % {"number": problem.number, "status": problem.get_status_display().lower()}
        )
    if request.method == "GET":
        form = chosen.form_class(initial=chosen.initial(problem), record=problem)
        return show_panel(request, problem, panel_for(problem, chosen, form))
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = chosen.form_class(request.POST, record=problem)
    if form.is_valid():
        try:
            problem = chosen.run(problem, request.user, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleProblem:
            problem = get_problem_for(request.user, number)
            form = rebase(chosen.form_class, request.POST, problem)
            form.add_error(None, StaleProblem.message)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            if not request.htmx:
                messages.success(request, _("%(action)s: done.") % {"action": chosen.label})
            return problem_changed(request, problem)
    return show_panel(request, problem, panel_for(problem, chosen, form), status=422)


def panel_for(problem: Problem, chosen: ProblemAction, form: VersionedForm[Problem]) -> Panel:
    url = reverse("problems:action", args=[problem.number, chosen.key])
    focus(form)
    return Panel(chosen.key, chosen.label, url, form, chosen.style or "primary")


def rebase[F: VersionedForm[Problem]](form_class: type[F], sent: QueryDict, problem: Problem) -> F:
    """The loser of a race keeps what they typed, now on top of the current version, so
    sending it again (after reading what changed) is a deliberate decision that works."""
    data = sent.copy()
    data["version"] = str(problem.version)
    rebased = form_class(data, record=problem)
    rebased.is_valid()
    return rebased


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
