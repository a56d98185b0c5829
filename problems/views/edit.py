"""Editing a problem: what defines it (problem managers, in the panel under the header)
and the investigation's findings (problem managers and L2/L3, in the known error box)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django_htmx.http import retarget

from problems import rules, services
from problems.access import get_problem_for, reader_required
from problems.exceptions import StaleProblem
from problems.forms import FindingsForm, ProblemEditForm
from problems.models import Problem
from problems.views.actions import show_panel
from problems.views.page import page_context, problem_changed
from servicedesk.action_views import Panel, focus
from servicedesk.forms import apply_service_errors, rebase
from servicedesk.http import AuthenticatedHttpRequest

EDIT_TITLE = gettext_lazy("Edit the problem")


@require_http_methods(["GET", "POST"])
@reader_required
def edit(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """GET opens the edit form; POST saves what changed (problems.services.problem_update)."""
    problem = get_problem_for(request.user, number)
    if not rules.may_manage(problem, request.user) or problem.is_final:
        raise PermissionDenied(_("Only a problem manager may change an open problem."))
    if request.method == "GET":
        form = ProblemEditForm(initial=ProblemEditForm.initial_for(problem), record=problem)
        return show_panel(request, problem, _edit_panel(problem, form))
    form = ProblemEditForm(
        request.POST, initial=ProblemEditForm.initial_for(problem), record=problem
    )
    if form.is_valid():
        try:
            changes = form.changes()
            if changes:
                problem = services.problem_update(
                    problem=problem,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleProblem:
            problem = get_problem_for(request.user, number)
            form = _rebased_edit(request, problem)
            form.add_error(None, StaleProblem.message)
        else:
            if not request.htmx:
                messages.success(request, _("The problem is saved."))
            return problem_changed(request, problem)
    return show_panel(request, problem, _edit_panel(problem, form), status=422)


def _edit_panel(problem: Problem, form: ProblemEditForm) -> Panel:
    url = reverse("problems:edit", args=[problem.number])
    focus(form)
    return Panel("edit", EDIT_TITLE, url, form)


def _rebased_edit(request: AuthenticatedHttpRequest, problem: Problem) -> ProblemEditForm:
    """What the user typed, on top of the current version (compared with it when sent)."""
    data = request.POST.copy()
    data["version"] = str(problem.version)
    form = ProblemEditForm(data, initial=ProblemEditForm.initial_for(problem), record=problem)
    form.is_valid()
    return form


@require_http_methods(["GET", "POST"])
@reader_required
def findings(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The root cause and workaround as understood now (problems.services.problem_investigate):
    GET opens the form in the known error box, POST saves it."""
    problem = get_problem_for(request.user, number)
    if not rules.may_investigate(problem, request.user):
        raise PermissionDenied(_("You may not change this problem's investigation."))
    if request.method == "GET":
        form = FindingsForm(initial=FindingsForm.initial_for(problem), record=problem)
        return _show_findings(request, problem, form)
    form = FindingsForm(request.POST, record=problem)
    if form.is_valid():
        try:
            problem = services.problem_investigate(
                problem=problem,
                actor=request.user,
                root_cause=form.cleaned_data["root_cause"],
                workaround=form.cleaned_data["workaround"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleProblem:
            problem = get_problem_for(request.user, number)
            form = rebase(FindingsForm, request.POST, problem)
            form.add_error(None, StaleProblem.message)
        else:
            if not request.htmx:
                messages.success(request, _("The findings are saved."))
            return problem_changed(request, problem)
    return _show_findings(request, problem, form, status=422)


def _show_findings(
    request: AuthenticatedHttpRequest, problem: Problem, form: FindingsForm, status: int = 200
) -> HttpResponse:
    """htmx gets the known error box with the form; a plain request the whole page."""
    focus(form)
    if request.htmx:
        context = {"problem": problem, "findings_form": form, "may_investigate": True}
        response = render(request, "problems/detail.html#findings", context, status=status)
        return retarget(response, "#findings")
    context = page_context(request, problem, findings_form=form)
    return render(request, "problems/detail.html", context, status=status)
