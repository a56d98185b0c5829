"""The SLA digest: after each sweep, every member of an affected support group (or the
group's shared address) and every service desk manager gets ONE mail listing the tickets
that turned at risk or breached in that sweep, each with the clock concerned (reaction
or resolution) and its due time in the recipient's time zone. A backlog of a thousand
tickets is one mail per recipient, not two thousand mails."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import Incident
from incidents.notifications import _render
from servicedesk import roles
from servicedesk.models import Notification, SupportGroup
from servicedesk.notifications import absolute_url, notification_queue, recipient_key

EVENT_DIGEST = "sla_digest"
#: Lines per section of one digest; the SLA page has the rest.
DIGEST_LIMIT = 100
#: The app's date format (ticket page, queues), used in staff mail too.
STAFF_DATETIME_FORMAT = "d M Y H:i"


@dataclass
class Entry:
    incident: Incident
    clock: str  # "reaction" | "resolution"
    breached: bool

    @property
    def due_at(self) -> datetime | None:
        if self.clock == "reaction":
            return self.incident.response_due_at
        return self.incident.resolution_due_at

    @cached_property
    def ticket(self) -> str:
        incident = self.incident
        return f"{incident.number} [{incident.get_priority_display()}] {incident.title}"

    @cached_property
    def url(self) -> str:
        return absolute_url(reverse("incidents:detail", args=[self.incident.number]))

    def clock_line(self, zone: ZoneInfo) -> str:
        """'Reaction due 02 Nov 2026 11:00 (Europe/Berlin)', once per time zone."""
        cache = self.__dict__.setdefault("_lines", {})
        if zone.key not in cache:
            if self.breached:
                what = (
                    _("Reaction was due %(due)s")
                    if self.clock == "reaction"
                    else _("Resolution was due %(due)s")
                )
            else:
                what = (
                    _("Reaction due %(due)s")
                    if self.clock == "reaction"
                    else _("Resolution due %(due)s")
                )
            cache[zone.key] = what % {"due": zoned_datetime(self.due_at, zone)}
        return cache[zone.key]


@dataclass
class Recipient:
    email: str
    user: object | None
    entries: list[Entry] = field(default_factory=list)
    _seen: set[int] = field(default_factory=set)

    def hear_about(self, entries: list[Entry]) -> None:
        for entry in entries:
            if id(entry) not in self._seen:
                self._seen.add(id(entry))
                self.entries.append(entry)


def staff_time_zone(user) -> ZoneInfo:
    """The staff user's own time zone where one is stored (a `time_zone` on the user or
    on its profile), else the desk's TIME_ZONE."""
    for holder in (user, getattr(user, "profile", None)):
        name = getattr(holder, "time_zone", "") if holder is not None else ""
        if name:
            try:
                return ZoneInfo(name)
            except (ValueError, KeyError):
                pass
    return ZoneInfo(settings.TIME_ZONE)


def zoned_datetime(moment: datetime | None, zone: ZoneInfo) -> str:
    """`02 Nov 2026 11:00 (Europe/Berlin)`: as the app shows it, in the given zone."""
    if moment is None:
        return "—"
    return f"{date_format(moment.astimezone(zone), STAFF_DATETIME_FORMAT)} ({zone.key})"


def notify_staff_sla_digest(
    *, marked: dict[str, list[int]], swept_at: datetime
) -> list[Notification]:
    """One digest per recipient for one sweep (`marked` as sent by `sla_swept`).
    Sending it twice for the same sweep queues nothing the second time."""
    entries = _entries(marked)
    queued = []
    for recipient in _recipients(entries):
        notification = _queue_digest(recipient, swept_at)
        if notification is not None:
            queued.append(notification)
    return queued


def _entries(marked: dict[str, list[int]]) -> list[Entry]:
    ids = {pk for pks in marked.values() for pk in pks}
    tickets = Incident.objects.filter(pk__in=ids).select_related("support_group").in_bulk()
    entries = []
    for key, pks in marked.items():
        clock, _sep, state = key.partition("_")
        entries += [Entry(tickets[pk], clock, state == "breached") for pk in pks if pk in tickets]
    entries.sort(key=_urgency)
    return entries


def _urgency(entry: Entry) -> tuple:
    """Breached first, then by priority and due time."""
    due = entry.due_at.timestamp() if entry.due_at else float("inf")
    return (not entry.breached, entry.incident.priority, due)


def _recipients(entries: list[Entry]) -> list[Recipient]:
    """The desk managers hear about every entry; a group (its shared address, else its
    active members) about its own tickets. Each address once; a fixed number of queries."""
    found: dict[str, Recipient] = {}

    def add(email: str, user, wanted: list[Entry]) -> None:
        found.setdefault(email.lower(), Recipient(email, user)).hear_about(wanted)

    User = get_user_model()
    managers = User.objects.filter(is_active=True, groups__name=roles.DESK_MANAGER)
    for user in managers.exclude(email="").distinct():
        add(user.email, user, entries)
    by_group: dict[int, list[Entry]] = {}
    for entry in entries:
        if entry.incident.support_group_id:
            by_group.setdefault(entry.incident.support_group_id, []).append(entry)
    groups = SupportGroup.objects.filter(pk__in=by_group).prefetch_related("members")
    for group in groups:
        if group.email:
            add(group.email, None, by_group[group.pk])
            continue
        for user in group.members.all():
            if user.is_active and user.email:
                add(user.email, user, by_group[group.pk])
    return list(found.values())


def _queue_digest(recipient: Recipient, swept_at: datetime) -> Notification | None:
    recipient.entries.sort(key=_urgency)
    breached = [e for e in recipient.entries if e.breached]
    at_risk = [e for e in recipient.entries if not e.breached]
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("SLA: %(breached)s breached, %(at_risk)s at risk") % {
            "breached": len(breached),
            "at_risk": len(at_risk),
        }
        body = _render(
            "incidents/email/sla_digest.txt",
            {
                "intro": ngettext(
                    "%(count)d ticket turned breached or at risk in the last SLA check.",
                    "%(count)d tickets turned breached or at risk in the last SLA check.",
                    len(recipient.entries),
                )
                % {"count": len(recipient.entries)},
                "sections": [
                    _section(_("Breached"), breached, recipient.user),
                    _section(_("At risk"), at_risk, recipient.user),
                ],
                "sla_url": absolute_url(reverse("incidents:sla")),
            },
        )
    stamp = swept_at.strftime("%Y%m%dT%H%M%S%f")
    return notification_queue(
        recipient_email=recipient.email,
        event=EVENT_DIGEST,
        target=None,
        subject=subject,
        body=body,
        dedupe_key=f"sla_digest:{stamp}:{recipient_key(recipient.email)}",
        thread_root="",
        user=recipient.user,
    )


def _section(title: str, entries: list[Entry], user) -> dict:
    return {
        "title": title,
        "lines": _lines(entries, user),
        "total": len(entries),
        "more": max(len(entries) - DIGEST_LIMIT, 0),
    }


def _lines(entries: list[Entry], user) -> list[dict[str, str]]:
    zone = staff_time_zone(user)
    return [
        {
            "ticket": entry.ticket,
            "clock": entry.clock_line(zone),
            "group": group.name if (group := entry.incident.support_group) is not None else "",
            "url": entry.url,
        }
        for entry in entries[:DIGEST_LIMIT]
    ]
