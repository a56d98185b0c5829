"""Incidents by the hundred for the pattern and figure tests: plain rows written with
bulk_create at a chosen time (no SLA, no history), numbered INC-8… so they never clash
with the factories' numbers. Only what patterns and figures read is set."""

from datetime import datetime
from itertools import count

from incidents.models import Channel, Incident, Kind
from servicedesk.models import Contact

_numbers = count(1)


def incident(
    title: str,
    at: datetime,
    *,
    contact: Contact,
    service=None,
    ci=None,
    category: str = "other",
    kind: str = Kind.INCIDENT,
    parent: Incident | None = None,
) -> Incident:
    """An unsaved row; give a list of them to `save`."""
    return Incident(
        number=f"INC-8{next(_numbers):06d}",
        kind=kind,
        title=title,
        organisation_id=contact.organisation_id,
        contact=contact,
        channel=Channel.PHONE,
        service=service if service is not None else getattr(ci, "service", None),
        configuration_item=ci,
        category=category,
        parent=parent,
        registered_at=at,
    )


def save(rows: list[Incident]) -> list[Incident]:
    return Incident.objects.bulk_create(rows)
