"""One place decides who may see which ticket, so no view can forget it."""

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404

from incidents.models import Incident
from servicedesk.roles import is_agent, is_staff_member


def get_incident_for(user, number: str) -> Incident:
    """The ticket if this user may see it, else 404 (also for other organisations' tickets,
    so a contact cannot even learn that a number exists)."""
    incident = (
        Incident.objects.visible_to(user)
        .select_related(
            "organisation",
            "contact",
            "support_group",
            "assignee",
            "service",
            "configuration_item",
            "major_incident",
        )
        .filter(number=number.upper())
        .first()
    )
    if incident is None:
        raise Http404
    return incident


def staff_required(view):
    """Staff workspaces: any staff role. Contacts and users without a role get 403."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_staff_member(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper


def agent_required(view):
    """Pages that work tickets: L1, L2, L3 and the service desk manager."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_agent(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return wrapper
