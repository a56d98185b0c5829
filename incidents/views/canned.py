"""Canned responses: the staff page where agents keep theirs (and service desk managers
the support groups'), and on the ticket page the picker that inserts one, rendered for
the ticket, into the reply. Each works as a plain request too: the picker is then part
of the ticket page, and choosing a response shows the page with the reply prefilled."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from incidents import rules
from incidents.access import get_incident_for
from incidents.canned import (
    canned_response_create,
    canned_response_delete,
    canned_response_render,
    canned_response_update,
    canned_responses_listed_for,
    canned_responses_usable_by,
    get_canned_response_for,
    get_usable_canned_response_for,
    may_manage,
    renderer,
)
from incidents.forms import CommentForm
from incidents.forms_canned import CannedResponseForm
from incidents.models import CannedResponse, Incident
from incidents.models.canned import CannedResponseQuerySet
from incidents.views.ticket import page_context
from servicedesk.access import agent_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import head, keyset_page

# ----- the staff page ------------------------------------------------------------------------


#: Rows per page of each list (one's own, the groups').
PAGE = 50
#: The responses the picker offers at once; it says how many more its filter finds.
PICKER_SHOWN = 50
#: The lists of the page: the cursor parameter of each and what it holds.
LISTS = {"mine": "mine_after", "shared": "shared_after"}


@require_GET
@agent_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """One's own responses, then the support groups' (editable by desk managers), each
    by title in pages of PAGE ("Show more" brings the next rows of that list: alone with
    htmx, as the page without)."""
    listed = canned_responses_listed_for(request.user)
    lists = {
        "mine": _list(request, listed.filter(group__isnull=True), "mine"),
        "shared": _list(request, listed.filter(group__isnull=False), "shared"),
    }
    more = request.GET.get("more", "")
    if request.htmx and more in lists and request.GET.get(LISTS[more]):
        return render(request, "incidents/canned_list.html#canned_rows", lists[more])
    context = {
        "personal": lists["mine"]["rows"],
        "shared": lists["shared"]["rows"],
        "mine_list": lists["mine"],
        "shared_list": lists["shared"],
    }
    return render(request, "incidents/canned_list.html", context)


def _list(
    request: AuthenticatedHttpRequest, rows: CannedResponseQuerySet, key: str
) -> dict[str, Any]:
    page = keyset_page(
        rows,
        request.GET.get(LISTS[key]),
        "title",
        shown=rows.select_related("group"),
        size=PAGE,
    )
    for row in page.rows:
        row.may_manage = may_manage(request.user, row)  # type: ignore[attr-defined]
    return {
        "rows": page.rows,
        "shared": key == "shared",
        "key": key,
        "param": LISTS[key],
        "next_cursor": page.next_cursor,
    }


@require_http_methods(["GET", "POST"])
@agent_required
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = CannedResponseForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            response = canned_response_create(
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                translations=form.translations(),
                group=form.cleaned_data.get("shared_with"),
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": response.title})
            return redirect("incidents:canned_list")
    return _form_page(request, form, None)


@require_http_methods(["GET", "POST"])
@agent_required
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = get_canned_response_for(request.user, pk, manage=True)
    form = CannedResponseForm(request.POST or None, user=request.user, response=response)
    if request.method == "POST" and form.is_valid():
        try:
            response = canned_response_update(
                response=response,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                translations=form.translations(),
                group=form.cleaned_data.get("shared_with"),
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("“%(title)s” is saved.") % {"title": response.title})
            return redirect("incidents:canned_list")
    return _form_page(request, form, response)


def _form_page(
    request: AuthenticatedHttpRequest, form: CannedResponseForm, response: CannedResponse | None
) -> HttpResponse:
    status = 422 if request.method == "POST" else 200
    context = {"form": form, "response": response}
    return render(request, "incidents/canned_form.html", context, status=status)


@require_POST
@agent_required
def delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    response = get_canned_response_for(request.user, pk, manage=True)
    title = response.title
    canned_response_delete(response=response, actor=request.user)
    messages.success(request, _("“%(title)s” is deleted.") % {"title": title})
    return redirect("incidents:canned_list")


# ----- on the ticket page ----------------------------------------------------------------------


def _replying(request: AuthenticatedHttpRequest, number: str) -> Incident:
    """The ticket, if this agent may reply on it (403 otherwise; 404 for no such ticket)."""
    incident = get_incident_for(request.user, number)
    if not rules.can_comment(incident, request.user):
        raise PermissionDenied
    return incident


@require_GET
@agent_required
def picker(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The responses this agent may use (their own and their groups'), each rendered for
    the ticket, the first PICKER_SHOWN by title; `q` narrows them by title or text (the
    page filters the ones shown as one types too)."""
    incident = _replying(request, number)
    q = request.GET.get("q", "").strip()
    rows = canned_responses_usable_by(request.user)
    if q:
        rows = rows.filter(Q(title__icontains=q) | Q(body__icontains=q))
    render_one = renderer(incident=incident, actor=request.user)
    found = head(rows, PICKER_SHOWN)
    context: dict[str, Any] = {
        "canned_choices": [{"response": row, "text": render_one(row)} for row in found.rows],
        "canned_rest": found.rest,
        "canned_q": q,
        "canned_open": True,
    }
    if request.htmx:
        return render(request, "incidents/_canned_picker.html", {"incident": incident, **context})
    return render(request, "incidents/detail.html", page_context(request, incident, **context))


@require_GET
@agent_required
def insert(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    """The reply box filled with the response rendered for the ticket, marked public (the
    page's script inserts it at the cursor instead, without this request)."""
    incident = _replying(request, number)
    response = get_usable_canned_response_for(request.user, pk)
    text = canned_response_render(response=response, incident=incident, actor=request.user)
    form = CommentForm(initial={"body": text, "is_public": True})
    form.fields["body"].widget.attrs["autofocus"] = True
    note = _("“%(title)s” is in the reply: check it before you send it.") % {
        "title": response.title
    }
    if request.htmx:
        context = {"incident": incident, "comment_form": form, "paste_note": note}
        part = render(request, "incidents/detail.html#comment_form", context)
        return retarget(part, "#comment-form")
    context = page_context(request, incident, comment_form=form, paste_note=note)
    return render(request, "incidents/detail.html", context)
