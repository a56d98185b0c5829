"""Each monitoring system's payload as one alert of the monitoring service
(incidents/intake/monitoring.py): a group of instances, its summary, description,
severity, service and configuration item. Pure functions: nothing here reads or writes
the database.

Labels (Alertmanager, Grafana) and tags (Zabbix) the desk reads:

- `severity`: the alert's severity (critical, major/high/error, minor/average,
  warning/low, info; see monitoring.SEVERITY_NAMES); missing or unknown → the alert
  source's default severity (an unknown value is said in the warnings). A group takes
  the highest severity of its firing alerts. Zabbix: the trigger's severity.
- `service`: the catalogue service's name; unknown → said in the warnings and on the
  incident, and the source's default service is used.
- `configuration_item` (or `ci`): a configuration item's name; unknown → said likewise.
  Without them, `instance` (its host part: `db01:9100` → db01), `host`, `hostname` and
  `nodename` (Zabbix: the host's technical, then visible name) are tried quietly — they
  are on nearly every alert and usually name no item — when the whole group shares them.

`service`, `configuration_item` and `ci` are read from the group's common labels, else
from its first firing alert's."""

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from incidents.api.alert_schemas import (
    AlertmanagerAlert,
    AlertmanagerIn,
    GrafanaAlert,
    GrafanaIn,
    ZabbixEventIn,
)
from incidents.api.schemas import MAX_TEXT
from incidents.intake import monitoring
from incidents.intake.monitoring import Alert, Instance
from incidents.models import ALERT_LINK_LABELS, AlertStatus

#: Lengths the desk stores (MonitoringAlert.key, titles, names, label values).
MAX_KEY = 200
MAX_LINE = 200
MAX_LABEL_VALUE = 1000
MAX_LABELS = 100
#: Alerts a new incident's description lists (all of them are listed on the ticket page).
DESCRIBED_ALERTS = 20

ITEM_LABELS = ("configuration_item", "ci")
HINT_LABELS = ("instance", "host", "hostname", "nodename")

#: Zabbix {EVENT.NSEVERITY}: 0 not classified (→ the source's default) … 5 disaster.
ZABBIX_SEVERITIES = {
    1: monitoring.Severity.INFO,
    2: monitoring.Severity.WARNING,
    3: monitoring.Severity.MINOR,
    4: monitoring.Severity.MAJOR,
    5: monitoring.Severity.CRITICAL,
}


def cut(text: str, length: int) -> str:
    text = text.strip()
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def bounded_key(key: str) -> str:
    """A group key fits MonitoringAlert.key: a longer one keeps its start and a hash of
    the whole, so it still identifies the group."""
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f"{key[: MAX_KEY - 17]}#{digest}"


def _labels(values: Mapping[str, str]) -> dict[str, str]:
    return {
        cut(name, MAX_LINE): cut(value, MAX_LABEL_VALUE)
        for name, value in list(values.items())[:MAX_LABELS]
    }


def _links(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Only absolute http(s) addresses: anything else is never made a link."""
    return tuple(
        (label, url.strip())
        for label, url in pairs
        if re.match(r"https?://[^\s]+$", url.strip(), re.IGNORECASE) and len(url) <= 2000
    )


def _fingerprint(alert: AlertmanagerAlert) -> str:
    """Alertmanager's own, else a hash of the labels (what identifies an alert there)."""
    if alert.fingerprint.strip():
        return alert.fingerprint.strip()
    labels = "\n".join(f"{name}={value}" for name, value in sorted(alert.labels.items()))
    return hashlib.sha256(labels.encode()).hexdigest()[:16]


def _severity(label: str, default: str, warnings: list[str], *, named_by: str = "severity") -> str:
    if not label.strip():
        return default
    severity = monitoring.severity_named(label)
    if severity is None:
        warning = _("label %(label)s=%(value)s matched no severity; %(default)s used.") % {
            "label": named_by,
            "value": cut(label, MAX_LINE),
            "default": default,
        }
        if warning not in warnings:
            warnings.append(warning)
        return default
    return severity


def _highest(instances: Sequence[Instance], default: str) -> str:
    firing = [i.severity for i in instances if i.status == AlertStatus.FIRING]
    candidates = firing or [i.severity for i in instances] or [default]
    return min(candidates, key=monitoring.SEVERITY_ORDER.index)


def _host_part(value: str) -> str:
    """`db01:9100` → db01, `https://shop.example.com/health` → shop.example.com."""
    value = re.sub(r"^[a-z][a-z0-9+.-]*://", "", value.strip(), flags=re.IGNORECASE)
    value = value.split("/", 1)[0]
    if value.startswith("["):  # [2001:db8::1]:9100
        return value[1:].split("]", 1)[0]
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def _status(instances: Sequence[Instance]) -> str:
    firing = any(i.status == AlertStatus.FIRING for i in instances)
    return AlertStatus.FIRING if firing else AlertStatus.RESOLVED


def _first(*values: str) -> str:
    return next((value.strip() for value in values if value and value.strip()), "")


# ----- Alertmanager and Grafana ----------------------------------------------------------


def _instance(alert: AlertmanagerAlert, default: str, warnings: list[str]) -> Instance:
    labels = alert.labels
    name = labels.get("alertname", "")
    where = _first(*(labels.get(label, "") for label in HINT_LABELS))
    if where:
        name = f"{name} ({where})" if name else where
    links = [("source", alert.generatorURL)]
    annotations = _labels(alert.annotations)
    if isinstance(alert, GrafanaAlert):
        links = [
            ("rule", alert.generatorURL),
            ("dashboard", alert.dashboardURL),
            ("panel", alert.panelURL),
            ("silence", alert.silenceURL),
            ("image", alert.imageURL),
        ]
        values = _values_text(alert)
        if values:
            annotations["values"] = cut(values, MAX_LABEL_VALUE)
    return Instance(
        fingerprint=_fingerprint(alert),
        status=alert.status,
        severity=_severity(labels.get("severity", ""), default, warnings),
        name=cut(name, MAX_LINE),
        summary=cut(
            _first(alert.annotations.get("summary", ""), alert.annotations.get("message", "")),
            MAX_LINE,
        ),
        labels=_labels(labels),
        annotations=annotations,
        links=_links(links),
        starts_at=alert.startsAt,
        ends_at=alert.endsAt,
    )


def _values_text(alert: GrafanaAlert) -> str:
    if alert.values:
        return ", ".join(
            f"{name}={value:g}" if value is not None else f"{name}=—"
            for name, value in alert.values.items()
        )
    return alert.valueString.strip()


def _group_alert(
    *,
    system: str,
    payload: AlertmanagerIn | GrafanaIn,
    default_severity: str,
    summary: str,
    description: str,
    links: Sequence[tuple[str, str]],
) -> Alert:
    warnings: list[str] = []
    instances = tuple(_instance(alert, default_severity, warnings) for alert in payload.alerts)
    first = next((a for a in payload.alerts if a.status == AlertStatus.FIRING), payload.alerts[0])
    labels = {**first.labels, **payload.commonLabels}
    service_label = "service" if labels.get("service", "").strip() else ""
    item_label = next((name for name in ITEM_LABELS if labels.get(name, "").strip()), "")
    if len(instances) == 1 and not summary:
        summary = instances[0].summary or instances[0].name
    if not summary:
        name = _first(
            payload.groupLabels.get("alertname", ""), payload.commonLabels.get("alertname", "")
        )
        summary = name or instances[0].summary or instances[0].name
        if len(instances) > 1:
            summary = _("%(summary)s (%(n)s alerts)") % {"summary": summary, "n": len(instances)}
    return Alert(
        source=system,
        key=bounded_key(payload.groupKey.strip()),
        severity=_highest(instances, default_severity),
        summary=cut(summary or _("Alert from %(system)s") % {"system": system}, MAX_LINE),
        status=_status(instances),
        service=cut(labels.get("service", ""), MAX_LINE),
        details=_group_description(description, instances, payload, links),
        configuration_item=cut(labels.get(item_label, ""), MAX_LINE) if item_label else "",
        instances=instances,
        service_label=service_label,
        item_label=item_label,
        item_hints=tuple(
            _host_part(value)
            for value in (payload.commonLabels.get(name, "") for name in HINT_LABELS)
            if value
        ),
        warnings=tuple(warnings),
    )


def _group_description(
    description: str,
    instances: Sequence[Instance],
    payload: AlertmanagerIn | GrafanaIn,
    links: Sequence[tuple[str, str]],
) -> str:
    lines = [description.strip(), ""] if description.strip() else []
    lines.append(_("Alerts of the group:"))
    for instance in instances[:DESCRIBED_ALERTS]:
        lines.append(
            f"- [{instance.status}] {instance.name or instance.fingerprint} ({instance.severity})"
            + (f": {instance.summary}" if instance.summary else "")
        )
        if instance.starts_at:
            lines.append(
                "  " + _("since %(time)s") % {"time": f"{instance.starts_at:%Y-%m-%d %H:%M:%S} UTC"}
            )
        lines += [f"  {_link_label(kind)}: {url}" for kind, url in instance.links]
    if len(instances) > DESCRIBED_ALERTS:
        lines.append(
            _("… and %(n)s more (listed on the ticket).") % {"n": len(instances) - DESCRIBED_ALERTS}
        )
    if payload.truncatedAlerts:
        lines.append(
            _("%(n)s more alerts were left out by the sender (max_alerts).")
            % {"n": payload.truncatedAlerts}
        )
    if payload.groupLabels:
        lines.append(_("Group labels: %(labels)s") % {"labels": _label_text(payload.groupLabels)})
    lines += [f"{label}: {url}" for label, url in _links(links)]
    return cut("\n".join(lines), MAX_TEXT)


def _label_text(labels: Mapping[str, str]) -> str:
    return ", ".join(f"{name}={value}" for name, value in sorted(labels.items()))


def alertmanager_alert(payload: AlertmanagerIn, *, default_severity: str) -> Alert:
    return _group_alert(
        system="alertmanager",
        payload=payload,
        default_severity=default_severity,
        summary=payload.commonAnnotations.get("summary", ""),
        description=_first(
            payload.commonAnnotations.get("description", ""),
            payload.alerts[0].annotations.get("description", "")
            if len(payload.alerts) == 1
            else "",
        ),
        links=[("Alertmanager", payload.externalURL)],
    )


#: Grafana's default title starts with the group's state: "[FIRING:2] High memory usage".
_GRAFANA_STATE = re.compile(r"^\[(FIRING|RESOLVED)(:\d+)?\]\s*", re.IGNORECASE)


def grafana_alert(payload: GrafanaIn, *, default_severity: str) -> Alert:
    """As Alertmanager's group; without a common summary annotation, one alert's summary
    or the notification's title (without its "[FIRING:2]") names the incident."""
    single = payload.alerts[0].annotations.get("summary", "") if len(payload.alerts) == 1 else ""
    return _group_alert(
        system="grafana",
        payload=payload,
        default_severity=default_severity,
        summary=_first(
            payload.commonAnnotations.get("summary", ""),
            single,
            _GRAFANA_STATE.sub("", payload.title),
        ),
        description=_first(payload.commonAnnotations.get("description", ""), payload.message),
        links=[("Grafana", payload.externalURL)],
    )


def is_grafana_test(payload: GrafanaIn) -> bool:
    """Grafana's "Test" button sends alertname TestAlert, summary "Notification test"."""
    return all(
        alert.labels.get("alertname") == "TestAlert"
        and alert.annotations.get("summary") == "Notification test"
        for alert in payload.alerts
    )


# ----- Zabbix ----------------------------------------------------------------------------


def _zabbix_time(date: str, time: str, zone: str) -> datetime | None:
    """{EVENT.DATE} {EVENT.TIME} ("2026.11.30", "10:02:03") in the media user's zone."""
    try:
        local = datetime.strptime(f"{date.strip()} {time.strip()}", "%Y.%m.%d %H:%M:%S")
    except ValueError:
        return None
    return local.replace(tzinfo=ZoneInfo(zone)).astimezone(UTC)


def zabbix_alert(payload: ZabbixEventIn, *, default_severity: str) -> Alert:
    """A trigger's problems are one group (one incident while it is open), each problem
    event one instance; a recovery carries its problem's event id."""
    tags: dict[str, str] = {}
    for tag in payload.event_tags:
        tags[tag.tag] = f"{tags[tag.tag]}, {tag.value}" if tag.tag in tags else tag.value
    severity = ZABBIX_SEVERITIES.get(payload.event_nseverity, default_severity)
    status = AlertStatus.FIRING if payload.event_value == 1 else AlertStatus.RESOLVED
    item_label = next((name for name in ITEM_LABELS if tags.get(name, "").strip()), "")
    labels = {**tags, "host": payload.host_host} if payload.host_host else tags
    annotations = {
        "description": payload.trigger_description,
        "opdata": payload.event_opdata,
        "message": payload.alert_message,
    }
    links = _links([("event", payload.event_url), ("trigger", payload.trigger_url)])
    instance = Instance(
        fingerprint=str(payload.event_id),
        status=status,
        severity=severity,
        name=cut(payload.event_name, MAX_LINE),
        summary=cut(payload.event_opdata, MAX_LINE),
        labels=_labels(labels),
        annotations=_labels({name: value for name, value in annotations.items() if value.strip()}),
        links=links,
        starts_at=_zabbix_time(payload.event_date, payload.event_time, payload.timezone),
        ends_at=_zabbix_time(
            payload.event_recovery_date, payload.event_recovery_time, payload.timezone
        )
        if status == AlertStatus.RESOLVED
        else None,
    )
    trigger = f"trigger:{payload.trigger_id}" if payload.trigger_id else f"event:{payload.event_id}"
    return Alert(
        source="zabbix",
        key=trigger,
        severity=severity,
        summary=cut(payload.event_name, MAX_LINE),
        status=status,
        service=cut(tags.get("service", ""), MAX_LINE),
        details=_zabbix_description(payload, instance, tags),
        configuration_item=cut(tags.get(item_label, ""), MAX_LINE) if item_label else "",
        instances=(instance,),
        service_label="service" if tags.get("service", "").strip() else "",
        item_label=item_label,
        item_hints=(payload.host_host, payload.host_name),
    )


def _zabbix_description(payload: ZabbixEventIn, instance: Instance, tags: Mapping[str, str]) -> str:
    lines = [payload.trigger_description.strip(), ""] if payload.trigger_description.strip() else []
    host = payload.host_name or payload.host_host
    if host:
        technical = (
            f" ({payload.host_host})" if payload.host_host and payload.host_host != host else ""
        )
        address = f", {payload.host_ip}" if payload.host_ip else ""
        lines.append(_("Host: %(host)s") % {"host": f"{host}{technical}{address}"})
    if payload.event_severity:
        lines.append(_("Zabbix severity: %(value)s") % {"value": payload.event_severity})
    if payload.event_opdata:
        lines.append(_("Operational data: %(value)s") % {"value": payload.event_opdata})
    if instance.starts_at:
        lines.append(
            _("Problem started: %(time)s") % {"time": f"{instance.starts_at:%Y-%m-%d %H:%M:%S} UTC"}
        )
    lines.append(_("Problem event: %(id)s") % {"id": payload.event_id})
    if tags:
        lines.append(_("Tags: %(tags)s") % {"tags": _label_text(tags)})
    lines += [f"{_link_label(kind)}: {url}" for kind, url in instance.links]
    return cut("\n".join(lines), MAX_TEXT)


def _link_label(kind: str) -> str:
    return str(ALERT_LINK_LABELS.get(kind, kind))
