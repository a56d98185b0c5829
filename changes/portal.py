"""Planned maintenance in the customer portal: the contacts of the organisations a
scheduled change affects (changes/selectors_portal.py says who) see it on their portal
home and on each affected service wherever the portal shows it (the catalogue's cards,
the service's raise page), with the window in their organisation's time zone and in
customers' words. Registered with the core's portal registry (servicedesk/portal.py) from
ChangesConfig.ready() (changes/integration.py)."""

from collections.abc import Mapping
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from changes.selectors_portal import Maintenance, by_service, maintenance_for
from servicedesk import portal
from servicedesk.models import Contact


def register() -> None:
    portal.register_home_panel("changes/portal/_home_panel.html", home_panel)
    portal.register_service_notices(service_notices)


def _maintenance(request: HttpRequest, contact: Contact) -> list[Maintenance]:
    """The contact's organisation's maintenance, read once per request."""
    cache: dict[int, list[Maintenance]] = request.__dict__.setdefault("_chg_maintenance", {})
    if contact.organisation_id not in cache:
        cache[contact.organisation_id] = maintenance_for(contact.organisation_id)
    return cache[contact.organisation_id]


def home_panel(request: HttpRequest, contact: Contact) -> Mapping[str, Any] | None:
    """The organisation's planned maintenance (nothing when there is none)."""
    maintenance = _maintenance(request, contact)
    if not maintenance:
        return None
    return {"maintenance": maintenance, "time_zone": contact.organisation.time_zone}


def service_notices(request: HttpRequest, contact: Contact) -> dict[int, SafeString]:
    """For each service under planned maintenance for the contact's organisation, its
    notice."""
    notices = by_service(_maintenance(request, contact))
    time_zone = contact.organisation.time_zone
    return {
        service_id: render_to_string(
            "changes/portal/_service_notice.html",
            {"maintenance": items, "time_zone": time_zone},
            request=request,
        )
        for service_id, items in notices.items()
    }
