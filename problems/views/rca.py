"""The structured root-cause analysis, edited in place: the chain of whys, the fishbone's
causes and the timeline of events. With htmx a change answers with the RCA box (and the
history, out of band); without, with the page. Only those who may investigate change it."""

from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Model, QuerySet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from problems import rules, services
from problems.access import get_problem_for, reader_required
from problems.forms import CauseForm, CauseVerdictForm, EventForm, WhyForm
from problems.models import FishboneCategory, Problem
from problems.timeline import timeline_for
from problems.views.page import page_context
from problems.views.rca_board import EVENT_KEY, cause_key, rca_context, why_key
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest


def _investigated(request: AuthenticatedHttpRequest, number: str) -> Problem:
    problem = get_problem_for(request.user, number)
    if not rules.may_investigate(problem, request.user):
        raise PermissionDenied(_("You may not change this problem's investigation."))
    return problem


def _row[M: Model](rows: QuerySet[M], pk: int) -> M:
    """A row of this problem's RCA (its related manager: `row.problem` needs no query)."""
    row = rows.filter(pk=pk).first()
    if row is None:
        raise Http404
    return row


def _changed(request: AuthenticatedHttpRequest, problem: Problem) -> HttpResponse:
    if not request.htmx:
        return redirect(reverse("problems:detail", args=[problem.number]) + "#rca")
    return _rca_box(request, problem)


def _refused(
    request: AuthenticatedHttpRequest, problem: Problem, key: str, form: forms.Form
) -> HttpResponse:
    """The form back with its errors and what was typed, in its row's place."""
    if request.htmx:
        return _rca_box(request, problem, sent={key: form}, status=422)
    context = page_context(request, problem, sent={key: form})
    return render(request, "problems/detail.html", context, status=422)


def _rca_box(
    request: AuthenticatedHttpRequest,
    problem: Problem,
    sent: dict[str, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    context: dict[str, Any] = {
        "problem": problem,
        "may_investigate": True,
        **rca_context(problem, editable=True, sent=sent),
    }
    html = render_to_string("problems/detail.html#rca", context, request)
    if status == 200:  # the history gained an entry
        history = {"problem": problem, "timeline": timeline_for(problem), "oob": True}
        html += render_to_string("problems/detail.html#history", history, request)
    return HttpResponse(html, status=status)


def _run(form: forms.Form, call) -> bool:
    """Validate, then call the service with the cleaned data; its errors go next to the
    fields. True when it went through."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except ValidationError as error:
        apply_service_errors(form, error)
        return False
    return True


# ----- the 5 whys ----------------------------------------------------------------------------


@require_POST
@reader_required
def why_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    problem = _investigated(request, number)
    form = WhyForm(request.POST, auto_id="id_why_new_%s")
    if _run(
        form,
        lambda data: services.why_add(problem=problem, answer=data["answer"], actor=request.user),
    ):
        return _changed(request, problem)
    return _refused(request, problem, why_key(None), form)


@require_POST
@reader_required
def why_edit(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    problem = _investigated(request, number)
    why = _row(problem.whys.all(), pk)
    form = WhyForm(request.POST, auto_id=f"id_why_{pk}_%s")
    if _run(
        form,
        lambda data: services.why_update(why=why, answer=data["answer"], actor=request.user),
    ):
        return _changed(request, problem)
    return _refused(request, problem, why_key(pk), form)


@require_POST
@reader_required
def why_remove(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    problem = _investigated(request, number)
    services.why_remove(why=_row(problem.whys.all(), pk), actor=request.user)
    return _changed(request, problem)


# ----- the fishbone --------------------------------------------------------------------------


@require_POST
@reader_required
def cause_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    problem = _investigated(request, number)
    category = request.POST.get("category", "")
    if category not in FishboneCategory.values:
        return HttpResponseBadRequest(_("Choose one of the fishbone's categories."))
    form = CauseForm(request.POST, auto_id=f"id_cause_{category}_%s")
    if _run(
        form,
        lambda data: services.cause_add(
            problem=problem, category=data["category"], text=data["text"], actor=request.user
        ),
    ):
        return _changed(request, problem)
    return _refused(request, problem, cause_key(category), form)


@require_POST
@reader_required
def cause_verdict(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    """Confirmed (it contributed) or ruled out."""
    problem = _investigated(request, number)
    cause = _row(problem.causes.all(), pk)
    form = CauseVerdictForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say whether the cause is confirmed or ruled out."))
    services.cause_set_confirmed(
        cause=cause, confirmed=form.cleaned_data["confirmed"], actor=request.user
    )
    return _changed(request, problem)


@require_POST
@reader_required
def cause_remove(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    problem = _investigated(request, number)
    services.cause_remove(cause=_row(problem.causes.all(), pk), actor=request.user)
    return _changed(request, problem)


# ----- the timeline of events ------------------------------------------------------------------


@require_POST
@reader_required
def event_add(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    problem = _investigated(request, number)
    form = EventForm(request.POST, auto_id="id_event_%s")
    if _run(
        form,
        lambda data: services.event_add(
            problem=problem,
            occurred_at=data["occurred_at"],
            text=data["text"],
            actor=request.user,
        ),
    ):
        return _changed(request, problem)
    return _refused(request, problem, EVENT_KEY, form)


@require_POST
@reader_required
def event_remove(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    problem = _investigated(request, number)
    services.event_remove(event=_row(problem.events.all(), pk), actor=request.user)
    return _changed(request, problem)
