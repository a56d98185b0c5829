"""The top bar's "go to ticket" box and the simple ticket search behind it."""

import re

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from incidents.models import NUMBER_PREFIX, Incident
from servicedesk.access import staff_required

#: INC-000123, REQ-124, inc123 or just 123.
NUMBER = re.compile(r"^(?:(?P<prefix>INC|REQ)-?)?(?P<digits>\d{1,9})$")


@require_GET
@staff_required
def jump(request: HttpRequest) -> HttpResponse:
    """A ticket number opens the ticket (or says plainly there is none); any other text
    is searched for."""
    typed = " ".join(request.GET.get("number", "").split())
    match = NUMBER.match(typed.upper())
    if match is None:
        return redirect(f"{reverse('search')}?{urlencode({'q': typed, 'kind': 'tickets'})}")
    prefixes = [match["prefix"]] if match["prefix"] else list(NUMBER_PREFIX.values())
    candidates = [f"{prefix}-{int(match['digits']):06d}" for prefix in prefixes]
    visible = Incident.objects.visible_to(request.user).filter(number__in=candidates)
    number = visible.order_by("id").values_list("number", flat=True).first()
    if number is None:
        context: dict[str, object] = {
            "query": typed,
            "missing": candidates[0],
            "rows": [],
            "next_cursor": None,
        }
        return render(request, "incidents/search.html", context, status=404)
    return redirect("incidents:detail", number=number)


@require_GET
@staff_required
def search(request: HttpRequest) -> HttpResponse:
    """The ticket search that was: the global search's tickets now."""
    query = " ".join(request.GET.get("q", "").split())[:200]
    return redirect(f"{reverse('search')}?{urlencode({'q': query, 'kind': 'tickets'})}")
