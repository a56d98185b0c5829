"""The staff queues: which tickets each workspace shows and their tabs' counts, paged by
servicedesk.pagination. Every queue sorts by (priority, id) so an index serves both the
filter and the order, and no page counts the whole ticket table."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, FilteredRelation, OuterRef, Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents import queue_rows
from incidents.models import (
    OPEN_STATUSES,
    SLA_AT_RISK,
    SLA_BREACHED,
    Incident,
    IncidentQuerySet,
    Status,
)
from incidents.rules import member_group_ids
from servicedesk.models import Line, Priority, Specialisation, SupportGroup
from servicedesk.pagination import CappedCount, Page, Tab, capped_count, counted, keyset_page


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


def sla_by_group() -> list[GroupFigures]:
    """Per support group: tickets at risk and breached, each count capped (read from the
    partial indexes of what the sweep marked, so the cost is bounded by the number of
    groups, not by the backlog). Three queries: the groups, then the unassigned tickets."""

    def capped(condition: Q) -> CappedCount:
        return CappedCount(Incident.objects.filter(condition, support_group=OuterRef("pk")))

    groups = SupportGroup.objects.annotate(
        n_at_risk=capped(SLA_AT_RISK), n_breached=capped(SLA_BREACHED)
    ).values_list("name", "n_at_risk", "n_breached")
    figures = [GroupFigures(name, counted(risk), counted(late)) for name, risk, late in groups]
    unassigned = GroupFigures(
        _("(not assigned)"),
        capped_count(at_risk_tickets().filter(support_group__isnull=True)),
        capped_count(breached_tickets().filter(support_group__isnull=True)),
    )
    figures.append(unassigned)
    figures = [f for f in figures if f.at_risk.count or f.breached.count]
    figures.sort(key=lambda f: (-f.breached.count, -f.at_risk.count, str(f.name)))
    return figures


def status_tabs(tickets: QuerySet[Incident], statuses) -> list[Tab]:
    """One aggregate query: how many tickets of the queue are in each status."""
    counts = dict(
        tickets.order_by().values_list("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return [Tab(key=s, label=Status(s).label, count=counts.get(s, 0)) for s in statuses]


def priority_tabs(tickets: QuerySet[Incident]) -> list[Tab]:
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
    return [
        Tab(key=r["specialisation"], label=Specialisation(r["specialisation"]).label, count=r["n"])
        for r in rows
    ]


#: The queues' sorts: the column each sorts by (then by id).
SORTS = {"priority": "priority", "due": "resolution_due_at"}


def page(tickets: QuerySet[Incident], cursor: str | None, sort: str = "priority") -> Page[Incident]:
    """Keyset pagination, by priority or by time left: one query whatever the page, then
    only the page's rows are joined to what a row shows. Sorting by time left shows the
    tickets whose resolution clock is running."""
    if sort == "due":
        tickets = tickets.filter(resolution_due_at__isnull=False)
    column = SORTS.get(sort, SORTS["priority"])
    return keyset_page(tickets, cursor, column, shown=queue_rows.shown())


# ----- an organisation's and a configuration item's tickets ------------------------------

#: How far back "recently resolved" reaches on the organisation page and its list.
RECENT_DAYS = 30


def recently_resolved_since(now: datetime) -> datetime:
    return now - timedelta(days=RECENT_DAYS)


def record_open(tickets: IncidentQuerySet) -> IncidentQuerySet:
    return tickets.filter(status__in=OPEN_STATUSES)


def record_recent(tickets: IncidentQuerySet, now: datetime) -> IncidentQuerySet:
    """Completed or closed, resolved in the last RECENT_DAYS days."""
    return tickets.filter(
        status__in=[Status.COMPLETED, Status.CLOSED],
        resolved_at__gte=recently_resolved_since(now),
    )


def organisation_tickets(organisation_id: int) -> IncidentQuerySet:
    return Incident.objects.filter(organisation_id=organisation_id)


def configuration_item_tickets(item_id: int) -> IncidentQuerySet:
    return Incident.objects.filter(configuration_item_id=item_id)
