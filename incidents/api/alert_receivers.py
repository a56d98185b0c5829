"""Receivers for what monitoring systems send as they are, nothing to deploy between:

- POST /api/v1/alerts/alertmanager — Prometheus Alertmanager's webhook (version 4);
- POST /api/v1/alerts/grafana — Grafana's "Webhook" contact point;
- POST /api/v1/alerts/zabbix — the desk's Zabbix media type
  (incidents/integrations/zabbix_media_type.yaml).

Each maps its system's payload onto the monitoring service (incidents/api/alert_mapping.py)
and answers like POST /api/v1/alerts: the same token (bearer, or the password of basic
auth), rate limit, isolation and delivery log."""

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Router, Status

from incidents.api import alert_mapping
from incidents.api.alert_schemas import AlertGroupOut, AlertmanagerIn, GrafanaIn, ZabbixEventIn
from incidents.api.alerts import receive
from incidents.api.auth import AlertSourceAuth, AlertSourceBasicAuth
from incidents.api.delivery_log import logged
from incidents.intake import monitoring
from incidents.models import AlertEndpoint, AlertSource
from servicedesk.api import ErrorOut

router = Router(tags=["monitoring"], auth=[AlertSourceAuth(), AlertSourceBasicAuth()])

RESPONSES: dict[int, type] = {
    200: AlertGroupOut,
    201: AlertGroupOut,
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    413: ErrorOut,
    429: ErrorOut,
}


@router.post("/alerts/alertmanager", response=RESPONSES, summary="Receive an Alertmanager webhook")
@logged(AlertEndpoint.ALERTMANAGER)
def post_alertmanager(request: HttpRequest, payload: AlertmanagerIn):
    """Alertmanager's `webhook_configs` body, unchanged. One group (`groupKey`) is one
    incident (201 when opened, 200 after); each of its alerts (by `fingerprint`) is
    listed on it and counts an occurrence each time it is reported firing; when every
    alert of the group has resolved, the incident says so in a work note."""
    source = _source(request)
    alert = alert_mapping.alertmanager_alert(payload, default_severity=source.default_severity)
    return _answer(source, alert)


@router.post("/alerts/grafana", response=RESPONSES, summary="Receive a Grafana webhook")
@logged(AlertEndpoint.GRAFANA)
def post_grafana(request: HttpRequest, payload: GrafanaIn):
    """Grafana's "Webhook" contact point body, unchanged; as for Alertmanager. The
    contact point's "Test" notification opens nothing (200, `ignored`)."""
    source = _source(request)
    if alert_mapping.is_grafana_test(payload):
        return _ignored(payload.status, _("Grafana's test notification: received, nothing opened."))
    alert = alert_mapping.grafana_alert(payload, default_severity=source.default_severity)
    return _answer(source, alert)


@router.post("/alerts/zabbix", response=RESPONSES, summary="Receive a Zabbix event")
@logged(AlertEndpoint.ZABBIX)
def post_zabbix(request: HttpRequest, payload: ZabbixEventIn):
    """What the desk's Zabbix media type posts. A trigger's problems are one incident
    while it is open; each problem event (`event_id`) is listed on it, and its recovery
    (`event_value` 0, the same `event_id`) resolves it. Updates (acknowledgements,
    comments: `event_update_status` 1) change nothing (200, `ignored`)."""
    source = _source(request)
    if payload.event_update_status == 1:
        status = "firing" if payload.event_value == 1 else "resolved"
        return _ignored(status, _("A Zabbix update (acknowledgement, comment) changes nothing."))
    alert = alert_mapping.zabbix_alert(payload, default_severity=source.default_severity)
    return _answer(source, alert)


def _source(request: HttpRequest) -> AlertSource:
    source = getattr(request, "auth", None)
    assert isinstance(source, AlertSource)  # the router's authentication set it
    return source


def _answer(source: AlertSource, alert: monitoring.Alert) -> Status:
    result = receive(source, alert)
    row = result.alert
    sent = [instance.fingerprint for instance in alert.instances]
    instances = list(row.instances.filter(fingerprint__in=sent)) if row is not None else []
    order = {fingerprint: position for position, fingerprint in enumerate(sent)}
    instances.sort(key=lambda instance: order[instance.fingerprint])
    body = {
        "action": str(result.outcome),
        "incident": result.incident.number if result.incident else None,
        "occurrences": row.occurrences if row else 0,
        "status": row.status
        if row and result.outcome != monitoring.Outcome.IGNORED
        else alert.status,
        "warnings": list(result.warnings),
        "alerts": [
            {"fingerprint": i.fingerprint, "status": i.status, "occurrences": i.occurrences}
            for i in instances
        ],
    }
    return Status(201 if result.outcome == monitoring.Outcome.CREATED else 200, body)


def _ignored(status: str, why: str) -> Status:
    body = {
        "action": str(monitoring.Outcome.IGNORED),
        "incident": None,
        "occurrences": 0,
        "status": status,
        "warnings": [why],
        "alerts": [],
    }
    return Status(200, body)
