"""One place decides who may see which ticket, so no view can forget it."""

from django.http import Http404

from incidents.models import Incident


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
            "parent",
            "major_manager",
            "duplicate_of",
        )
        .filter(number=number.upper())
        .first()
    )
    if incident is None:
        raise Http404
    return incident
