"""A bulk action job's page: how far it got and what it left as it was and why. Its
starter and the service desk managers see it (anyone else: 404). htmx polls the
progress every second until the job has finished; without JavaScript the page reloads
itself while it runs."""

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from servicedesk.access import staff_required
from servicedesk.bulk import bulk_action_named
from servicedesk.bulk_jobs import may_see_job
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import BulkJob


@require_GET
@staff_required
def job(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(BulkJob.objects.select_related("started_by"), pk=pk)
    if not may_see_job(found, request.user):
        raise Http404
    action = bulk_action_named(found.list_name, found.action)
    context = {
        "job": found,
        "action_label": action.label if action is not None else found.action,
        "refusals": found.refusals.all(),
    }
    if request.htmx:
        return render(request, "servicedesk/bulk_job.html#progress", context)
    return render(request, "servicedesk/bulk_job.html", context)
