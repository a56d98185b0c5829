"""The alerts of a group (incidents/intake/monitoring.py): each instance of a monitoring
alert, by fingerprint, listed on the group's incident, and the work note that says what
changed. Called with the group's row locked, so instances are never written twice at
once."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db.models import Count, Q
from django.utils.translation import gettext as _

from incidents.models import AlertStatus, MonitoringAlert, MonitoringAlertInstance

if TYPE_CHECKING:
    from incidents.intake.monitoring import Instance

#: Names of changed alerts a work note lists; the rest are counted.
NOTE_NAMES = 10

#: What a repeat rewrites on an instance whose status did not change (one UPDATE for all).
REPEAT_FIELDS = [
    "occurrences",
    "severity",
    "name",
    "summary",
    "labels",
    "annotations",
    "links",
    "starts_at",
    "ends_at",
    "last_seen_at",
]


@dataclass
class Changes:
    """What one notification changed in a group."""

    #: Instances new and firing, or firing again after they resolved.
    fired: list[MonitoringAlertInstance] = field(default_factory=list)
    #: Instances that were firing and resolved.
    resolved: list[MonitoringAlertInstance] = field(default_factory=list)
    #: Instances this notification reported firing (each counts one occurrence).
    firing_reports: int = 0
    #: After the notification: the group's instances still firing, and all of them.
    firing: int = 0
    total: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.fired or self.resolved)


def unique(instances: Sequence["Instance"]) -> list["Instance"]:
    """One per fingerprint (the last one sent wins), in the order sent."""
    return list({instance.fingerprint: instance for instance in instances}.values())


def firing_reports(instances: Sequence["Instance"]) -> int:
    return sum(1 for instance in unique(instances) if instance.status == AlertStatus.FIRING)


def track(row: MonitoringAlert, instances: Sequence["Instance"], now: datetime) -> Changes:
    """Record the instances of one notification under the group's row: new ones are
    created, known ones updated (one query for those whose status did not change; a
    change of status is saved with history)."""
    changes = Changes()
    if not instances:
        return changes
    sent = unique(instances)
    known = {
        known.fingerprint: known
        for known in row.instances.filter(fingerprint__in=[i.fingerprint for i in sent])
    }
    repeats = []
    for instance in sent:
        firing = instance.status == AlertStatus.FIRING
        changes.firing_reports += firing
        stored = known.get(instance.fingerprint)
        if stored is None:
            stored = MonitoringAlertInstance(alert=row, first_seen_at=now)
            _copy(stored, instance, now)
            stored.save()
            if firing:
                changes.fired.append(stored)
            continue
        status_changed = stored.status != instance.status
        _copy(stored, instance, now)
        if not status_changed:
            repeats.append(stored)
            continue
        stored.save(update_fields=[*REPEAT_FIELDS, "status"])
        (changes.fired if firing else changes.resolved).append(stored)
    if repeats:
        MonitoringAlertInstance.objects.bulk_update(repeats, REPEAT_FIELDS)
    counts = row.instances.aggregate(
        total=Count("pk"), firing=Count("pk", filter=Q(status=AlertStatus.FIRING))
    )
    changes.firing, changes.total = counts["firing"], counts["total"]
    return changes


def _copy(stored: MonitoringAlertInstance, instance: "Instance", now: datetime) -> None:
    if instance.status == AlertStatus.FIRING:
        stored.occurrences += 1
    stored.status = instance.status
    stored.fingerprint = instance.fingerprint
    stored.severity = instance.severity
    stored.name = instance.name
    stored.summary = instance.summary
    stored.labels = dict(instance.labels)
    stored.annotations = dict(instance.annotations)
    stored.links = [list(link) for link in instance.links]
    stored.starts_at = instance.starts_at
    stored.ends_at = instance.ends_at
    stored.last_seen_at = now


def note_text(current: MonitoringAlert, changes: Changes) -> str:
    """The work note for one notification of a group: what fired and what resolved,
    then where the group stands."""
    parts = [
        _("“%(name)s” is firing (%(severity)s): %(summary)s")
        % {"name": _name(i), "severity": i.severity, "summary": i.summary or "—"}
        for i in changes.fired[:NOTE_NAMES]
    ]
    parts += [_("“%(name)s” resolved") % {"name": _name(i)} for i in changes.resolved[:NOTE_NAMES]]
    unlisted = max(len(changes.fired) - NOTE_NAMES, 0) + max(len(changes.resolved) - NOTE_NAMES, 0)
    if unlisted:
        parts.append(_("%(n)s more changes") % {"n": unlisted})
    values = {
        "source": current.source,
        "firing": changes.firing,
        "total": changes.total,
        "count": current.occurrences,
    }
    text = _("Monitoring (%(source)s):") % values
    if parts:
        text += " " + "; ".join(parts) + "."
    if current.status == AlertStatus.RESOLVED:
        text += " " + _("Every alert of the group has resolved (%(total)s in all).") % values
    else:
        text += " " + _("Firing: %(firing)s of %(total)s. Occurrence %(count)s.") % values
    return text + unreported_text(current)


def unreported_text(current: MonitoringAlert) -> str:
    if not current.unreported:
        return ""
    return " " + _("%(n)s more repeats since the last note.") % {"n": current.unreported}


def _name(instance: MonitoringAlertInstance) -> str:
    return instance.name or instance.fingerprint
