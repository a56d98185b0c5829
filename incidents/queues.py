"""The staff queues: which tickets each workspace shows, their counts, and keyset
pagination. Every queue sorts by (priority, id) so an index serves both the filter
and the order, and no page counts the whole ticket table."""

from dataclasses import dataclass, field
from datetime import UTC, datetime

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


def at_risk_tickets(now) -> QuerySet[Incident]:
    """Open tickets past their warning threshold and not yet breached."""
    return open_tickets().filter(
        Q(resolution_warn_at__lte=now, resolution_breached=False)
        | Q(response_warn_at__lte=now, response_breached=False)
    )


def breached_tickets() -> QuerySet[Incident]:
    return open_tickets().filter(Q(resolution_breached=True) | Q(response_breached=True))


def sla_by_group(now) -> list[dict]:
    """Per support group: open, at risk and breached tickets, in one aggregate query."""
    risk = Q(resolution_warn_at__lte=now, resolution_breached=False) | Q(
        response_warn_at__lte=now, response_breached=False
    )
    breach = Q(resolution_breached=True) | Q(response_breached=True)
    rows = (
        open_tickets()
        .values("support_group__name")
        .annotate(
            total=Count("id"),
            at_risk=Count("id", filter=risk & ~breach),
            breached=Count("id", filter=breach),
        )
        .order_by("-breached", "-at_risk", "support_group__name")
    )
    return list(rows)


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


SORTS = {"priority": ("priority", "id"), "due": ("resolution_due_at", "id")}


def page(
    tickets: QuerySet[Incident], cursor: str | None, sort: str = "priority"
) -> tuple[list[Incident], str | None]:
    """Keyset pagination, by priority or by time left: one query whatever the page.

    The ids are chosen first from the index alone, then only those rows are joined
    to what a row shows; joining before the LIMIT would join every open ticket.
    Sorting by time left shows the tickets whose resolution clock is running."""
    key, tiebreak = SORTS.get(sort, SORTS["priority"])
    if sort == "due":
        tickets = tickets.filter(resolution_due_at__isnull=False)
    ids = tickets.order_by(key, tiebreak)
    after = _parse_cursor(cursor, sort)
    if after is not None:
        value, pk = after
        ids = ids.filter(Q(**{f"{key}__gt": value}) | Q(**{key: value, "id__gt": pk})).filter(
            **{f"{key}__gte": value}
        )
    rows = list(
        Incident.objects.for_list()
        .filter(id__in=ids.values("id")[: PAGE_SIZE + 1])
        .order_by(key, tiebreak)
    )
    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    return rows, _cursor_after(rows[-1], sort)


def _cursor_after(row: Incident, sort: str) -> str:
    if sort == "due":
        return f"{int(row.resolution_due_at.timestamp() * 1_000_000)}-{row.pk}"
    return f"{row.priority}-{row.pk}"


def _parse_cursor(cursor: str | None, sort: str):
    if not cursor:
        return None
    try:
        value, pk = (int(part) for part in cursor.split("-", 1))
    except ValueError:
        return None
    if sort == "due":
        try:
            return datetime.fromtimestamp(value / 1_000_000, tz=UTC), pk
        except (OverflowError, OSError, ValueError):
            return None
    return value, pk
