"""The ticket page's "Monitoring" panel (slot incidents.ticket): for a ticket raised by
monitoring, each alert (or group) that counts on it — source, state, occurrences, when
every alert of the group resolved — and the alerts of the group with their links.
Staff only; nothing (and no query) for tickets from other channels; two queries else."""

from django.db.models import Count, Prefetch
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from incidents.models import Channel, Incident, MonitoringAlert, MonitoringAlertInstance
from servicedesk.roles import is_staff_member

#: Alerts of a group listed on the page; the admin lists all of them.
SHOWN_INSTANCES = 30


def monitoring_panel(request: HttpRequest, incident: Incident) -> SafeString | str:
    if incident.channel != Channel.MONITORING or not is_staff_member(request.user):
        return ""
    # Firing alerts first ("firing" sorts before "resolved").
    instances = MonitoringAlertInstance.objects.order_by("status", "first_seen_at", "pk")
    alerts = list(
        MonitoringAlert.objects.filter(incident=incident)
        .select_related("alert_source")
        .annotate(instance_count=Count("instances"))
        .prefetch_related(
            Prefetch("instances", queryset=instances[:SHOWN_INSTANCES], to_attr="shown_instances")
        )
        .order_by("first_seen_at", "pk")
    )
    if not alerts:
        return ""
    return render_to_string(
        "incidents/_monitoring_panel.html",
        {"incident": incident, "alerts": alerts, "shown": SHOWN_INSTANCES},
        request=request,
    )
