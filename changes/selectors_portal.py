"""Who a change affects among the customers, and what they are shown of it.

An organisation is *affected* by a change when it has a configuration item the change
names (active or not: the change says it touches that very item), or an active
configuration item on one of the services the change names without naming any of that
service's items (a named item brings its service along: then only the item's owner is
affected). Shared infrastructure (a
configuration item without an organisation) affects nobody by itself. The organisation's
*affected services* are the services of those configuration items.

Customers see a change as planned maintenance: while it is scheduled or being carried
out and its window has not ended. They see its number, their affected services and its
window, never its title, plans or risk (written for staff)."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from changes.models import ChangeRequest, Status
from servicedesk.models import Contact

#: Shown to customers as planned maintenance.
MAINTENANCE_STATUSES = (Status.SCHEDULED, Status.IMPLEMENTING)
#: The maintenance notices a contact sees at most (the soonest first).
MAINTENANCE_SHOWN = 10
#: Rows (change × service) read at most for one organisation's notices.
_PAIRS_READ = 500


@dataclass
class Maintenance:
    """A change as an affected organisation sees it."""

    number: str
    status: str
    start: datetime
    end: datetime
    service_ids: set[int] = field(default_factory=set)
    service_names: list[str] = field(default_factory=list)

    @property
    def under_way(self) -> bool:
        return self.status == Status.IMPLEMENTING or self.start <= timezone.now()


def _change_touches(change_ids: Q | None = None) -> tuple[QuerySet, QuerySet]:
    """The two ways a configuration item of an organisation is touched by a change: named
    by it, or active on a service it names (querysets of the through tables)."""
    by_item = ChangeRequest.configuration_items.through.objects.filter(
        configurationitem__organisation__isnull=False
    )
    # A service the change names only because one of its items is named (the item brings
    # its service along) touches the owners of the named items, not every customer on it.
    names_an_item_of_it = ChangeRequest.configuration_items.through.objects.filter(
        changerequest_id=OuterRef("changerequest_id"),
        configurationitem__service_id=OuterRef("service_id"),
    )
    by_service = ChangeRequest.services.through.objects.filter(
        ~Exists(names_an_item_of_it),
        service__configuration_items__organisation__isnull=False,
        service__configuration_items__is_active=True,
    )
    if change_ids is not None:
        by_item, by_service = by_item.filter(change_ids), by_service.filter(change_ids)
    return by_item, by_service


def maintenance_for(organisation_id: int, *, now: datetime | None = None) -> list[Maintenance]:
    """The planned maintenance that affects the organisation, soonest first (one query)."""
    now = now or timezone.now()
    live = Q(
        changerequest__status__in=MAINTENANCE_STATUSES,
        changerequest__planned_start__isnull=False,
        changerequest__planned_end__gt=now,
    )
    by_item, by_service = _change_touches(live)
    fields = (
        "changerequest__number",
        "changerequest__status",
        "changerequest__planned_start",
        "changerequest__planned_end",
    )
    pairs = by_item.filter(configurationitem__organisation_id=organisation_id).values_list(
        *fields, "configurationitem__service_id", "configurationitem__service__name"
    )
    pairs = pairs.union(
        by_service.filter(
            service__configuration_items__organisation_id=organisation_id
        ).values_list(*fields, "service_id", "service__name")
    )
    found: dict[str, Maintenance] = {}
    for number, status, start, end, service_id, name in pairs[:_PAIRS_READ]:
        item = found.setdefault(number, Maintenance(number, status, start, end))
        if service_id not in item.service_ids:
            item.service_ids.add(service_id)
            item.service_names.append(name)
    shown = sorted(found.values(), key=lambda m: (m.start, m.number))[:MAINTENANCE_SHOWN]
    for item in shown:
        item.service_names.sort()
    return shown


def by_service(maintenance: Iterable[Maintenance]) -> dict[int, list[Maintenance]]:
    """The notices for each service id."""
    notices: dict[int, list[Maintenance]] = {}
    for item in maintenance:
        for service_id in item.service_ids:
            notices.setdefault(service_id, []).append(item)
    return notices


def affected_services(change: ChangeRequest) -> dict[int, list[str]]:
    """Each affected organisation's id with the names of its affected services (one
    query)."""
    mine = Q(changerequest_id=change.pk)
    by_item, by_service = _change_touches(mine)
    pairs = by_item.values_list(
        "configurationitem__organisation_id", "configurationitem__service__name"
    ).union(
        by_service.values_list("service__configuration_items__organisation_id", "service__name")
    )
    services: dict[int, list[str]] = {}
    for organisation_id, name in pairs:
        names = services.setdefault(organisation_id, [])
        if name not in names:
            names.append(name)
    for names in services.values():
        names.sort()
    return services


def affected_contacts(organisation_ids: Iterable[int]) -> QuerySet[Contact]:
    """The active contacts with an address of the active organisations among these."""
    return (
        Contact.objects.filter(
            organisation_id__in=list(organisation_ids),
            organisation__is_active=True,
            is_active=True,
        )
        .exclude(email="")
        .select_related("organisation")
        .order_by("organisation_id", "pk")
    )


def affected_organisation_ids(change: ChangeRequest) -> set[int]:
    return set(affected_services(change))
