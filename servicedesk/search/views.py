"""/search/ for staff and /portal/search/ for contacts: one box over every kind of record
the asker may look through, hits grouped by kind (a few of each), or one kind's hits a
page at a time. A query that is one record's number opens that record."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from servicedesk import search as engine
from servicedesk.access import contact_required, staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int
from servicedesk.roles import contact_of
from servicedesk.search.forms import SearchForm

#: Hits of each kind when every kind is shown; hits a page when one kind is.
PER_KIND = 5
PAGE_SIZE = 20


@require_GET
@staff_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _search(request, portal=False, template="servicedesk/search.html")


@require_GET
@contact_required
def portal_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _search(request, portal=True, template="servicedesk/portal_search.html")


def _search(request: AuthenticatedHttpRequest, *, portal: bool, template: str) -> HttpResponse:
    kinds = engine.kinds_for(request.user, portal=portal)
    form = SearchForm(request.GET or None, kinds=kinds, portal=portal)
    context = {"form": form, "groups": [], "one_kind": None, "page": 1, "searched": False}
    if portal:
        context["contact"] = contact_of(request.user)
    if form.is_bound and form.is_valid() and form.cleaned_data["q"]:
        asked = form.search_request(request.user, portal=portal)
        chosen = form.chosen_kinds()
        if not asked.filtered and (url := engine.exact_match(asked, chosen)):
            return redirect(url)
        one_kind = len(chosen) == 1 and bool(form.cleaned_data.get("kind"))
        page = max(1, parse_int(request.GET.get("page")) or 1)
        limit = PAGE_SIZE if one_kind else PER_KIND
        offset = (page - 1) * PAGE_SIZE if one_kind else 0
        groups = engine.search(asked, chosen, limit=limit, offset=offset)
        context.update(
            groups=groups,
            shown=[g for g in groups if g.hits or g.note or one_kind],
            empty=[] if one_kind else [g.kind for g in groups if not g.hits and not g.note],
            one_kind=chosen[0] if one_kind else None,
            page=page,
            searched=True,
            skipped=[kind for kind in chosen if asked.filtered - kind.filters],
        )
    if request.htmx:
        template += "#results"
    return render(request, template, context)
