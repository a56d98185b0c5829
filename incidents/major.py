"""Read queries about major incidents, for the ticket page, the queues and the portal
(the rules and writes are incidents/services/major.py).

Who sees a major incident's banner in the portal: the contacts of an *affected*
organisation, i.e. one that
  1. raised the major incident itself, or
  2. has a ticket linked to it (a child), or
  3. has an open ticket on its service not linked yet, or
  4. uses the service: has an active configuration item of it.
Every contact sees the same neutral text ("We are working on a disruption of <service>
since <time>") and the public updates, plus links to their own organisation's tickets in
the family; the major incident's number, title and description are shown only to its own
organisation (as its own ticket), never to the others."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet

from incidents.models import OPEN_STATUSES, Incident, Kind, MajorIncidentUpdate, Status
from incidents.selectors import ticket_text_match
from servicedesk.models import ConfigurationItem, Contact

#: Updates shown in a portal banner, newest first.
BANNER_UPDATES = 5
#: Candidates shown when searching for tickets to link.
CANDIDATES_SHOWN = 10


def open_majors() -> QuerySet[Incident]:
    """Open major incidents (a small partial index holds them per service)."""
    return Incident.objects.filter(is_major=True, status__in=OPEN_STATUSES)


def open_major_on_service(incident: Incident) -> Incident | None:
    """The open major incident a ticket might belong to: on its service, when the ticket
    is an open incident not linked to one and not major itself (None otherwise)."""
    if (
        incident.service_id is None
        or incident.is_major
        or incident.parent_id is not None
        or not incident.is_open
        or incident.kind != Kind.INCIDENT
    ):
        return None
    return open_major_for_service(incident.service_id)


def open_major_for_service(service_id: int | None) -> Incident | None:
    """The open major incident on this service (the oldest, should there be two), or
    None: what a new ticket on the service is proposed to be linked to."""
    if service_id is None:
        return None
    return (
        open_majors()
        .filter(service_id=service_id)
        # The status too: the FSM's concurrency guard reads it when a row is loaded.
        .only("pk", "number", "title", "status", "outage_started_at", "registered_at", "service_id")
        .order_by("registered_at", "pk")
        .first()
    )


def children_of(parent: Incident) -> QuerySet[Incident]:
    """The major incident's children with what their row shows, in one query."""
    return (
        Incident.objects.filter(parent_id=parent.pk)
        .select_related("organisation", "contact", "assignee")
        .order_by("registered_at", "pk")
    )


def updates_of(parent: Incident) -> QuerySet[MajorIncidentUpdate]:
    """The public update log, newest first, with who posted each (one query)."""
    return parent.major_updates.select_related("posted_by").order_by("-posted_at", "-pk")


def link_candidates(user, parent: Incident, text: str) -> list[Incident]:
    """Incidents `user` may link, found by number, words of the summary, the contact's
    name or email, or the organisation's name or contract number (the ticket search's
    match, incidents/selectors.py): open or completed, not major, not linked anywhere
    yet; newest first."""
    text = " ".join(text.split())[:200]
    if not text:
        return []
    return list(
        Incident.objects.visible_to(user)
        .filter(ticket_text_match(text, people=True))
        .filter(kind=Kind.INCIDENT, is_major=False, parent__isnull=True)
        .exclude(pk=parent.pk)
        .exclude(status=Status.CLOSED)
        .select_related("organisation", "contact", "service")
        .order_by("-pk")[:CANDIDATES_SHOWN]
    )


# ----- queues --------------------------------------------------------------------------------


def mark_queue_rows(rows: list[Incident]) -> None:
    """Give each queue row, with one query for the page, `major_number`: the number of the
    major incident it is part of, and `major_proposal`: the number of an open major
    incident on its service that it may belong to (for triage)."""
    parents = {row.parent_id for row in rows if row.parent_id is not None}
    services = {row.service_id for row in rows if open_major_on_service_applies(row)}
    for row in rows:
        row.major_number = row.major_proposal = ""
    if not parents and not services:
        return
    found = Incident.objects.filter(
        Q(pk__in=parents) | Q(is_major=True, status__in=OPEN_STATUSES, service_id__in=services)
    ).values_list("pk", "number", "service_id", "is_major", "status")
    numbers: dict[int, str] = {}
    by_service: dict[int, str] = {}
    for pk, number, service_id, is_major, status in found.order_by("registered_at", "pk"):
        numbers[pk] = number
        if is_major and status in OPEN_STATUSES and service_id is not None:
            by_service.setdefault(service_id, number)
    for row in rows:
        if row.parent_id is not None:
            row.major_number = numbers.get(row.parent_id, "")
        elif row.service_id is not None and open_major_on_service_applies(row):
            row.major_proposal = by_service.get(row.service_id, "")


def open_major_on_service_applies(row: Incident) -> bool:
    return (
        row.service_id is not None
        and not row.is_major
        and row.parent_id is None
        and row.is_open
        and row.kind == Kind.INCIDENT
    )


# ----- the portal ----------------------------------------------------------------------------


@dataclass
class Banner:
    """What a contact is told about one open major incident."""

    service: str
    since: datetime
    ended: datetime | None
    updates: list[MajorIncidentUpdate]
    service_id: int | None = None
    #: The contact's organisation's tickets in the family: (number, title).
    own_tickets: list[tuple[str, str]] = field(default_factory=list)


def affecting(organisation_id: int) -> Q:
    """The open major incidents that affect this organisation (see the module's doc)."""
    children = Incident.objects.filter(parent_id=OuterRef("pk"), organisation_id=organisation_id)
    unlinked = Incident.objects.filter(
        organisation_id=organisation_id,
        service_id=OuterRef("service_id"),
        status__in=OPEN_STATUSES,
        parent__isnull=True,
    )
    uses = ConfigurationItem.objects.filter(
        service_id=OuterRef("service_id"), organisation_id=organisation_id, is_active=True
    )
    condition = Q(organisation_id=organisation_id)
    for related in (children, unlinked, uses):
        condition |= Q(Exists(related))
    return condition


def banners_for(contact: Contact, *, service_id: int | None = None) -> list[Banner]:
    """The banners this contact sees: one per open major incident affecting their
    organisation (on `service_id` only, if given). One query when there are none, four
    otherwise: the usual case, no open major incident at all, is asked first with a
    query that costs a tenth of the one that works out whom a major incident affects."""
    if not open_majors().exists():
        return []
    organisation_id = contact.organisation_id
    majors = open_majors().filter(affecting(organisation_id))
    if service_id is not None:
        majors = majors.filter(service_id=service_id)
    found = list(
        majors.select_related("service")
        .only(
            "pk",
            "status",
            "organisation_id",
            "service__name",
            "outage_started_at",
            "outage_ended_at",
            "registered_at",
            "number",
            "title",
        )
        .prefetch_related(
            Prefetch(
                "major_updates",
                queryset=MajorIncidentUpdate.objects.order_by("-posted_at", "-pk"),
                to_attr="log",
            )
        )
        .order_by("registered_at", "pk")
    )
    if not found:
        return []
    own: dict[int, list[tuple[str, str]]] = {}
    for parent_id, pk, number, title in (
        Incident.objects.filter(
            Q(parent_id__in=[m.pk for m in found]) | Q(pk__in=[m.pk for m in found]),
            organisation_id=organisation_id,
        )
        .order_by("registered_at", "pk")
        .values_list("parent_id", "pk", "number", "title")
    ):
        own.setdefault(parent_id or pk, []).append((number, title))
    return [
        Banner(
            service=major.service.name if major.service else "",
            service_id=major.service_id,
            since=major.outage_started_at or major.registered_at,
            ended=major.outage_ended_at,
            updates=major.log[:BANNER_UPDATES],
            own_tickets=own.get(major.pk, []),
        )
        for major in found
    ]


def banner_for_ticket(incident: Incident) -> Banner | None:
    """On a contact's own ticket that is part of an open major incident (or is one): the
    disruption and its public updates (one or two queries, none for other tickets)."""
    family = incident.pk if incident.is_major else incident.parent_id
    if family is None:
        return None
    major = incident if incident.is_major else incident.parent
    if major is None or not major.is_open:
        return None
    return Banner(
        service=major.service.name if major.service_id and major.service else "",
        service_id=major.service_id,
        since=major.outage_started_at or major.registered_at,
        ended=major.outage_ended_at,
        updates=list(
            MajorIncidentUpdate.objects.filter(incident_id=family).order_by("-posted_at", "-pk")[
                :BANNER_UPDATES
            ]
        ),
    )
