"""A closed change's review becomes a knowledge article in one click: a draft prefilled
from the change, linked both ways, opened for editing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from changes import rules, services
from changes.access import get_change_for, reader_required
from servicedesk.http import AuthenticatedHttpRequest


@require_POST
@reader_required
def write_article(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    change = get_change_for(request.user, number)
    if not rules.is_change_manager(request.user):
        raise PermissionDenied(_("Only the change manager may do this."))
    had_article = change.article_id is not None
    try:
        article = services.change_write_article(change=change, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("changes:detail", number=change.number)
    if had_article:
        messages.info(
            request,
            _("%(change)s already has its article, %(number)s.")
            % {"change": change.number, "number": article.number},
        )
    else:
        messages.success(
            request,
            _(
                "Draft %(number)s was written from the review of %(change)s: "
                "complete it and submit it for review."
            )
            % {"number": article.number, "change": change.number},
        )
    return redirect("knowledge:edit", number=article.number)
