"""Payloads as Alertmanager, Grafana and the desk's Zabbix media type send them.

Alertmanager: notify/webhook/webhook.go `Message` (version "4", groupKey,
truncatedAlerts) embedding template.Data (receiver, status, alerts, groupLabels,
commonLabels, commonAnnotations, externalURL); a firing alert's endsAt is Go's zero time
and startsAt carries nanoseconds. Grafana: grafana/alerting receivers/webhook
`webhookMessage` (version "1", orgId, title, state, message) embedding ExtendedData, whose
alerts add silenceURL, dashboardURL, panelURL, values and valueString. Zabbix: what
incidents/integrations/zabbix_media_type.yaml's script posts (macros as strings)."""

import copy
from typing import Any

GROUP_KEY = '{}/{severity="critical"}:{alertname="DiskFull"}'


def am_alert(
    instance: str = "db01:9100",
    *,
    status: str = "firing",
    fingerprint: str = "1a30ba71cca2921f",
    severity: str = "critical",
    summary: str | None = None,
) -> dict[str, Any]:
    host = instance.split(":")[0]
    return {
        "status": status,
        "labels": {
            "alertname": "DiskFull",
            "instance": instance,
            "job": "node",
            "mountpoint": "/var",
            "severity": severity,
        },
        "annotations": {
            "summary": summary or f"Disk /var on {host} is full",
            "description": f"/var on {host} is 99.8% used.",
            "runbook_url": "https://runbooks.example.org/disk-full",
        },
        "startsAt": "2026-11-30T09:52:26.739266876+01:00",
        "endsAt": "0001-01-01T00:00:00Z" if status == "firing" else "2026-11-30T10:20:11.21Z",
        "generatorURL": "http://prometheus.example.org:9090/graph?g0.expr=node_filesystem_avail_bytes+%3C+1e9&g0.tab=1",
        "fingerprint": fingerprint,
    }


def alertmanager(
    *alerts: dict[str, Any], group_key: str = GROUP_KEY, **overrides: Any
) -> dict[str, Any]:
    alerts = alerts or (am_alert(),)
    common = alerts[0]["labels"] if len(alerts) == 1 else {"alertname": "DiskFull", "job": "node"}
    body: dict[str, Any] = {
        "receiver": "servicedesk",
        "status": "firing" if any(a["status"] == "firing" for a in alerts) else "resolved",
        "alerts": list(alerts),
        "groupLabels": {"alertname": "DiskFull"},
        "commonLabels": dict(common),
        "commonAnnotations": dict(alerts[0]["annotations"]) if len(alerts) == 1 else {},
        "externalURL": "http://alertmanager.example.org:9093",
        "version": "4",
        "groupKey": group_key,
        "truncatedAlerts": 0,
    }
    body.update(overrides)
    return body


def grafana_alert(
    zone: str = "us-1",
    *,
    status: str = "firing",
    fingerprint: str = "c6eadffa33fcdf37",
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    return {
        "status": status,
        "labels": {
            "alertname": "High memory usage",
            "team": "blue",
            "zone": zone,
            **(labels or {}),
        },
        "annotations": {
            "description": "The system has high memory usage",
            "runbook_url": "https://myrunbook.com/runbook/1234",
            "summary": f"This alert was triggered for zone {zone}",
        },
        "startsAt": "2026-11-30T09:51:03.157076+02:00",
        "endsAt": "0001-01-01T00:00:00Z"
        if status == "firing"
        else "2026-11-30T10:11:03.157076+02:00",
        "generatorURL": "https://play.grafana.org/alerting/1afz29v7z/edit",
        "fingerprint": fingerprint,
        "silenceURL": "https://play.grafana.org/alerting/silence/new?alertmanager=grafana&matchers=alertname%3DT2%2Cteam%3Dblue%2Czone%3Dus-1",
        "dashboardURL": "https://play.grafana.org/d/abc",
        "panelURL": "https://play.grafana.org/d/abc?viewPanel=2",
        "values": {"B": 44.23943737541908, "C": 1},
        "valueString": (
            "[ var='B' labels={zone=us-1} value=44.23943737541908 ], "
            "[ var='C' labels={zone=us-1} value=1 ]"
        ),
    }


def grafana(*alerts: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    alerts = alerts or (grafana_alert(),)
    firing = [a for a in alerts if a["status"] == "firing"]
    body: dict[str, Any] = {
        "receiver": "Service desk",
        "status": "firing" if firing else "resolved",
        "orgId": 1,
        "alerts": list(alerts),
        "groupLabels": {"alertname": "High memory usage"},
        "commonLabels": {"alertname": "High memory usage", "team": "blue"},
        "commonAnnotations": {},
        "externalURL": "https://play.grafana.org/",
        "version": "1",
        "groupKey": '{}/{alertname="High memory usage"}:{alertname="High memory usage"}',
        "truncatedAlerts": 0,
        "title": f"[FIRING:{len(firing)}] High memory usage (blue)"
        if firing
        else "[RESOLVED] High memory usage (blue)",
        "state": "alerting" if firing else "ok",
        "message": (
            "**Firing**\n\nValue: B=44.23943737541908, C=1\n"
            "Labels:\n - alertname = High memory usage\n"
        ),
    }
    body.update(overrides)
    return body


def grafana_test() -> dict[str, Any]:
    """What the contact point's "Test" button sends."""
    alert = grafana_alert()
    alert["labels"] = {"alertname": "TestAlert", "instance": "Grafana"}
    alert["annotations"] = {
        "summary": "Notification test",
        "__value_string__": "[ metric='foo' labels={instance=bar} value=10 ]",
    }
    return grafana(alert, groupKey="test-92d3f62a0c7ab1f3-1732960000")


ZABBIX_PROBLEM: dict[str, Any] = {
    "event_id": "18234",
    "event_value": "1",
    "event_update_status": "0",
    "event_source": "0",
    "event_name": "Disk /var on db01 is full",
    "event_severity": "High",
    "event_nseverity": "4",
    "event_opdata": "Free: 120 MB (0.2%)",
    "event_tags": [
        {"tag": "scope", "value": "capacity"},
        {"tag": "component", "value": "storage"},
    ],
    "event_date": "2026.11.30",
    "event_time": "10:02:03",
    "event_recovery_date": "{EVENT.RECOVERY.DATE}",
    "event_recovery_time": "{EVENT.RECOVERY.TIME}",
    "timezone": "Europe/Berlin",
    "host_host": "db01",
    "host_name": "db01.example.org",
    "host_ip": "10.0.0.21",
    "trigger_id": "23901",
    "trigger_name": "Disk /var on {HOST.NAME} is full",
    "trigger_description": "The /var file system has less than 1% free space.",
    "trigger_url": "",
    "event_url": "https://zabbix.example.org/tr_events.php?triggerid=23901&eventid=18234",
    "alert_subject": "Problem: Disk /var on db01 is full",
    "alert_message": (
        "Problem started at 10:02:03 on 2026.11.30\nProblem name: Disk /var on db01 is full\n"
        "Host: db01.example.org\nSeverity: High"
    ),
}


def zabbix(**overrides: Any) -> dict[str, Any]:
    body = copy.deepcopy(ZABBIX_PROBLEM)
    body.update(overrides)
    return body


def zabbix_recovery(**overrides: Any) -> dict[str, Any]:
    return zabbix(
        event_value="0",
        event_recovery_date="2026.11.30",
        event_recovery_time="10:40:12",
        alert_subject="Resolved in 38m 9s: Disk /var on db01 is full",
        **overrides,
    )
