"""Following a ticket: one button on the ticket page (htmx swaps the followers box; a
plain form post comes back to the ticket with a message). Rules: incidents/watchers.py."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import watchers
from incidents.access import get_incident_for
from incidents.models import Incident
from incidents.templatetags.ticket_watchers import watchers_panel_context
from servicedesk.access import staff_required
from servicedesk.http import AuthenticatedHttpRequest


def _answer(
    request: AuthenticatedHttpRequest, incident: Incident, message: str, *, error: bool = False
) -> HttpResponse:
    if request.htmx:
        context = {**watchers_panel_context(request, incident), "panel_message": message}
        return render(request, "incidents/_watchers_panel.html", context)
    (messages.error if error else messages.success)(request, message)
    return redirect(reverse("incidents:detail", args=[incident.number]) + "#watchers")


@require_POST
@staff_required
def follow(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    try:
        watchers.incident_follow(incident=incident, actor=request.user)
    except ValidationError as error:
        return _answer(request, incident, " ".join(error.messages), error=True)
    return _answer(request, incident, _("You follow this ticket."))


@require_POST
@staff_required
def unfollow(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    watchers.incident_unfollow(incident=incident, actor=request.user)
    return _answer(request, incident, _("You no longer follow this ticket."))
