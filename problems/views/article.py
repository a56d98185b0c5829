"""A known error becomes a knowledge article in one click: a draft prefilled from the
problem, linked both ways, opened for editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from problems import rules, services
from problems.access import get_problem_for, reader_required
from servicedesk.http import AuthenticatedHttpRequest


@require_POST
@reader_required
def write_article(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    problem = get_problem_for(request.user, number)
    if not rules.is_problem_manager(request.user):
        raise PermissionDenied(_("Only a problem manager may do this."))
    had_article = problem.article_id is not None
    try:
        article = services.problem_write_article(problem=problem, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("problems:detail", number=problem.number)
    if had_article:
        messages.info(
            request,
            _("%(problem)s already has its article, %(number)s.")
            % {"problem": problem.number, "number": article.number},
        )
    else:
        messages.success(
            request,
            _(
                "Draft %(number)s was written from %(problem)s: "
                "complete it and submit it for review."
            )
            % {"number": article.number, "problem": problem.number},
        )
    return redirect("knowledge:edit", number=article.number)
