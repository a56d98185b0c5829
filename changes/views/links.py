"""The problems and incidents a change answers: link one by its number, take one off
(changes.rules.may_link: staff, until the change is finished)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import retarget

from changes import rules, services
from changes.access import get_change_for, reader_required
from changes.forms import LinkForm
from changes.models import ChangeRequest
from changes.views.page import change_changed, page_context
from problems.models import Problem
from servicedesk.http import AuthenticatedHttpRequest


def _check_may_link(request: AuthenticatedHttpRequest, change: ChangeRequest) -> None:
    if not rules.may_link(change, request.user):
        raise PermissionDenied(_("You may not change what this change answers."))


@require_POST
@reader_required
def link(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Link the problem or incident with this number."""
    change = get_change_for(request.user, number)
    _check_may_link(request, change)
    form = LinkForm(request.POST)
    if form.is_valid():
        record = form.cleaned_data["number"]
        kind = "problems" if isinstance(record, Problem) else "incidents"
        services.change_link(change=change, actor=request.user, **{kind: [record]})
        notice = _("%(number)s is linked to the change.") % {"number": record.number}
        if not request.htmx:
            messages.success(request, notice)
        return change_changed(request, change, link_notice=notice)
    if request.htmx:
        context = {
            "change": change,
            "problems": list(change.problems.order_by("number")),
            "incidents": list(change.incidents.order_by("number")),
            "link_form": form,
            "may_link": True,
        }
        response = render(request, "changes/detail.html#links", context, status=422)
        return retarget(response, "#change-links")
    context = page_context(request, change, link_form=form)
    return render(request, "changes/detail.html", context, status=422)


@require_POST
@reader_required
def unlink(request: AuthenticatedHttpRequest, number: str, linked: str) -> HttpResponse:
    """Take the linked problem or incident with this number off the change."""
    change = get_change_for(request.user, number)
    _check_may_link(request, change)
    wanted = linked.upper()
    problem = change.problems.filter(number=wanted).first()
    incident = None if problem else change.incidents.filter(number=wanted).first()
    if problem is None and incident is None:
        raise Http404
    services.change_unlink(
        change=change,
        actor=request.user,
        problems=[problem] if problem else [],
        incidents=[incident] if incident else [],
    )
    notice = _("%(number)s is no longer linked.") % {"number": wanted}
    if not request.htmx:
        messages.success(request, notice)
    return change_changed(request, change, link_notice=notice)
