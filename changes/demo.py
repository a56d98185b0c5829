"""Demo change management: the change manager's (`change-manager`, Priya Raman) pipeline
and the CAB's (`cab1` Jonas Brandt, `cab2` Claire Dubois) decisions, played through
changes.services after the problems demo.

The specs are in changes/demo_changes.py. First what an admin set up, weeks before the
first change: the approval policies (normal changes: both CAB members; emergency ones:
either), the standard change templates and two blackout periods. Then the changes the
engineers raised, in every state, each step played in the order of time with the clock
frozen at its moment, one transaction per step, as the demo user who took it: numbers
follow the order of raising and each change's history carries who did what when.
Windows are relative to now: carried-out changes in the past, planned ones ahead.

Two changes waiting for the CAB overlap on Virtual servers, and a third falls into the
Northwind shop's sale freeze: the conflicts the CAB agenda shows before approval.
"""

from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction

from changes import services
from changes.conflicts import conflicts_by_change
from changes.demo_changes import (
    BLACKOUTS,
    CHANGES,
    POLICIES,
    TEMPLATES,
    Anchor,
    ChangeSpec,
    When,
)
from changes.models import (
    ApprovalPolicy,
    BlackoutPeriod,
    ChangeRequest,
    StandardChangeTemplate,
    Status,
)
from incidents.demo import DEMO_TIME_ZONE, TICKETS
from incidents.models import Incident
from problems.demo import signed
from problems.demo_problems import PROBLEMS
from problems.models import Problem
from servicedesk.demo import DemoData, contract_numbers, duration, frozen_clock
from servicedesk.workflow import save_with_history

#: When the admin set change management up, before the first demo ticket.
CONFIGURED_BEFORE = timedelta(days=41)
#: No step is played later than this before the real time.
LATEST = timedelta(minutes=2)
#: Steps of one change are at least this far apart, whatever their anchors say.
STEP = timedelta(minutes=1)
#: A window planned ahead starts at least this long after now.
AHEAD = timedelta(minutes=30)
#: Windows that are not set on a clock time start on a quarter of an hour.
QUARTER = 15
CONFIGURED_BY = "admin"


def seed(data: DemoData) -> None:
    if ChangeRequest.objects.filter(title__in=[spec.title for spec in CHANGES]).exists():
        return  # seeded before: the changes are the marker
    player = _Player(data)
    with frozen_clock(data.now - CONFIGURED_BEFORE), transaction.atomic():
        player.configure()
    events = player.schedule(CHANGES)
    with frozen_clock(events[0][0]) as clock:
        for moment, spec, index in events:
            clock.move_to(moment)
            with transaction.atomic():
                player.play(spec, index)


def clock_time(moment: datetime, text: str) -> datetime:
    """`moment`'s day in Berlin at 'HH:MM'."""
    hour, minute = (int(part) for part in text.split(":"))
    day = moment.astimezone(DEMO_TIME_ZONE).date()
    return datetime.combine(day, time(hour, minute), tzinfo=DEMO_TIME_ZONE)


def on_the_quarter(moment: datetime) -> datetime:
    return moment.replace(minute=moment.minute - moment.minute % QUARTER, second=0, microsecond=0)


class _Player:
    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.ticket_titles = {ticket.key: ticket.title for ticket in TICKETS}
        self.problem_titles = {spec.key: spec.title for spec in PROBLEMS}
        self.incidents: dict[str, Incident] = {}
        self.templates: dict[str, StandardChangeTemplate] = {}
        self.changes: dict[str, ChangeRequest] = {}
        self.windows: dict[str, tuple[datetime, datetime]] = {}

    # ----- what an admin set up -------------------------------------------------------------

    def configure(self) -> None:
        admin = self.data.users[CONFIGURED_BY]
        catalogue = self.data.services
        reason = "Set up in the admin"
        for change_type, rule, quorum, approvers in POLICIES:
            policy = ApprovalPolicy(change_type=change_type, rule=rule, quorum=quorum)
            save_with_history(policy, actor=admin, reason=reason)
            policy.approvers.set([self.data.users[name] for name in approvers])
        for spec in TEMPLATES:
            template = StandardChangeTemplate(
                name=spec.name,
                description=spec.description,
                reason=spec.reason,
                implementation_plan=spec.implementation_plan,
                backout_plan=spec.backout_plan,
                test_plan=spec.test_plan,
            )
            save_with_history(template, actor=admin, reason=reason)
            template.services.set([catalogue[name] for name in spec.services])
            self.templates[spec.name] = template
        for name, text, starts, ends, covered in BLACKOUTS:
            blackout = BlackoutPeriod(
                name=name, reason=text, starts_at=self.at(starts), ends_at=self.at(ends)
            )
            blackout.full_clean()
            save_with_history(blackout, actor=admin, reason=reason)
            blackout.services.set([catalogue[name] for name in covered])

    # ----- when ---------------------------------------------------------------------------

    def incident(self, key: str) -> Incident:
        """The incidents demo's ticket seeded under `key` (found by its title)."""
        if key not in self.incidents:
            self.incidents[key] = Incident.objects.get(
                title=self.ticket_titles[key],
                organisation__contract_number__in=contract_numbers(),
            )
        return self.incidents[key]

    def at(self, anchor: Anchor, spec_key: str | None = None) -> datetime:
        """The moment an anchor names: ("now", "+3d@22:00"), ("slowapp", "-3h"),
        ("start", "+5m") of the change `spec_key`'s window."""
        base_name, text = anchor
        offset, _, clock = text.partition("@")
        if base_name == "now":
            base = self.data.now
        elif base_name in ("start", "end") and spec_key is not None:
            base = self.windows[spec_key][0 if base_name == "start" else 1]
        else:
            base = self.incident(base_name).registered_at
        moment = base + signed(offset)
        return clock_time(moment, clock) if clock else moment

    def window(self, spec: ChangeSpec) -> tuple[datetime, datetime] | None:
        if spec.window is None:
            return None
        anchor, length = spec.window
        start = self.at(anchor)
        if not anchor[1].partition("@")[2]:
            start = on_the_quarter(start)
        if anchor[0] == "now" and anchor[1].startswith("+"):
            while start < self.data.now + AHEAD:
                start += timedelta(days=1)
        return start, start + duration(length)

    def timeline(self, spec: ChangeSpec) -> list[datetime]:
        """When the change was raised and when each step happened: in order, and never
        later than just before the demo's "now"."""
        window = self.window(spec)
        if window is not None:
            self.windows[spec.key] = window
        times = [self.at(spec.raised)]
        for when, *_ in spec.steps:
            times.append(max(self._after(times[-1], when, spec), times[-1] + STEP))
        latest = self.data.now - LATEST
        return [min(moment, latest) for moment in times]

    def _after(self, previous: datetime, when: When, spec: ChangeSpec) -> datetime:
        return previous + duration(when) if isinstance(when, str) else self.at(when, spec.key)

    def schedule(self, specs: list[ChangeSpec]) -> list[tuple[datetime, ChangeSpec, int]]:
        """Every raising (step -1) and step of every change, in the order of time."""
        events = []
        for order, spec in enumerate(specs):
            for index, moment in enumerate(self.timeline(spec)):
                events.append((moment, order, index - 1, spec))
        events.sort(key=lambda event: event[:3])
        return [(moment, spec, index) for moment, _order, index, spec in events]

    # ----- what ---------------------------------------------------------------------------

    def play(self, spec: ChangeSpec, index: int) -> None:
        if index < 0:
            self.changes[spec.key] = self._raise(spec)
            return
        _when, action, username, arguments = spec.steps[index]
        change = ChangeRequest.objects.get(pk=self.changes[spec.key].pk)
        self._step(change, action, self.data.users[username], arguments)

    def _text(self, text: str) -> str:
        """{key} → the number of the demo ticket seeded under that key."""
        for key in self.ticket_titles:
            if "{" + key + "}" in text:
                text = text.replace("{" + key + "}", self.incident(key).number)
        return text

    def _problems(self, keys: list[str]) -> list[Problem]:
        titles = [self.problem_titles[key] for key in keys]
        found = list(Problem.objects.filter(title__in=titles))
        if len(found) != len(keys):
            raise ValueError(f"demo problems missing: {keys}")
        return found

    def _raise(self, spec: ChangeSpec) -> ChangeRequest:
        data = self.data
        window = self.windows.get(spec.key)
        links: dict[str, list[Any]] = {
            "services": [data.services[name] for name in spec.services],
            "configuration_items": [data.cis[name] for name in spec.cis],
            "problems": self._problems(spec.problems),
            "incidents": [self.incident(key) for key in spec.incidents],
        }
        return services.change_raise(
            title=spec.title,
            actor=data.users[spec.requester],
            change_type=spec.change_type,
            template=self.templates[spec.template] if spec.template else None,
            description=self._text(spec.description),
            reason=self._text(spec.reason),
            impact=spec.impact,
            likelihood=spec.likelihood,
            tested=spec.tested,
            backout_tested=spec.backout_tested,
            implementation_plan=spec.implementation_plan,
            backout_plan=spec.backout_plan,
            test_plan=spec.test_plan,
            planned_start=window[0] if window else None,
            planned_end=window[1] if window else None,
            implementer=data.users[spec.implementer] if spec.implementer else None,
            notify_customers=spec.notify_customers,
            # Only what the change names: an empty `services` would drop the template's.
            **{name: values for name, values in links.items() if values},
        )

    def _step(self, change: ChangeRequest, action: str, actor, a: dict[str, Any]) -> None:
        if action == "submit":
            services.change_submit(change=change, actor=actor)
        elif action == "assess":
            services.change_start_assessment(change=change, actor=actor)
        elif action == "cab":
            services.change_send_to_cab(change=change, actor=actor)
        elif action in ("approved", "rejected"):
            services.change_decide(
                change=change, decision=action, comment=a.get("comment", ""), actor=actor
            )
        elif action == "schedule":
            services.change_schedule(change=change, actor=actor)
        elif action == "start":
            services.change_start_implementation(change=change, actor=actor)
        elif action == "complete":
            services.change_complete(change=change, actor=actor)
        elif action == "fail":
            services.change_fail(change=change, actor=actor, report=a["report"])
        elif action == "roll_back":
            services.change_roll_back(change=change, actor=actor, report=a["report"])
        elif action == "review":
            services.change_start_review(change=change, actor=actor)
        elif action == "close":
            services.change_close(change=change, actor=actor, **a)
        elif action == "cancel":
            services.change_cancel(change=change, actor=actor, reason=a["reason"])
        elif action == "link":
            services.change_link(
                change=change,
                actor=actor,
                problems=self._problems(a.get("problems", [])),
                incidents=[self.incident(key) for key in a.get("incidents", [])],
            )
        else:
            raise ValueError(f"unknown demo step {action!r}")


# ----- what there is to see ------------------------------------------------------------------


def summary(data: DemoData) -> list[str]:
    counts = Counter(ChangeRequest.objects.values_list("status", flat=True))
    statuses = ", ".join(f"{counts.get(s.value, 0)} {_lower(str(s.label))}" for s in Status)
    waiting = list(ChangeRequest.objects.filter(status=Status.CAB_REVIEW))
    in_conflict = sum(1 for found in conflicts_by_change(waiting).values() if found)
    return [
        f"{sum(counts.values())} changes: {statuses}; {in_conflict} in CAB review with a "
        f"conflict; {StandardChangeTemplate.objects.count()} "
        f"standard change templates, {BlackoutPeriod.objects.count()} blackout periods"
    ]


def _lower(label: str) -> str:
    """'Draft' → 'draft'; an acronym stays: 'CAB review'."""
    return label if label[:2].isupper() else label.lower()
