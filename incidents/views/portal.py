"""The customer portal: a contact sees their organisation's tickets. (Raising tickets,
the service catalogue and confirmations come with the portal issue.)"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents.access import get_incident_for
from incidents.models import Incident
from incidents.timeline import timeline_for
from servicedesk.roles import contact_of

PORTAL_PAGE = 50


def _contact(request):
    contact = contact_of(request.user)
    if contact is None:
        raise PermissionDenied
    return contact


@require_GET
def home(request) -> HttpResponse:
    contact = _contact(request)
    tickets = (
        Incident.objects.filter(organisation_id=contact.organisation_id)
        .select_related("contact")
        .order_by("-id")[:PORTAL_PAGE]
    )
    return render(request, "incidents/portal/home.html", {"contact": contact, "tickets": tickets})


@require_GET
def ticket(request, number: str) -> HttpResponse:
    contact = _contact(request)
    incident = get_incident_for(request.user, number)
    return render(
        request,
        "incidents/portal/ticket.html",
        {
            "contact": contact,
            "incident": incident,
            "timeline": timeline_for(incident, public_only=True),
        },
    )
