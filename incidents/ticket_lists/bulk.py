"""Bulk actions from the ticket list: the chosen tickets (or the whole filtered list, up
to servicedesk.bulk.MAX_RECORDS) → the action's form → each ticket done or refused on
its own, with the reasons. Plain pages: the list's form posts here, the action's form
posts back, the summary follows — in the request for a few tickets, else as a background
job whose page shows its progress (servicedesk/bulk_jobs.py)."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents.models import Incident
from incidents.ticket_lists.filters import form_for
from servicedesk.access import staff_required
from servicedesk.bulk import MAX_RECORDS, bulk_action, bulk_actions, run_bulk
from servicedesk.bulk_jobs import INLINE_MAX, bulk_job_start, form_data
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int

LIST = "tickets"


def _chosen(request: AuthenticatedHttpRequest) -> tuple[QuerySet[Incident], str]:
    """The tickets to act on, and an error when there are none or too many."""
    if request.POST.get("everything"):
        tickets = form_for(request.POST.get("query", ""), request.user).tickets()
    else:
        ids = [pk for pk in map(parse_int, request.POST.getlist("tickets")) if pk is not None]
        tickets = Incident.objects.filter(pk__in=ids)
    ids = list(tickets.order_by("pk").values_list("pk", flat=True)[: MAX_RECORDS + 1])
    if not ids:
        return Incident.objects.none(), _("Choose at least one ticket.")
    if len(ids) > MAX_RECORDS:
        return Incident.objects.none(), _(
            "That is more than %(max)d tickets: narrow the filter, or act in several steps."
        ) % {"max": MAX_RECORDS}
    return Incident.objects.filter(pk__in=ids).order_by("pk"), ""


@require_POST
@staff_required
def bulk(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    back = f"{reverse('incidents:tickets')}?{query}" if query else reverse("incidents:tickets")
    context: dict = {"query": query, "back": back, "actions": bulk_actions(LIST, request.user)}
    action = bulk_action(LIST, request.POST.get("action", ""), request.user)
    if action is None:
        if not context["actions"]:
            raise PermissionDenied
        context["error"] = _("Choose an action.")
        return render(request, "incidents/ticket_bulk.html", context, status=422)
    tickets, error = _chosen(request)
    chosen = list(tickets.values_list("pk", "number"))
    context.update(action=action, chosen=chosen, in_background=len(chosen) > INLINE_MAX)
    if error:
        context["error"] = error
        return render(request, "incidents/ticket_bulk.html", context, status=422)
    if not request.POST.get("confirm"):
        context["form"] = action.form(user=request.user)
        return render(request, "incidents/ticket_bulk.html", context)
    form = action.form(request.POST, user=request.user)
    context["form"] = form
    if not form.is_valid():
        return render(request, "incidents/ticket_bulk.html", context, status=422)
    if context["in_background"]:
        job = bulk_job_start(
            list_name=LIST,
            action=action,
            ids=[pk for pk, _number in chosen],
            data=form_data(request.POST, action),
            actor=request.user,
            back_url=back,
        )
        return redirect("bulk_job", pk=job.pk)
    outcomes = run_bulk(action, tickets, request.user, form.cleaned_data)
    context["done"] = [o.record for o in outcomes if o.done]
    context["refused"] = [o for o in outcomes if not o.done]
    return render(request, "incidents/ticket_bulk_done.html", context)
