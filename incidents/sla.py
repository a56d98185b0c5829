"""A ticket's SLA clock, kept as a ledger.

Every start, status change (pause, resume, stop, reopen), re-prioritisation, policy
change and first response is a stored `SlaEvent`. The due times, the elapsed business time and the
breach flags on the ticket are derived from that ledger (`clock_for`) and stored on
the ticket only so that queues and the sweep can find them with an indexed query.
Because the ledger is replayed as a whole, a reopened or re-prioritised ticket keeps
the paused time it had.

Rules:
- The resolution clock runs from registration while the ticket is open, except in the
  policy's pause statuses; it stops at Completed, runs again if the contact rejects the
  resolution, and ends at Closed. Re-prioritising changes the target, not the elapsed time.
- The reaction clock runs from registration until the first response; it never pauses.
- Requests use the policy's fulfilment target for their service when there is one.
- Targets and elapsed times are business time on the policy's calendar.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import cast

from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import OPEN_STATUSES, Incident, Kind, SlaEvent, Status
from servicedesk.sla_calendars import calendars_of

#: The fields this module derives; saved together with the ticket.
SLA_FIELDS = [
    "sla_policy",
    "first_response_at",
    "response_due_at",
    "response_warn_at",
    "resolution_due_at",
    "resolution_warn_at",
    "response_breached",
    "resolution_breached",
    "sla_warned",
]


@dataclass
class Step:
    """One line of the clock's explanation on the ticket page."""

    at: datetime
    text: str


@dataclass
class Clock:
    response_target: timedelta | None = None
    resolution_target: timedelta | None = None
    response_due_at: datetime | None = None
    response_warn_at: datetime | None = None
    resolution_due_at: datetime | None = None
    resolution_warn_at: datetime | None = None
    resolution_elapsed: timedelta = timedelta(0)
    response_late: bool = False
    resolution_late: bool = False
    running: bool = False
    #: The first response on the ledger: recorded once, never moved by later actions.
    responded_at: datetime | None = None
    paused_total: timedelta = timedelta(0)
    steps: list[Step] = field(default_factory=list)

    @property
    def paused_total_label(self) -> str:
        return span(self.paused_total)


def clock_for(incident: Incident, events: list[SlaEvent]) -> Clock:
    """Replay the ledger. `events` are the ticket's events in order (saved or not).
    Whether a status pauses the clock is decided now, by the current policy, so a
    changed policy re-reads the whole history by its own rules."""
    policy = incident.sla_policy
    clock = Clock()
    if policy is None or not events:
        return clock
    calendar = policy.calendar
    pausing = set(policy.pause_statuses)

    def runs(status: str) -> bool:
        return status in OPEN_STATUSES and status not in pausing

    started_at = events[0].at
    priority = events[0].priority
    status: str = Status.REGISTERED
    run_start: datetime | None = started_at
    pause_start: datetime | None = None
    responded_at: datetime | None = None

    for event in events:
        if event.kind == SlaEvent.Kind.STATUS:
            was, now = runs(status), runs(event.status)
            if was and not now:
                # It was running, so it has a start.
                started = cast(datetime, run_start)
                clock.resolution_elapsed += calendar.business_time_between(started, event.at)
                run_start = None
                pause_start = event.at if event.status in pausing else None
            elif now and not was:
                run_start = event.at
                if pause_start is not None:
                    paused = calendar.business_time_between(pause_start, event.at)
                    clock.paused_total += paused
                    clock.steps.append(
                        Step(
                            event.at,
                            _("Clock ran again after %(time)s paused") % {"time": span(paused)},
                        )
                    )
                    pause_start = None
            status = event.status
            clock.steps.append(Step(event.at, _status_step(event.status, pausing)))
            continue
        if event.kind == SlaEvent.Kind.RESPOND and responded_at is None:
            responded_at = event.at
        if event.kind == SlaEvent.Kind.RETARGET:
            priority = event.priority
        clock.steps.append(Step(event.at, event.describe()))

    clock.responded_at = responded_at
    reaction, resolution = _targets(policy, incident, priority)
    clock.response_target, clock.resolution_target = reaction, resolution
    threshold = policy.warning_threshold_percent / 100

    if reaction is not None:
        if responded_at is None:
            clock.response_due_at = calendar.add_business_time(started_at, reaction)
            clock.response_warn_at = calendar.add_business_time(started_at, reaction * threshold)
        else:
            took = calendar.business_time_between(started_at, responded_at)
            clock.response_late = took > reaction

    if resolution is not None:
        clock.running = run_start is not None
        if run_start is not None:
            left = max(resolution - clock.resolution_elapsed, timedelta(0))
            warn_left = max(resolution * threshold - clock.resolution_elapsed, timedelta(0))
            clock.resolution_due_at = calendar.add_business_time(run_start, left)
            clock.resolution_warn_at = calendar.add_business_time(run_start, warn_left)
        else:
            clock.resolution_late = clock.resolution_elapsed > resolution
    return clock


def _status_step(status: str, pausing: set[str]) -> str:
    label = Status(status).label
    if status in pausing:
        return _("%(status)s: clock paused") % {"status": label}
    if status == Status.COMPLETED:
        return _("%(status)s: clock stopped") % {"status": label}
    if status == Status.CLOSED:
        return _("%(status)s: clock ended") % {"status": label}
    return _("%(status)s: clock running") % {"status": label}


def _targets(policy, incident: Incident, priority: int):
    reaction, resolution = policy.targets_for(priority)
    if incident.kind == Kind.REQUEST and incident.service_id:
        fulfilment = policy.fulfilment_target_for(incident.service_id)
        if fulfilment is not None:
            resolution = fulfilment
    return reaction, resolution


def apply_clock(incident: Incident, clock: Clock, now: datetime | None = None) -> None:
    """Store the derived values on the ticket. A breach, once marked, stays marked; the
    first response is the ledger's first one."""
    if clock.responded_at is not None:
        incident.first_response_at = clock.responded_at
    incident.response_due_at = clock.response_due_at
    incident.response_warn_at = clock.response_warn_at
    incident.resolution_due_at = clock.resolution_due_at
    incident.resolution_warn_at = clock.resolution_warn_at
    incident.response_breached = incident.response_breached or clock.response_late
    incident.resolution_breached = incident.resolution_breached or clock.resolution_late
    # "At risk" (the sweep's warned flag) holds only while a warning time has passed: a
    # first response, a pause or later due times take the ticket off the at-risk list,
    # and the sweep warns again when a new warning time passes.
    now = now or timezone.now()
    warn_times = (clock.response_warn_at, clock.resolution_warn_at)
    incident.sla_warned = incident.sla_warned and any(w and w <= now for w in warn_times)


def load_policy(incident: Incident) -> None:
    """Read the ticket's SLA policy with its calendar in one query (the clock reads
    both), unless they are loaded already."""
    if incident.sla_policy_id is None or Incident.sla_policy.is_cached(incident):
        return
    from servicedesk.models import SlaPolicy

    incident.sla_policy = SlaPolicy.objects.select_related("calendar").get(
        pk=incident.sla_policy_id
    )


def ledger(incident: Incident) -> list[SlaEvent]:
    if incident.pk is None:
        return []
    return list(incident.sla_events.order_by("at", "pk"))


def record(incident: Incident, new_events: list[SlaEvent]) -> list[SlaEvent]:
    """Replay the ledger with `new_events` appended and update the ticket's fields.
    The caller saves the ticket (with SLA_FIELDS) and then `persist(...)` the events."""
    events = ledger(incident) + new_events
    apply_clock(incident, clock_for(incident, events))
    return new_events


def persist(incident: Incident, new_events: list[SlaEvent]) -> None:
    for event in new_events:
        event.incident = incident
    SlaEvent.objects.bulk_create(new_events)


def events_for_start(incident: Incident) -> list[SlaEvent]:
    return [_event(incident, SlaEvent.Kind.START, at=incident.registered_at)]


def event_for_status(incident: Incident) -> SlaEvent:
    """Every status change is on the ledger; the replay decides what it means."""
    return _event(incident, SlaEvent.Kind.STATUS, status=incident.status)


def event_for_response(incident: Incident) -> SlaEvent:
    return _event(incident, SlaEvent.Kind.RESPOND, at=incident.first_response_at)


def event_for_retarget(incident: Incident, note: str) -> SlaEvent:
    return _event(incident, SlaEvent.Kind.RETARGET, note=note)


def _event(incident: Incident, kind: str, *, at=None, status=None, note="") -> SlaEvent:
    return SlaEvent(
        kind=kind,
        at=at or timezone.now(),
        priority=incident.priority,
        status=status or incident.status,
        note=note[:200],
    )


def span_patterns() -> tuple[str, str, str]:
    """span's three wordings in the active language, to look up once for many spans."""
    return _("%(d)d d %(h)d h"), _("%(h)d h %(m)d min"), _("%(m)d min")


def span(duration: timedelta, patterns: tuple[str, str, str] | None = None) -> str:
    """'2 h 10 min', '3 d 4 h', '45 min' — business durations for people. `patterns`:
    span_patterns(), when many spans are written at once."""
    days_hours, hours_minutes, only_minutes = patterns or span_patterns()
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return days_hours % {"d": days, "h": hours}
    if hours:
        return hours_minutes % {"h": hours, "m": minutes}
    return only_minutes % {"m": minutes}


@dataclass
class Countdown:
    """A clock as the ticket page and the queues show it. Time left (or over) is always
    business time on the ticket's calendar: one definition everywhere."""

    label: str
    due_at: datetime | None
    state: str  # "running" | "at_risk" | "breached" | "met" | "paused" | "stopped" | "none"
    left: str = ""
    clock: str = ""  # "reaction" | "resolution"


def countdowns(incident: Incident, clock: Clock, now: datetime | None = None) -> list[Countdown]:
    now = now or timezone.now()
    calendar = incident.sla_policy.calendar if incident.sla_policy is not None else None
    reaction = _countdown(
        _("Reaction"),
        incident.response_due_at,
        incident.response_warn_at,
        incident.response_breached,
        calendar,
        now,
        done=incident.first_response_at is not None,
        target=clock.response_target,
    )
    resolution = _countdown(
        _("Resolution"),
        incident.resolution_due_at,
        incident.resolution_warn_at,
        incident.resolution_breached,
        calendar,
        now,
        done=not clock.running,
        target=clock.resolution_target,
        paused=incident.is_open and not clock.running,
    )
    return [reaction, resolution]


def _countdown(
    label, due, warn, breached, calendar, now, *, done, target, paused=False, patterns=None
):
    if target is None or calendar is None:
        return Countdown(label, None, "none")
    if due is None:
        if paused:
            return Countdown(label, None, "breached" if breached else "paused")
        return Countdown(label, None, "breached" if breached else ("met" if done else "stopped"))
    if breached or due <= now:
        late = calendar.business_time_between(due, now)
        return Countdown(label, due, "breached", span(late, patterns))
    left = span(calendar.business_time_between(now, due), patterns)
    return Countdown(label, due, "at_risk" if warn and warn <= now else "running", left)


@dataclass(frozen=True)
class RowWords:
    """What row countdowns say, looked up once in the active language for a whole list."""

    reaction: str
    resolution: str
    spans: tuple[str, str, str]

    @classmethod
    def current(cls) -> "RowWords":
        return cls(_("Reaction"), _("Resolution"), span_patterns())


def row_countdown(
    incident: Incident, calendar, now: datetime, words: RowWords | None = None
) -> Countdown:
    """The clock a queue row shows: the reaction clock while it runs (it always runs
    out first), else the resolution clock; the clock at risk or breached is the one
    shown. Same states and business time left as the ticket page."""
    words = words or RowWords.current()
    target = True if calendar is not None else None
    reaction_runs = incident.first_response_at is None and incident.response_due_at is not None
    if reaction_runs and not incident.resolution_breached:
        countdown = _countdown(
            words.reaction,
            incident.response_due_at,
            incident.response_warn_at,
            incident.response_breached,
            calendar,
            now,
            done=False,
            target=target,
            patterns=words.spans,
        )
        countdown.clock = "reaction"
        return countdown
    countdown = _countdown(
        words.resolution,
        incident.resolution_due_at,
        incident.resolution_warn_at,
        incident.resolution_breached,
        calendar,
        now,
        done=not incident.is_open,
        target=target,
        paused=incident.is_open,
        patterns=words.spans,
    )
    countdown.clock = "resolution"
    return countdown


def annotate_countdowns(rows: list[Incident], now: datetime) -> None:
    """Give each queue row its `sla_countdown`. The rows' calendars come from the
    process's own copy (servicedesk.sla_calendars: no query while none has changed),
    and each calendar's schedule is built once."""
    calendars = calendars_of({row.sla_policy_id for row in rows if row.sla_policy_id})
    words = RowWords.current()
    for row in rows:
        calendar = calendars.get(row.sla_policy_id) if row.sla_policy_id is not None else None
        row.sla_countdown = row_countdown(row, calendar, now, words)
