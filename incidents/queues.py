"""The staff queues: which tickets each workspace shows, their counts, and keyset
pagination. Every queue sorts by (priority, id) so an index serves both the filter
and the order, and no page counts the whole ticket table."""

from dataclasses import dataclass, field

from django.db.models import Count, FilteredRelation, Q, QuerySet
from django.utils.functional import Promise

from incidents.models import OPEN_STATUSES, Incident, Status
from incidents.rules import member_group_ids
from servicedesk.models import Line, SupportGroup

PAGE_SIZE = 50
#: Counts above this are shown as "1,000+" so no page scans an unbounded set.
COUNT_CAP = 1000


@dataclass
class Tab:
    key: str
    label: str | Promise
    count: int
    capped: bool = False


@dataclass
class QueuePage:
    rows: list[Incident]
    next_cursor: str | None
    tabs: list[Tab] = field(default_factory=list)
    active_tab: str = ""


def triage_tickets() -> QuerySet[Incident]:
    """L1 triage: everything registered and not yet classified, all organisations."""
    return Incident.objects.filter(status=Status.REGISTERED)


def line_tickets(user, line: str) -> QuerySet[Incident]:
    """Open tickets in the user's support groups of one line."""
    # A literal id list, not a subquery: the planner estimates it well (see benchmark_queues).
    groups = list(
        SupportGroup.objects.filter(line=line, pk__in=member_group_ids(user)).values_list(
            "pk", flat=True
        )
    )
    return Incident.objects.filter(support_group_id__in=groups, status__in=OPEN_STATUSES)


def my_tickets(user) -> QuerySet[Incident]:
    return Incident.objects.filter(assignee=user, status__in=OPEN_STATUSES)


def open_tickets() -> QuerySet[Incident]:
    return Incident.objects.filter(status__in=OPEN_STATUSES)


def status_tabs(tickets: QuerySet[Incident], statuses) -> list[Tab]:
    """One aggregate query: how many tickets of the queue are in each status."""
    counts = dict(
        tickets.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [Tab(key=s, label=Status(s).label, count=counts.get(s, 0)) for s in statuses]


def priority_tabs(tickets: QuerySet[Incident]) -> list[Tab]:
    from servicedesk.models import Priority

    counts = dict(
        tickets.order_by()
        .values_list("priority")
        .annotate(n=Count("id"))
        .values_list("priority", "n")
    )
    return [Tab(key=str(p.value), label=p.label, count=counts.get(p.value, 0)) for p in Priority]


def specialisation_tabs(user) -> list[Tab]:
    """L3 works by specialisation: one tab per specialisation of the user's L3 groups."""
    rows = (
        SupportGroup.objects.filter(line=Line.L3, pk__in=member_group_ids(user))
        # The status test joins through the (group, status, …) index instead of
        # counting every ticket the groups ever had.
        .annotate(
            open_incidents=FilteredRelation(
                "incidents", condition=Q(incidents__status__in=OPEN_STATUSES)
            )
        )
        .values("specialisation")
        .annotate(n=Count("open_incidents"))
        .order_by("specialisation")
    )
    from servicedesk.models import Specialisation

    return [
        Tab(key=r["specialisation"], label=Specialisation(r["specialisation"]).label, count=r["n"])
        for r in rows
    ]


def capped_count(tickets: QuerySet[Incident]) -> Tab:
    n = tickets.order_by().values("id")[: COUNT_CAP + 1].count()
    return Tab(key="", label="", count=min(n, COUNT_CAP), capped=n > COUNT_CAP)


def page(tickets: QuerySet[Incident], cursor: str | None) -> tuple[list[Incident], str | None]:
    """Keyset pagination over (priority, id): one query whatever the page.

    The ids are chosen first from the index alone, then only those rows are joined
    to what a row shows; joining before the LIMIT would join every open ticket."""
    ids = tickets.order_by("priority", "id")
    after = _parse_cursor(cursor)
    if after is not None:
        priority, pk = after
        ids = ids.filter(Q(priority__gt=priority) | Q(priority=priority, id__gt=pk)).filter(
            priority__gte=priority
        )
    rows = list(
        Incident.objects.for_list()
        .filter(id__in=ids.values("id")[: PAGE_SIZE + 1])
        .order_by("priority", "id")
    )
    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    last = rows[-1]
    return rows, f"{last.priority}-{last.pk}"


def _parse_cursor(cursor: str | None) -> tuple[int, int] | None:
    if not cursor:
        return None
    try:
        priority, pk = (int(part) for part in cursor.split("-", 1))
    except ValueError:
        return None
    return priority, pk
