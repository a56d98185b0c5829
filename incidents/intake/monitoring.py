"""Monitoring alerts become incidents.

A monitoring system posts alerts with the token of its `AlertSource` (issued in the
admin). An alert is identified by its source's `source` label and `key`:

- *firing*, and no open incident for it yet: a new incident (channel monitoring,
  registered on the system's behalf for the source's contact);
- *firing* while its incident is open: one more occurrence on that incident (count and
  last seen), however often it flaps between firing and resolved;
- *resolved* while its incident is open: the incident hears about it in a work note; its
  status does not change (support decides when the work is done);
- *resolved* with no open incident: nothing to do.

"Open" means one of the open statuses (Registered … Rejected by user): once support has
completed or closed the incident, the next firing alert opens a new one.

Every change of state (a recovery, firing again) is noted on the incident at once;
repeats in the same state are rate-limited to one note per alert per NOTE_INTERVAL
(15 minutes), and the next note counts the repeats it summarises.

An alert is raised against a configuration item of the source's organisation (never
another's) when its payload names one (`configuration_item`) or a part of its key is
one's name (`disk-full:db01:/var` → db01); the incident's service is then the item's.

Severity → urgency, impact and category (priority follows the priority matrix):

| severity | urgency   | impact | category    |
|----------|-----------|--------|-------------|
| critical | very high | high   | outage      |
| major    | high      | medium | outage      |
| minor    | medium    | medium | degradation |
| warning  | low       | low    | degradation |
| info     | none      | low    | degradation |

Alertmanager and Grafana send a *group* of alerts (its group key) and Zabbix the events of
a trigger: the receivers (incidents/api/alert_receivers.py) map them onto one `Alert` whose
`instances` are the group's alerts (by fingerprint; Zabbix: by problem event id). The group
is one incident; each instance is listed on it (incidents/intake/alert_groups.py), and
every notification that reports an instance firing counts one occurrence. The group is
firing while any of its instances is; when the last one resolves, the incident hears it
in a work note and `MonitoringAlert.resolved_at` records when. A new instance or one
changing state is noted at once, like any change of state.

Concurrency: the current alert row of a (source, source label, key) is locked while an
alert is handled, and a partial unique index allows one current row only; two identical
alerts at the same moment therefore open one incident (the loser's transaction rolls back
on the unique index and is retried as an occurrence).
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import services
from incidents.intake import alert_groups
from incidents.models import (
    AlertSource,
    AlertStatus,
    Category,
    Channel,
    Incident,
    Kind,
    MonitoringAlert,
)
from servicedesk.models import ConfigurationItem, Impact, Service, Urgency


class Severity(StrEnum):
    CRITICAL = "critical"
    MAJOR = "major"
    MINOR = "minor"
    WARNING = "warning"
    INFO = "info"


#: severity → (urgency, impact, category); see the module docstring.
SEVERITY_CLASSIFICATION: dict[str, tuple[int, int, str]] = {
    Severity.CRITICAL: (Urgency.VERY_HIGH, Impact.HIGH, Category.OUTAGE),
    Severity.MAJOR: (Urgency.HIGH, Impact.MEDIUM, Category.OUTAGE),
    Severity.MINOR: (Urgency.MEDIUM, Impact.MEDIUM, Category.DEGRADATION),
    Severity.WARNING: (Urgency.LOW, Impact.LOW, Category.DEGRADATION),
    Severity.INFO: (Urgency.NONE, Impact.LOW, Category.DEGRADATION),
}

#: Severity labels in use (Prometheus rules, Grafana, PagerDuty-like P1…P5, syslog) → ours.
SEVERITY_NAMES: dict[str, str] = {
    **dict.fromkeys(
        ["critical", "crit", "disaster", "emergency", "emerg", "fatal", "page", "p1"],
        Severity.CRITICAL,
    ),
    **dict.fromkeys(["major", "high", "error", "err", "alert", "p2"], Severity.MAJOR),
    **dict.fromkeys(["minor", "average", "medium", "moderate", "p3"], Severity.MINOR),
    **dict.fromkeys(["warning", "warn", "low", "p4"], Severity.WARNING),
    **dict.fromkeys(
        ["info", "information", "informational", "notice", "none", "debug", "ok", "p5"],
        Severity.INFO,
    ),
}

#: Our severities from the most to the least severe.
SEVERITY_ORDER: tuple[str, ...] = tuple(Severity)


def severity_named(value: str) -> str | None:
    """Our severity for a severity label's value ("High", "p2", "error"), or None."""
    return SEVERITY_NAMES.get(value.strip().lower())


#: How often a unique-index conflict (a concurrent identical alert) is retried.
MAX_ATTEMPTS = 3


class Outcome(StrEnum):
    CREATED = "created"
    OCCURRENCE = "occurrence"
    RESOLVED = "resolved"
    IGNORED = "ignored"


@dataclass(frozen=True)
class Instance:
    """One alert of a group (by its fingerprint) or one Zabbix problem event."""

    fingerprint: str
    status: str
    severity: str
    name: str = ""
    summary: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)
    annotations: Mapping[str, str] = field(default_factory=dict)
    #: (kind, http(s) address) pairs; kinds: models.ALERT_LINK_LABELS.
    links: tuple[tuple[str, str], ...] = ()
    starts_at: datetime | None = None
    ends_at: datetime | None = None


@dataclass(frozen=True)
class Alert:
    """A validated alert, as the monitoring system sent it."""

    source: str
    key: str
    severity: str
    summary: str
    status: str = AlertStatus.FIRING
    service: str = ""
    details: str = ""
    configuration_item: str = ""
    #: The alerts of a group (Alertmanager, Grafana) or the events of a trigger (Zabbix).
    instances: tuple[Instance, ...] = ()
    #: The label (or Zabbix tag) that named `service` / `configuration_item`, if one did:
    #: a warning then names it ("label service=… matched nothing").
    service_label: str = ""
    item_label: str = ""
    #: More names that may be a configuration item's (an `instance` or `host` label):
    #: tried quietly, in order, after `configuration_item`.
    item_hints: tuple[str, ...] = ()
    #: What the receiver could not map (an unknown severity label): said like the others.
    warnings: tuple[str, ...] = ()

    def as_payload(self) -> dict[str, str]:
        return {
            "source": self.source,
            "key": self.key,
            "service": self.service,
            "severity": self.severity,
            "summary": self.summary,
            "details": self.details,
            "status": self.status,
            "configuration_item": self.configuration_item,
        }


@dataclass(frozen=True)
class AlertResult:
    outcome: Outcome
    incident: Incident | None = None
    alert: MonitoringAlert | None = None
    #: What the alert named that matched nothing (said in the answer and on the incident).
    warnings: tuple[str, ...] = ()


class AlertSourceMisconfigured(Exception):
    """The source's contact may not open tickets (inactive or not authorised)."""


#: At most one work note per alert in this time.
NOTE_INTERVAL = timedelta(minutes=15)


def alert_receive(
    *, alert_source: AlertSource, alert: Alert, now: datetime | None = None
) -> AlertResult:
    """Handle one alert from an authenticated source: open an incident, add an
    occurrence or a recovery note, or do nothing. Safe against concurrent duplicates."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            with transaction.atomic():
                result = _receive(alert_source, alert, now or timezone.now())
            return replace(result, warnings=alert.warnings + result.warnings)
        except IntegrityError:
            # A concurrent identical alert committed its current row first: go again,
            # and this time find (and lock) that row.
            if attempt == MAX_ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _current_row(alert_source: AlertSource, alert: Alert) -> MonitoringAlert | None:
    """The alert's current row, locked until the transaction ends."""
    return (
        MonitoringAlert.objects.select_for_update(of=("self",))
        .select_related("incident")
        .filter(alert_source=alert_source, source=alert.source, key=alert.key, is_current=True)
        .first()
    )


def _receive(alert_source: AlertSource, alert: Alert, now: datetime) -> AlertResult:
    current = _current_row(alert_source, alert)
    if current is not None and not current.incident.is_open:
        if alert.status == AlertStatus.RESOLVED:
            return AlertResult(Outcome.IGNORED, current.incident, current)
        # Its incident was completed or closed: this firing alert is a new incident.
        current.is_current = False
        current.save(update_fields=["is_current"])
        current = None

    if current is None:
        if alert.status == AlertStatus.RESOLVED:
            return AlertResult(Outcome.IGNORED)
        incident, warnings = _open_incident(alert_source, alert)
        row = MonitoringAlert.objects.create(
            alert_source=alert_source,
            source=alert.source,
            key=alert.key,
            incident=incident,
            status=AlertStatus.FIRING,
            severity=alert.severity,
            occurrences=alert_groups.firing_reports(alert.instances) or 1,
            first_seen_at=now,
            last_seen_at=now,
            last_payload=alert.as_payload(),
        )
        alert_groups.track(row, alert.instances, now)
        return AlertResult(Outcome.CREATED, incident, row, warnings)

    return _repeat(current, alert, now)


def _repeat(current: MonitoringAlert, alert: Alert, now: datetime) -> AlertResult:
    """A repeat (or recovery) of an alert whose incident is open. A group is firing while
    any of its alerts is."""
    changes = alert_groups.track(current, alert.instances, now) if alert.instances else None
    if changes is None:
        status = alert.status
        current.occurrences += 1 if status == AlertStatus.FIRING else 0
    else:
        status = AlertStatus.FIRING if changes.firing else AlertStatus.RESOLVED
        current.occurrences += changes.firing_reports
    status_changed = current.status != status
    if status_changed:
        current.resolved_at = now if status == AlertStatus.RESOLVED else None
    current.status = status
    current.severity = alert.severity
    current.last_seen_at = now
    current.last_payload = alert.as_payload()
    fields = ["occurrences", "status", "severity", "last_seen_at", "last_payload", "resolved_at"]

    quiet = current.last_note_at is not None and now - current.last_note_at < NOTE_INTERVAL
    if status_changed or (changes is not None and changes.changed) or not quiet:
        if changes is None:
            note = _note_text(current, alert)
        else:
            note = alert_groups.note_text(current, changes)
        if services.incident_add_system_note(incident=current.incident, body=note) is not None:
            current.last_note_at = now
            current.unreported = 0
    else:
        current.unreported += 1
    fields += ["last_note_at", "unreported"]

    if status_changed:
        # History records the alert's status changes, not every repeat.
        current.save(update_fields=fields)
    else:
        MonitoringAlert.objects.filter(pk=current.pk).update(
            **{name: getattr(current, name) for name in fields}
        )
    outcome = Outcome.OCCURRENCE if alert.status == AlertStatus.FIRING else Outcome.RESOLVED
    return AlertResult(outcome, current.incident, current)


def _note_text(current: MonitoringAlert, alert: Alert) -> str:
    values = {
        "source": current.source,
        "key": current.key,
        "severity": alert.severity,
        "summary": alert.summary,
        "count": current.occurrences,
    }
    if alert.status == AlertStatus.FIRING:
        text = (
            _("Monitoring: %(source)s/%(key)s is firing (%(severity)s): %(summary)s. ") % values
            + _("Occurrence %(count)s.") % values
        )
    else:
        text = _("Monitoring: %(source)s/%(key)s resolved: %(summary)s.") % values
    return text + alert_groups.unreported_text(current)


def _open_incident(alert_source: AlertSource, alert: Alert) -> tuple[Incident, tuple[str, ...]]:
    """The new incident, and what the alert named that matched nothing (never silently
    replaced: each is said in the answer and in the incident's description)."""
    urgency, impact, category = SEVERITY_CLASSIFICATION[alert.severity]
    warnings: list[str] = []
    service = None
    if alert.service:
        service = Service.objects.filter(name__iexact=alert.service, is_active=True).first()
    item = configuration_item_named(alert_source, alert)
    if service is None:
        service = alert_source.service
        if alert.service:
            warnings.append(_unmatched_service(alert, item.service if item else service))
    if item is not None:
        service = item.service
    elif alert.configuration_item.strip():
        warnings.append(_unmatched_item(alert))
    lines = [alert.details, ""] if alert.details else []
    lines += [
        _("Raised by monitoring (%(name)s).") % {"name": alert_source.name},
        _("Source: %(value)s") % {"value": alert.source},
        _("Key: %(value)s") % {"value": alert.key},
        _("Severity: %(value)s") % {"value": alert.severity},
    ]
    if alert.service:
        lines.append(_("Service named by the alert: %(value)s") % {"value": alert.service})
    if item is not None:
        lines.append(_("Configuration item: %(value)s") % {"value": item.name})
    lines += [_("Warning: %(text)s") % {"text": text} for text in alert.warnings + tuple(warnings)]
    try:
        incident = services.incident_register(
            contact=alert_source.contact,
            title=alert.summary,
            actor=None,
            channel=Channel.MONITORING,
            kind=Kind.INCIDENT,
            description="\n".join(lines),
            category=category,
            service=service,
            configuration_item=item,
            urgency=urgency,
            impact=impact,
        )
    except ValidationError as error:
        raise AlertSourceMisconfigured(" ".join(error.messages)) from error
    return incident, tuple(warnings)


def _unmatched_service(alert: Alert, default: Service | None) -> str:
    values = {"value": alert.service, "label": alert.service_label}
    if alert.service_label and default is None:
        text = _("label %(label)s=%(value)s matched nothing in the catalogue; no service set.")
    elif alert.service_label:
        text = _("label %(label)s=%(value)s matched nothing in the catalogue; %(default)s used.")
    elif default is None:
        text = _("service=%(value)s matched nothing in the catalogue; no service set.")
    else:
        text = _("service=%(value)s matched nothing in the catalogue; %(default)s used.")
    return text % {**values, "default": default.name if default else ""}


def _unmatched_item(alert: Alert) -> str:
    values = {"value": alert.configuration_item.strip(), "label": alert.item_label}
    if alert.item_label:
        return _("label %(label)s=%(value)s matched nothing of the organisation's items.") % values
    return _("configuration_item=%(value)s matched nothing of the organisation's items.") % values


#: What separates the parts of an alert key: "disk-full:db01:/var" → disk-full, db01, var.
_KEY_PARTS = re.compile(r"[\s:/|,;@=]+")


def configuration_item_named(alert_source: AlertSource, alert: Alert) -> ConfigurationItem | None:
    """The active configuration item of the source's organisation that the alert names:
    by the payload's `configuration_item`, else by one of its hints (a group's labels),
    else (an alert of the generic endpoint) by a part of its key."""
    names = [alert.configuration_item.strip()] if alert.configuration_item.strip() else []
    names += [hint.strip() for hint in alert.item_hints if hint.strip()]
    if not alert.instances:
        names += [part for part in _KEY_PARTS.split(alert.key) if part]
    if not names:
        return None
    lowered = [name.lower() for name in names[:20]]
    items = ConfigurationItem.objects.filter(
        organisation_id=alert_source.organisation_id, is_active=True
    ).select_related("service")
    matches = {item.name.lower(): item for item in items.filter(_any_name(lowered))}
    return next((matches[name] for name in lowered if name in matches), None)


def _any_name(names: list[str]) -> Q:
    query = Q()
    for name in names:
        query |= Q(name__iexact=name)
    return query
