"""The ticket list, its saved views and its CSV export. Staff only (any staff role),
like *All open*: every ticket of every organisation."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from incidents import queue_rows, services
from incidents.models import SavedView
from incidents.ticket_lists import export, nav
from incidents.ticket_lists.filters import TicketFilterForm, form_for
from incidents.ticket_lists.forms import SaveViewForm
from incidents.ticket_lists.headers import sort_headers
from servicedesk.access import staff_required
from servicedesk.bulk import bulk_actions
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import Tab, keyset_page

LIST = "tickets"


@dataclass
class ViewEntry:
    view: SavedView
    count: Tab
    url: str
    current: bool


def _views(request: AuthenticatedHttpRequest, query: str) -> tuple[list[ViewEntry], Tab]:
    """The user's views and their groups' shared ones, each with its capped count, and
    the count of *Following*: two queries (nav.py)."""
    views = nav.saved_views(request.user)
    following, *tabs = nav.counts([nav.FOLLOWING, *(v.query for v in views)], request.user)
    entries = [
        ViewEntry(view=view, count=tab, url=nav.list_url(view.query), current=view.query == query)
        for view, tab in zip(views, tabs, strict=True)
    ]
    return entries, following


def _context(request: AuthenticatedHttpRequest, form: TicketFilterForm) -> dict:
    now = timezone.now()
    page = keyset_page(
        form.tickets(),
        request.GET.get("after"),
        form.order,
        shown=queue_rows.shown(),
        keys=form.sort_keys,
    )
    queue_rows.prepare_rows(page.rows, now)
    query = form.query_string()
    return {
        "title": _("Tickets"),
        "form": form,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
        "now": now,
        "queue_url": reverse("incidents:tickets"),
        "page_query": query,
        "query": query,
        "empty_message": _("No ticket matches this filter."),
        "export_url": f"{reverse('incidents:tickets_export')}?{query}",
        "bulk_actions": bulk_actions(LIST, request.user),
        "bulk": True,
        "sort_headers": sort_headers(form, reverse("incidents:tickets")),
    }


@require_GET
@staff_required
def ticket_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = TicketFilterForm(request.GET, user=request.user)
    context = _context(request, form)
    if request.htmx and request.GET.get("after"):
        return render(request, "incidents/queue.html#more_rows", context)
    context["views"], context["following"] = _views(request, context["query"])
    context["save_form"] = SaveViewForm(initial={"query": context["query"]}, user=request.user)
    return render(request, "incidents/tickets.html", context)


@require_GET
@staff_required
def export_csv(request: AuthenticatedHttpRequest) -> StreamingHttpResponse:
    form = TicketFilterForm(request.GET, user=request.user)
    response = StreamingHttpResponse(
        export.rows(form.tickets(), form.order, keys=form.sort_keys),
        content_type="text/csv; charset=utf-8",
    )
    name = f"tickets-{timezone.localdate():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_POST
@staff_required
def save_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = SaveViewForm(request.POST, user=request.user)
    query = request.POST.get("query", "")
    filters = form_for(query, request.user)
    if form.is_valid():
        try:
            view = services.saved_view_create(
                owner=request.user,
                name=form.cleaned_data["name"],
                query=filters.query_string(),
                shared_with=form.cleaned_data["shared_with"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("View “%(name)s” saved.") % {"name": view.name})
            return redirect(f"{reverse('incidents:tickets')}?{view.query}")
    context = _context(request, filters)
    context["views"], context["following"] = _views(request, context["query"])
    context["save_form"] = form
    context["save_open"] = True
    return render(request, "incidents/tickets.html", context, status=422)


@require_POST
@staff_required
def delete_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Only its owner deletes a view (a group member sees a shared one, nothing more)."""
    view = get_object_or_404(SavedView, pk=pk, owner=request.user)
    services.saved_view_delete(view=view, actor=request.user)
    messages.success(request, _("View “%(name)s” deleted.") % {"name": view.name})
    return redirect("incidents:tickets")
