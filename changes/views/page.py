"""The change's page: what is changed, why and how, its risk, window, conflicts and the
CAB's decisions. (The lifecycle buttons, edit and links are added by the page's views.)"""

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from changes.access import get_change_for, reader_required
from changes.conflicts import conflicts_for
from servicedesk.http import AuthenticatedHttpRequest


@require_GET
@reader_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    change = get_change_for(request.user, number)
    context = {
        "change": change,
        "services": list(change.services.all()),
        "configuration_items": list(change.configuration_items.select_related("service")),
        "problems": list(change.problems.all()),
        "incidents": list(change.incidents.all()),
        "conflicts": conflicts_for(change),
        "approvals": list(
            change.approvals.filter(round=change.approval_round).select_related("approver")
        ),
    }
    return render(request, "changes/detail.html", context)
