"""The staff queues: which tickets each workspace shows, their counts, and keyset
pagination. Every queue sorts by (priority, id) so an index serves both the filter
and the order, and no page counts the whole ticket table."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import cast

from django.db.models import Count, FilteredRelation, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents.models import OPEN_STATUSES, SLA_AT_RISK, SLA_BREACHED, Incident, Status
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

    @property
    def shown(self) -> str:
        """'1,000+' for a capped count, else the count ('1,234' grouped by locale)."""
        text = number_format(self.count, force_grouping=True)
        return f"{text}+" if self.capped else text


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


def at_risk_tickets() -> QuerySet[Incident]:
    """Open tickets the sweep found past a warning threshold, not breached (a partial
    index holds exactly these)."""
    return Incident.objects.filter(SLA_AT_RISK)


def breached_tickets() -> QuerySet[Incident]:
    return Incident.objects.filter(SLA_BREACHED)


@dataclass
class GroupFigures:
    name: str | Promise
    at_risk: Tab
    breached: Tab


class _CappedCount(Subquery):
    """How many rows a (sliced) subquery returns: COUNT(*) over at most its LIMIT."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()


def sla_by_group() -> list[GroupFigures]:
    """Per support group: tickets at risk and breached, each count capped at COUNT_CAP
    (read from the partial indexes of what the sweep marked, so the cost is bounded by
    the number of groups, not by the backlog). Two queries."""

    def capped(condition: Q) -> _CappedCount:
        rows = Incident.objects.filter(condition, support_group=OuterRef("pk"))
        return _CappedCount(rows.order_by().values("id")[: COUNT_CAP + 1])

    groups = SupportGroup.objects.annotate(
        n_at_risk=capped(SLA_AT_RISK), n_breached=capped(SLA_BREACHED)
    ).values_list("name", "n_at_risk", "n_breached")
    figures = [
        GroupFigures(name, _tab(at_risk), _tab(breached)) for name, at_risk, breached in groups
    ]
    unassigned = GroupFigures(
        _("(not assigned)"),
        capped_count(at_risk_tickets().filter(support_group__isnull=True)),
        capped_count(breached_tickets().filter(support_group__isnull=True)),
    )
    figures.append(unassigned)
    figures = [f for f in figures if f.at_risk.count or f.breached.count]
    figures.sort(key=lambda f: (-f.breached.count, -f.at_risk.count, str(f.name)))
    return figures


def _tab(n: int | None) -> Tab:
    n = n or 0
    return Tab(key="", label="", count=min(n, COUNT_CAP), capped=n > COUNT_CAP)


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
    return _tab(tickets.order_by().values("id")[: COUNT_CAP + 1].count())


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
        due = cast(datetime, row.resolution_due_at)  # the due sort lists only tickets with one
        return f"{int(due.timestamp() * 1_000_000)}-{row.pk}"
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
