"""The ticket page's "Related tickets" panel: link a related ticket by number, take a
link off, merge this ticket into another. Plain forms: each POST redirects to the ticket
with a message (or, refused, says why); the rules are incidents/services/links.py's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from incidents import rules, services
from incidents.access import get_incident_for
from incidents.models import Incident, TicketLink
from incidents.views.ticket import page_context
from servicedesk.access import agent_required
from servicedesk.http import AuthenticatedHttpRequest

SLOT = "incidents.ticket"


def links_panel(request: HttpRequest, incident: Incident) -> SafeString | str:
    """Related tickets both ways (one query) and the forms, for agents."""
    if not rules.can_triage(incident, request.user):
        return ""
    links = TicketLink.objects.of(incident).select_related("from_ticket", "to_ticket")
    related = [(link, link.other(incident)) for link in links]
    return render_to_string(
        "incidents/_links_panel.html",
        {"incident": incident, "related": related},
        request=request,
    )


def _page(incident: Incident, anchor: str = "#related") -> str:
    return reverse("incidents:detail", args=[incident.number]) + anchor


def _other(request: AuthenticatedHttpRequest, field: str) -> Incident | None:
    number = " ".join(request.POST.get(field, "").split()).upper()
    if not number:
        return None
    return Incident.objects.visible_to(request.user).filter(number=number).first()


def _refused(request: AuthenticatedHttpRequest, incident: Incident, error) -> HttpResponse:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    messages.error(request, text)
    return redirect(_page(incident))


@require_POST
@agent_required
def link(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    other = _other(request, "number")
    if other is None:
        return _refused(request, incident, ValidationError(_("There is no such ticket.")))
    try:
        services.incident_link_related(incident=incident, other=other, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        return _refused(request, incident, error)
    messages.success(request, _("Related to %(number)s.") % {"number": other.number})
    return redirect(_page(incident))


@require_POST
@agent_required
def unlink(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    found = get_object_or_404(TicketLink.objects.of(incident), pk=pk)
    services.incident_unlink_related(incident=incident, link=found, actor=request.user)
    messages.success(request, _("The link is taken off."))
    return redirect(_page(incident))


@require_POST
@agent_required
def merge(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    into = _other(request, "into")
    try:
        if into is None:
            raise ValidationError(_("There is no such ticket."))
        services.incident_merge(
            incident=incident,
            into=into,
            reason=request.POST.get("reason", ""),
            actor=request.user,
        )
    except (ValidationError, PermissionDenied) as error:
        # The page again, the panel keeping what was typed.
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        incident = get_incident_for(request.user, number)
        context = page_context(request, incident)
        return render(request, "incidents/detail.html", context, status=422)
    messages.success(
        request,
        _("%(number)s is merged into %(into)s; its contact is told.")
        % {"number": incident.number, "into": into.number},
    )
    return redirect(_page(into, anchor=""))
