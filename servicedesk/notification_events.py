"""The kinds of event people are notified about, in words. Apps register theirs from
AppConfig.ready(), so the core app names none of them:

    register_event("ticket_assigned", _("A ticket was assigned to me"), staff=True)
    register_event("status_changed", _("Status changed"),
                   describe=lambda status: _("Status changed to %s") % label_of(status))

An event is stored as "<kind>" or "<kind>:<argument>" (e.g. "status_changed:completed");
`describe_event` turns either into words for the notification log and the admin.
`staff=True` kinds are the ones a staff member may switch mail off for."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise


@dataclass(frozen=True)
class EventKind:
    key: str
    #: What the preferences page offers ("A ticket is assigned to me or my group").
    label: str | Promise
    staff: bool = False
    describe: Callable[[str], str] | None = None
    #: How the notification log names it, when `label` reads wrong there.
    log_label: str | Promise = ""


_KINDS: dict[str, EventKind] = {}


def register_event(
    key: str,
    label: str | Promise,
    *,
    staff: bool = False,
    describe: Callable[[str], str] | None = None,
    log_label: str | Promise = "",
) -> EventKind:
    kind = EventKind(key=key, label=label, staff=staff, describe=describe, log_label=log_label)
    _KINDS[key] = kind
    return kind


def staff_event_kinds() -> list[EventKind]:
    """The kinds a staff member is told about (and may mute by mail), in order."""
    return [kind for kind in _KINDS.values() if kind.staff]


def describe_event(event: str) -> str:
    """ "status_changed:completed" → "Status changed to Completed"; unknown events are
    shown as stored."""
    key, _sep, argument = event.partition(":")
    kind = _KINDS.get(key)
    if kind is None:
        return event
    if argument and kind.describe is not None:
        try:
            return str(kind.describe(argument))
        except (KeyError, ValueError):
            return event
    return str(kind.log_label or kind.label)
