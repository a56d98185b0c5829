"""The support lines' workspaces: triage, the L2 and L3 queues, my work, all open."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from incidents import queue_rows, queues
from incidents.models import OPEN_STATUSES, IncidentQuerySet, Status
from servicedesk.access import agent_required, staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import ConfigurationItem, Line, Organisation
from servicedesk.pagination import capped_count

LINE_STATUSES = [s for s in OPEN_STATUSES if s != Status.REGISTERED]


def _render_queue(
    request,
    *,
    title,
    tickets,
    tabs,
    active_tab,
    empty,
    url_name,
    tab_param="status",
    template="incidents/queue.html",
    extra=None,
    queue_url=None,
):
    sort = request.GET.get("sort", "priority")
    if sort not in queues.SORTS:
        sort = "priority"
    found = queues.page(tickets, request.GET.get("after"), sort)
    now = timezone.now()
    queue_rows.prepare_rows(found.rows, now)
    context = {
        "sort": sort,
        "now": now,
        "title": title,
        "rows": found.rows,
        "next_cursor": found.next_cursor,
        "tabs": tabs,
        "active_tab": active_tab,
        "tab_param": tab_param,
        "empty_message": empty,
        "queue_url": queue_url or reverse(url_name),
        **(extra or {}),
    }
    if request.htmx and request.GET.get("after"):
        return render(request, "incidents/queue.html#more_rows", context)
    if request.htmx and request.htmx.target == "queue":
        return render(request, "incidents/queue.html#queue", context)
    return render(request, template, context)


def _by_status(request: AuthenticatedHttpRequest, tickets, statuses):
    """Narrow a queue to one status tab (?status=…) and count every tab."""
    tabs = queues.status_tabs(tickets, statuses)
    active = request.GET.get("status", "")
    if active in statuses:
        tickets = tickets.filter(status=active)
    else:
        active = ""
    return tickets, tabs, active


@require_GET
@agent_required
def triage(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets = queues.triage_tickets()
    tabs = queues.priority_tabs(tickets)
    active = request.GET.get("priority", "")
    if active in {t.key for t in tabs}:
        tickets = tickets.filter(priority=int(active))
    else:
        active = ""
    return _render_queue(
        request,
        title=_("L1 triage"),
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("Nothing waiting for triage."),
        url_name="incidents:triage",
        tab_param="priority",
    )


@require_GET
@agent_required
def queue_l2(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets, tabs, active = _by_status(
        request, queues.line_tickets(request.user, Line.L2), LINE_STATUSES
    )
    return _render_queue(
        request,
        title=_("L2 queue"),
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("No open tickets in your L2 groups."),
        url_name="incidents:queue_l2",
    )


@require_GET
@agent_required
def queue_l3(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets = queues.line_tickets(request.user, Line.L3)
    tabs = queues.specialisation_tabs(request.user)
    active = request.GET.get("specialisation", "")
    if active in {t.key for t in tabs}:
        tickets = tickets.filter(support_group__specialisation=active)
    else:
        active = ""
    return _render_queue(
        request,
        title=_("L3 queue"),
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("No open tickets for your specialisations."),
        url_name="incidents:queue_l3",
        tab_param="specialisation",
    )


@require_GET
@agent_required
def mine(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets, tabs, active = _by_status(request, queues.my_tickets(request.user), LINE_STATUSES)
    return _render_queue(
        request,
        title=_("My work"),
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("Nothing assigned to you."),
        url_name="incidents:mine",
    )


@require_GET
@staff_required
def overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    tickets, tabs, active = _by_status(request, queues.open_tickets(), OPEN_STATUSES)
    return _render_queue(
        request,
        title=_("All open tickets"),
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("No open tickets."),
        url_name="incidents:overview",
    )


@require_GET
@staff_required
def sla_dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The service desk manager's view of SLA risk: what is breached, what is about to.
    Reads only what the sweep marked (small partial indexes), so its cost stays flat as
    the backlog grows; counts above the cap show as "1,000+"."""
    at_risk, breached = queues.at_risk_tickets(), queues.breached_tickets()
    groups = queues.sla_by_group()
    tabs = [
        capped_count(at_risk, key="at_risk", label=_("At risk")),
        capped_count(breached, key="breached", label=_("Breached")),
    ]
    active = request.GET.get("view", "at_risk")
    if active not in {"at_risk", "breached"}:
        active = "at_risk"
    widest = max((max(g.at_risk.count, g.breached.count) for g in groups), default=1)
    return _render_queue(
        request,
        title=_("SLA"),
        tickets=at_risk if active == "at_risk" else breached,
        tabs=tabs,
        active_tab=active,
        empty=_("Nothing here: every clock is on track."),
        url_name="incidents:sla",
        tab_param="view",
        template="incidents/sla_dashboard.html",
        extra={"groups": groups, "widest": widest or 1},
    )


def _record_tickets(
    request: AuthenticatedHttpRequest, tickets: IncidentQuerySet, *, title, queue_url: str
) -> HttpResponse:
    """A record's tickets as a queue: all of them, or the open ones, or those resolved in
    the last RECENT_DAYS days (?list=open|recent); sorted and paged like the queues."""
    now = timezone.now()
    lists: dict[str, IncidentQuerySet] = {
        "open": queues.record_open(tickets),
        "recent": queues.record_recent(tickets, now),
    }
    labels: dict[str, str | Promise] = {
        "open": _("Open"),
        "recent": _("Resolved in the last %(days)d days") % {"days": queues.RECENT_DAYS},
    }
    tabs = [capped_count(rows, key=key, label=labels[key]) for key, rows in lists.items()]
    active = request.GET.get("list", "")
    if active in lists:
        tickets = lists[active]
    else:
        active = ""
    return _render_queue(
        request,
        title=title,
        tickets=tickets,
        tabs=tabs,
        active_tab=active,
        empty=_("No tickets."),
        url_name="",
        queue_url=queue_url,
        tab_param="list",
    )


@require_GET
@staff_required
def organisation_tickets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The organisation page's "all open tickets" and "all resolved" links."""
    organisation = get_object_or_404(Organisation, pk=pk)
    return _record_tickets(
        request,
        queues.organisation_tickets(organisation.pk),
        title=_("Tickets of %(organisation)s") % {"organisation": organisation.name},
        queue_url=reverse("incidents:organisation_tickets", args=[organisation.pk]),
    )


@require_GET
@staff_required
def configuration_item_tickets(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The configuration-item page's "all tickets" link."""
    item = get_object_or_404(ConfigurationItem, pk=pk)
    return _record_tickets(
        request,
        queues.configuration_item_tickets(item.pk),
        title=_("Tickets on %(item)s") % {"item": item.name},
        queue_url=reverse("incidents:configuration_item_tickets", args=[item.pk]),
    )
