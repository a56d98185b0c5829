"""The problem's page: what it is, the known error, its root-cause analysis, the incidents
it explains and its history, with the steps and edits this user may take. The other
views of the page render it through `page_context` and answer with `problem_changed`."""

from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from problems import rules
from problems.access import get_problem_for, reader_required
from problems.actions import ACTIONS
from problems.forms import LinkIncidentForm
from problems.models import Problem, ProblemIncident, Status
from problems.quiet import quiet_period_of
from problems.timeline import timeline_for
from problems.views.rca_board import rca_context
from servicedesk.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from django import forms


def linked_incidents(problem: Problem) -> list[ProblemIncident]:
    """The problem's incidents with what their rows show, newest link first (one query)."""
    return list(
        problem.incident_links.select_related("incident__organisation").order_by(
            "-incident__registered_at", "-id"
        )
    )


def page_context(
    request: AuthenticatedHttpRequest,
    problem: Problem,
    *,
    sent: "dict[str, forms.Form] | None" = None,
    **extra: Any,
) -> dict:
    """Everything the page shows; `sent`: RCA forms that came back with errors (see
    rca_board.rca_context), `extra` overrides the rest (an open panel, a bound form)."""
    user = request.user
    may_investigate = rules.may_investigate(problem, user)
    context = {
        "problem": problem,
        "actions": ACTIONS.for_user(problem, user),
        "may_manage": rules.may_manage(problem, user) and not problem.is_final,
        "may_investigate": may_investigate,
        "may_link": rules.may_link_incident(user) and not problem.is_final,
        "may_write_article": may_write_article(problem, user),
        "links": linked_incidents(problem),
        "link_form": LinkIncidentForm(),
        "quiet": quiet_period_of(problem) if problem.status == Status.RESOLVED else None,
        "timeline": timeline_for(problem),
        "panel": None,
        "findings_form": None,
        **rca_context(problem, editable=may_investigate, sent=sent),
    }
    context.update(extra)
    return context


def may_write_article(problem: Problem, user) -> bool:
    """The known error (or its fix) becomes an article once, written by a problem manager."""
    return rules.is_problem_manager(user) and problem.is_known_error and problem.article_id is None


def problem_changed(
    request: AuthenticatedHttpRequest, problem: Problem, **extra: Any
) -> HttpResponse:
    """After a change: the whole problem re-rendered in place (htmx; `extra` goes to the
    page's context) or a redirect."""
    if not request.htmx:
        return redirect("problems:detail", number=problem.number)
    fresh = get_problem_for(request.user, problem.number)
    context = page_context(request, fresh, **extra)
    response = render(request, "problems/detail.html#problem", context)
    return trigger_client_event(response, "problemChanged", {"number": problem.number})


@require_GET
@reader_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    problem = get_problem_for(request.user, number)
    return render(request, "problems/detail.html", page_context(request, problem))
