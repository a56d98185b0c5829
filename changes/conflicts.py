"""Conflicts a change's window runs into, found before the CAB approves it: another
planned change whose window overlaps on the same service or configuration item, or a
blackout period on one of its services (or on all services).

Windows are half-open, [start, end): a change that ends at 02:00 and one that starts at
02:00 do not overlap. Times are compared as stored (UTC), so windows typed in different
time zones compare correctly."""

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

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
    index = _Index(others)
    covered = [(blackout, tuple(blackout.services.all())) for blackout in blackouts]
    found: dict[int, list[Conflict]] = {}
    for change in planned:
        mine = by_pk.get(change.pk) or _with_links(change)
        found[change.pk] = [
            *_clashing_changes(mine, index),
            *_clashing_blackouts(mine, covered, index),
        ]
    return found


def clashing(changes: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    """Those of `changes` (planned, with a window) that conflicts_by_change finds a
    conflict for, chosen in SQL so a list of them can be paged and counted: an EXISTS per
    kind of conflict (an overlapping planned change on a shared service, on a shared
    configuration item; a blackout on every service or on a shared one)."""
    overlapping = ChangeRequest.objects.filter(
        status__in=PLANNED_STATUSES,
        planned_start__lt=OuterRef("planned_end"),
        planned_end__gt=OuterRef("planned_start"),
    ).exclude(pk=OuterRef("pk"))
    services = ChangeRequest.services.through.objects.filter(
        changerequest_id=OuterRef(OuterRef("pk"))
    ).values("service_id")
    items = ChangeRequest.configuration_items.through.objects.filter(
        changerequest_id=OuterRef(OuterRef("pk"))
    ).values("configurationitem_id")
    blackouts = BlackoutPeriod.objects.filter(
        starts_at__lt=OuterRef("planned_end"), ends_at__gt=OuterRef("planned_start")
    )
    return changes.filter(
        Exists(overlapping.filter(services__in=services))
        | Exists(overlapping.filter(configuration_items__in=items))
        | Exists(blackouts.filter(services__isnull=True))
        | Exists(blackouts.filter(services__in=services))
    )


def _with_links(change: ChangeRequest) -> ChangeRequest:
    """A change outside the planned states (a draft) still has its own links read."""
    return (
        ChangeRequest.objects.filter(pk=change.pk)
        .prefetch_related("services", "configuration_items")
        .get()
    )


@dataclass
class _Bucket:
    """The other changes on one service or configuration item, by window start."""

    starts: list[datetime] = field(default_factory=list)
    rows: list[tuple[int, ChangeRequest]] = field(default_factory=list)
    longest: timedelta = timedelta(0)


class _Index:
    """The other changes by the services and configuration items they touch, each set
    sorted by window start, so a change is compared only with those that share one and
    start less than the longest window of them before it (not with every other: a
    calendar's changes would cost the square of their number). Each change's links are
    read from its prefetched lists once."""

    def __init__(self, others: list[ChangeRequest]) -> None:
        self._links: dict[int, tuple[tuple[Service, ...], tuple[ConfigurationItem, ...]]] = {}
        found: dict[tuple[str, int], list[tuple[int, ChangeRequest]]] = {}
        for n, other in enumerate(others):
            if other.planned_start is None or other.planned_end is None:
                continue  # it overlaps nothing
            services, items = self.links(other)
            for service in services:
                found.setdefault(("service", service.pk), []).append((n, other))
            for item in items:
                found.setdefault(("item", item.pk), []).append((n, other))
        self.buckets: dict[tuple[str, int], _Bucket] = {}
        for key, rows in found.items():
            rows.sort(key=lambda row: row[1].planned_start)  # type: ignore[arg-type,return-value]
            self.buckets[key] = _Bucket(
                starts=[other.planned_start for _n, other in rows],  # type: ignore[misc]
                rows=rows,
                longest=max(
                    timedelta(0),
                    *(other.planned_end - other.planned_start for _n, other in rows),  # type: ignore[operator]
                ),
            )

    def links(
        self, change: ChangeRequest
    ) -> tuple[tuple[Service, ...], tuple[ConfigurationItem, ...]]:
        """The change's services and configuration items (a related manager costs more
        to make than its prefetched list does to read)."""
        found = self._links.get(change.pk)
        if found is None:
            found = (tuple(change.services.all()), tuple(change.configuration_items.all()))
            self._links[change.pk] = found
        return found

    def overlapping(
        self, change: ChangeRequest, services: Iterable[int], items: Iterable[int]
    ) -> list[ChangeRequest]:
        """The others on any of these services or items whose window overlaps the
        change's, in the order they were read."""
        start, end = change.planned_start, change.planned_end
        if start is None or end is None:
            return []
        keys = [("service", pk) for pk in services] + [("item", pk) for pk in items]
        found: dict[int, ChangeRequest] = {}
        for key in keys:
            bucket = self.buckets.get(key)
            if bucket is None:
                continue
            # An overlapping window starts before the change ends, and after the change
            # starts less the longest window here (else it ended before the change began).
            first = bisect_right(bucket.starts, start - bucket.longest)
            last = bisect_left(bucket.starts, end)
            for n, other in bucket.rows[first:last]:
                if other.pk != change.pk and overlaps(
                    start, end, other.planned_start, other.planned_end
                ):
                    found[n] = other
        return [found[n] for n in sorted(found)]


def _clashing_changes(change: ChangeRequest, index: _Index) -> list[Conflict]:
    my_services, my_items = index.links(change)
    services = {s.pk for s in my_services}
    cis = {ci.pk for ci in my_items}
    clashes = []
    for other in index.overlapping(change, services, cis):
        their_services, their_items = index.links(other)
        clashes.append(
            Conflict(
                change=other,
                services=tuple(s for s in their_services if s.pk in services),
                configuration_items=tuple(ci for ci in their_items if ci.pk in cis),
            )
        )
    return clashes


def _clashing_blackouts(
    change: ChangeRequest,
    blackouts: list[tuple[BlackoutPeriod, tuple[Service, ...]]],
    index: _Index,
) -> list[Conflict]:
    services = {s.pk for s in index.links(change)[0]}
    clashes = []
    for blackout, covered in blackouts:
        if not overlaps(
            change.planned_start,
            change.planned_end,
            blackout.starts_at,
            blackout.ends_at,
        ):
            continue
        if not covered:
            clashes.append(Conflict(blackout=blackout, everywhere=True))
            continue
        shared = tuple(s for s in covered if s.pk in services)
        if shared:
            clashes.append(Conflict(blackout=blackout, services=shared))
    return clashes
