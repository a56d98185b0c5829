"""A bulk action job's page: how far it got and what it left as it was and why. Its
starter and the service desk managers see it (anyone else: 404). htmx polls the
progress every second until the job has finished; without JavaScript the page reloads
itself while it runs. What it left as it was is listed in pages of PAGE, in the order it
came to them ("Show more": the next ones alone with htmx, the page without)."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from servicedesk.access import staff_required
from servicedesk.bulk import bulk_action_named
from servicedesk.bulk_jobs import may_see_job
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import BulkJob
from servicedesk.pagination import keyset_page

#: Refusals listed per page (a job holds at most servicedesk.bulk.MAX_RECORDS records).
PAGE = 50


@require_GET
@staff_required
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(BulkJob.objects.select_related("started_by"), pk=pk)
    if not may_see_job(found, request.user):
        raise Http404
    action = bulk_action_named(found.list_name, found.action)
    cursor = request.GET.get("after")
    refusals = keyset_page(found.refusals.all(), cursor, "id", size=PAGE)
    context = {
        "job": found,
        "action_label": action.label if action is not None else found.action,
        "refusals": refusals.rows,
        "next_cursor": refusals.next_cursor,
    }
    if request.htmx and cursor:
        return render(request, "servicedesk/bulk_job.html#refusals", context)
    if request.htmx:
        return render(request, "servicedesk/bulk_job.html#progress", context)
    return render(request, "servicedesk/bulk_job.html", context)
