"""Conflicts a change's window runs into, found before the CAB approves it: another
planned change whose window overlaps on the same service or configuration item, or a
blackout period on one of its services (or on all services).

Windows are half-open, [start, end): a change that ends at 02:00 and one that starts at
02:00 do not overlap. Times are compared as stored (UTC), so windows typed in different
time zones compare correctly."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Prefetch

from changes.models import PLANNED_STATUSES, BlackoutPeriod, ChangeRequest
from servicedesk.models import ConfigurationItem, Service


@dataclass(frozen=True)
class Conflict:
    """What clashes with a change: another change (`change`) or a blackout (`blackout`),
    and on which services and configuration items."""

    change: ChangeRequest | None = None
    blackout: BlackoutPeriod | None = None
    services: tuple[Service, ...] = ()
    configuration_items: tuple[ConfigurationItem, ...] = ()
    #: A blackout on every service.
    everywhere: bool = field(default=False)

    @property
    def is_blackout(self) -> bool:
        return self.blackout is not None


def overlaps(
    a_start: datetime | None,
    a_end: datetime | None,
    b_start: datetime | None,
    b_end: datetime | None,
) -> bool:
    """Two half-open windows share a moment (a missing end never overlaps)."""
    if a_start is None or a_end is None or b_start is None or b_end is None:
        return False
    return a_start < b_end and b_start < a_end


def conflicts_for(change: ChangeRequest) -> list[Conflict]:
    return conflicts_by_change([change]).get(change.pk, [])


def conflicts_by_change(changes: Sequence[ChangeRequest]) -> dict[int, list[Conflict]]:
    """The conflicts of each change that has a window, in a fixed number of queries
    whatever the number of changes (the CAB agenda, the calendar)."""
    planned = [c for c in changes if c.has_window()]
    if not planned:
        return {}
    span_start = min(c.planned_start for c in planned)  # type: ignore[type-var]
    span_end = max(c.planned_end for c in planned)  # type: ignore[type-var]
    links = (
        Prefetch("services", queryset=Service.objects.only("id", "name")),
        Prefetch("configuration_items", queryset=ConfigurationItem.objects.only("id", "name")),
    )
    others = list(
        ChangeRequest.objects.filter(
            status__in=PLANNED_STATUSES, planned_start__lt=span_end, planned_end__gt=span_start
        )
        .only("id", "number", "title", "status", "change_type", "planned_start", "planned_end")
        .prefetch_related(*links)
    )
    blackouts = list(
        BlackoutPeriod.objects.filter(
            starts_at__lt=span_end, ends_at__gt=span_start
        ).prefetch_related(Prefetch("services", queryset=Service.objects.only("id", "name")))
    )
    by_pk = {other.pk: other for other in others}
    found: dict[int, list[Conflict]] = {}
    for change in planned:
        mine = by_pk.get(change.pk) or _with_links(change)
        found[change.pk] = [
            *_clashing_changes(mine, others),
            *_clashing_blackouts(mine, blackouts),
        ]
    return found


def _with_links(change: ChangeRequest) -> ChangeRequest:
    """A change outside the planned states (a draft) still has its own links read."""
    return (
        ChangeRequest.objects.filter(pk=change.pk)
        .prefetch_related("services", "configuration_items")
        .get()
    )


def _clashing_changes(change: ChangeRequest, others: list[ChangeRequest]) -> list[Conflict]:
    services = {s.pk: s for s in change.services.all()}
    cis = {ci.pk: ci for ci in change.configuration_items.all()}
    clashes = []
    for other in others:
        if other.pk == change.pk or not overlaps(
            change.planned_start,
            change.planned_end,
            other.planned_start,
            other.planned_end,
        ):
            continue
        shared_services = tuple(s for s in other.services.all() if s.pk in services)
        shared_cis = tuple(ci for ci in other.configuration_items.all() if ci.pk in cis)
        if shared_services or shared_cis:
            clashes.append(
                Conflict(change=other, services=shared_services, configuration_items=shared_cis)
            )
    return clashes


def _clashing_blackouts(change: ChangeRequest, blackouts: list[BlackoutPeriod]) -> list[Conflict]:
    services = {s.pk for s in change.services.all()}
    clashes = []
    for blackout in blackouts:
        if not overlaps(
            change.planned_start,
            change.planned_end,
            blackout.starts_at,
            blackout.ends_at,
        ):
            continue
        covered = list(blackout.services.all())
        if not covered:
            clashes.append(Conflict(blackout=blackout, everywhere=True))
            continue
        shared = tuple(s for s in covered if s.pk in services)
        if shared:
            clashes.append(Conflict(blackout=blackout, services=shared))
    return clashes
