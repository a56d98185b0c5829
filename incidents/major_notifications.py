"""What the contacts affected by a major incident are told: each public update, once per
contact. The affected contacts are the contacts and CCs of the major incident and of
every ticket linked to it, each address once; each hears about it on their own ticket
(the first of theirs in the family: the major incident, then its children in the order
they were registered), in their language and their organisation's time zone.

The mail never shows the major incident's own number, title or description: to a
customer whose ticket is a child it is "a disruption of <service>", with the update's
text. Resolution is told by each ticket's own status mail (incidents/notifications.py,
`family_completion_key`), not here."""

import zoneinfo
from dataclasses import dataclass

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Incident, MajorIncidentUpdate, TicketCc
from incidents.notifications import _contact_context
from servicedesk.models import Contact, Notification
from servicedesk.notification_events import register_event
from servicedesk.notifications import notification_queue, recipient_key, render_text

EVENT_MAJOR_UPDATE = "major_update"


def register_events() -> None:
    register_event(EVENT_MAJOR_UPDATE, gettext_lazy("Update on a disruption"))


@dataclass(frozen=True)
class Recipient:
    contact: Contact
    #: The recipient's own ticket in the family, which the mail is about.
    ticket: Incident


def affected_recipients(parent: Incident) -> list[Recipient]:
    """Every reachable contact of the family (ticket contacts and CCs), each address once,
    with the first of their tickets. Two queries, however large the family."""
    tickets = list(
        Incident.objects.filter(pk=parent.pk).select_related("contact__organisation")
    ) + list(
        Incident.objects.filter(parent_id=parent.pk)
        .select_related("contact__organisation")
        .order_by("registered_at", "pk")
    )
    copied: dict[int, list[Contact]] = {}
    for entry in (
        TicketCc.objects.filter(incident__in=[t.pk for t in tickets])
        .select_related("contact__organisation")
        .order_by("created_at", "pk")
    ):
        copied.setdefault(entry.incident_id, []).append(entry.contact)
    found: dict[str, Recipient] = {}
    for ticket in tickets:
        for contact in [ticket.contact, *copied.get(ticket.pk, [])]:
            if contact.is_active and contact.email:
                found.setdefault(contact.email.strip().lower(), Recipient(contact, ticket))
    return list(found.values())


def notify_major_update(*, update: MajorIncidentUpdate) -> list[Notification]:
    """Queue the update for every affected contact who has not had it; the rows queued
    now (none when run again)."""
    parent = update.incident
    queued = []
    for recipient in affected_recipients(parent):
        contact, ticket = recipient.contact, recipient.ticket
        with (
            translation.override(contact.language),
            timezone.override(_zone_of(contact)),
        ):
            service = parent.service.name if parent.service else ""
            subject = _("[%(number)s] Update on the disruption of %(service)s") % {
                "number": ticket.number,
                "service": service or _("our services"),
            }
            body = render_text(
                "incidents/email/major_update.txt",
                _contact_context(
                    ticket,
                    contact,
                    service=service,
                    since=parent.outage_started_at or parent.registered_at,
                    ended=parent.outage_ended_at,
                    update=update,
                    own_is_parent=ticket.pk == parent.pk,
                ),
            )
        notification = notification_queue(
            recipient_email=contact.email,
            event=EVENT_MAJOR_UPDATE,
            target=ticket,
            subject=subject,
            body=body,
            dedupe_key=f"major_update:{update.pk}:{recipient_key(contact.email)}",
            thread_root=ticket.number,
            contact=contact,
        )
        if notification is not None:
            queued.append(notification)
    return queued


def _zone_of(contact: Contact) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(contact.organisation.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")
