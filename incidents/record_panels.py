"""What the incidents app shows on the organisation and configuration-item pages
(servicedesk/records.py names the slots), registered from IncidentsConfig.ready():

- the organisation page: its open tickets (status, priority, SLA as in the queues) and
  those resolved in the last 30 days, each list capped with a link to the whole list
  (incidents.views.queues.organisation_tickets); in its SLA section, for desk managers,
  the link to last month's customer SLA report;
- the configuration-item page: its tickets, open ones first, then the others newest first.

Staff only. Each list is two queries whatever its length (its first rows and a capped
count), plus three for the SLA calendars of the open tickets."""

from typing import Any

from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString

from incidents import queues, sla
from incidents.models import OPEN_STATUSES, Incident, IncidentQuerySet
from incidents.sla_report.views import last_month
from servicedesk.models import ConfigurationItem, Organisation
from servicedesk.pagination import Tab, capped_count
from servicedesk.panels import register_panel
from servicedesk.records import (
    CONFIGURATION_ITEM_SLOT,
    ORGANISATION_SLA_SLOT,
    ORGANISATION_SLOT,
)
from servicedesk.roles import is_desk_manager, is_staff_member

#: Rows of each list shown on the pages; the link leads to the rest.
SHOWN = 10


def register() -> None:
    from incidents.views.links import SLOT as TICKET_SLOT
    from incidents.views.links import links_panel
    from incidents.views.monitoring_panel import monitoring_panel

    register_panel(TICKET_SLOT, monitoring_panel, weight=5)
    register_panel(TICKET_SLOT, links_panel, weight=30)
    register_panel(ORGANISATION_SLOT, organisation_panel, weight=10)
    register_panel(ORGANISATION_SLA_SLOT, sla_report_link, weight=10)
    register_panel(CONFIGURATION_ITEM_SLOT, configuration_item_panel, weight=10)


def first_rows(tickets: IncidentQuerySet) -> tuple[list[Incident], Tab]:
    """The first SHOWN rows in the queryset's order and how many there are (capped):
    two queries, however many there are."""
    rows = tickets.for_list().defer("description", "form_answers")[:SHOWN]
    return list(rows), capped_count(tickets)


def organisation_panel(request: HttpRequest, organisation: Organisation) -> SafeString | str:
    if not is_staff_member(request.user):
        return ""
    now = timezone.now()
    tickets = queues.organisation_tickets(organisation.pk)
    open_rows, open_count = first_rows(queues.record_open(tickets).order_by("priority", "id"))
    recent_rows, recent_count = first_rows(
        queues.record_recent(tickets, now).order_by("-resolved_at", "-id")
    )
    sla.annotate_countdowns(open_rows, now)
    list_url = reverse("incidents:organisation_tickets", args=[organisation.pk])
    context: dict[str, Any] = {
        "organisation": organisation,
        "open_rows": open_rows,
        "open_count": open_count,
        "recent_rows": recent_rows,
        "recent_count": recent_count,
        "recent_days": queues.RECENT_DAYS,
        "open_url": f"{list_url}?list=open",
        "recent_url": f"{list_url}?list=recent",
        "now": now,
    }
    return render_to_string("incidents/_organisation_panel.html", context, request=request)


def sla_report_link(request: HttpRequest, organisation: Organisation) -> SafeString | str:
    """Desk managers: last month's customer SLA report of the organisation."""
    if not is_desk_manager(request.user):
        return ""
    month = last_month(timezone.localdate())
    context = {
        "url": reverse(
            "dashboard:report",
            kwargs={"contract": organisation.contract_number, "month": month},
        ),
        "month": month,
    }
    return render_to_string("incidents/_organisation_sla_report.html", context, request=request)


def configuration_item_panel(request: HttpRequest, item: ConfigurationItem) -> SafeString | str:
    if not is_staff_member(request.user):
        return ""
    now = timezone.now()
    open_first = Case(
        When(status__in=OPEN_STATUSES, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    tickets = queues.configuration_item_tickets(item.pk)
    rows, count = first_rows(
        tickets.annotate(open_first=open_first).order_by("open_first", "-registered_at", "-id")
    )
    sla.annotate_countdowns([row for row in rows if row.is_open], now)
    context = {
        "item": item,
        "rows": rows,
        "count": count,
        "list_url": reverse("incidents:configuration_item_tickets", args=[item.pk]),
        "now": now,
    }
    return render_to_string("incidents/_configuration_item_panel.html", context, request=request)
