"""Demo problems: the problem manager's (`problem-manager`, Tom Richter) weeks, played
through problems.services after the incidents demo.

The specs are in problems/demo_problems.py: a problem in every state, each with its RCA
written by the L2/L3 engineers (5 whys, fishbone causes, some confirmed or ruled out, a
timeline of events), the demo incidents it explains (incidents/demo_recurring.py), and
a known error whose knowledge article the knowledge manager published. Every step of
every problem is played in the order of time with the clock frozen at its moment, one
transaction per step, as the demo user who took it: numbers follow the order of opening
and each record's history carries who did what when.

The recurring faults of NFS share nw-nfs-01 are left unlinked on purpose: the pattern
the problem manager's workspace should find.
"""

from collections import Counter
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from incidents.demo import DEMO_TIME_ZONE, TICKETS
from incidents.models import Incident
from knowledge import services as knowledge
from knowledge.models import Status as ArticleStatus
from problems import services
from problems.demo_problems import PROBLEMS, Anchor, ProblemSpec, When
from problems.models import KNOWN_ERROR_STATUSES, Problem, ProblemIncident, Status
from servicedesk.demo import DemoData, contract_numbers, duration, frozen_clock

#: No step is played later than this before the real time.
LATEST = timedelta(minutes=2)
#: Steps of one problem are at least this far apart, whatever their anchors say.
STEP = timedelta(minutes=1)
OPENED_BY = "problem-manager"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def seed(data: DemoData) -> None:
    if Problem.objects.filter(title__in=[spec.title for spec in PROBLEMS]).exists():
        return  # seeded before: the problems are the marker
    player = _Player(data)
    events = player.schedule(PROBLEMS)
    with frozen_clock(events[0][0]) as clock:
        for moment, spec, index in events:
            clock.move_to(moment)
            with transaction.atomic():
                player.play(spec, index)


def signed(offset: str) -> timedelta:
    """'+2h' or '2h' → two hours; '-3d' → minus three days."""
    if offset.startswith("-"):
        return -duration(offset[1:])
    return duration(offset.removeprefix("+"))


def weekday_before(moment: datetime, when: str) -> datetime:
    """'sun@01:00' → 01:00 Berlin time on the last Sunday before `moment`."""
    day_name, _, clock = when.partition("@")
    hour, minute = (int(part) for part in clock.split(":"))
    local = moment.astimezone(DEMO_TIME_ZONE)
    day = local.date() - timedelta(days=(local.weekday() - WEEKDAYS.index(day_name)) % 7)
    candidate = datetime(day.year, day.month, day.day, hour, minute, tzinfo=DEMO_TIME_ZONE)
    return candidate if candidate < moment else candidate - timedelta(days=7)


class _Player:
    def __init__(self, data: DemoData) -> None:
        self.data = data
        self.titles = {ticket.key: ticket.title for ticket in TICKETS}
        self.incidents: dict[str, Incident] = {}
        self.problems: dict[str, Problem] = {}

    # ----- when ---------------------------------------------------------------------------

    def incident(self, key: str) -> Incident:
        """The incidents demo's ticket seeded under `key` (found by its title)."""
        if key not in self.incidents:
            self.incidents[key] = Incident.objects.get(
                title=self.titles[key], organisation__contract_number__in=contract_numbers()
            )
        return self.incidents[key]

    def at(self, anchor: Anchor) -> datetime:
        key, offset = anchor
        base = self.data.now if key == "now" else self.incident(key).registered_at
        if "@" in offset:
            return weekday_before(base, offset)
        return base + signed(offset)

    def timeline(self, spec: ProblemSpec) -> list[datetime]:
        """When the problem was opened and when each step happened: in order, and never
        later than just before the demo's "now"."""
        times = [self.at(spec.opened)]
        for when, *_ in spec.steps:
            times.append(max(self._after(times[-1], when), times[-1] + STEP))
        latest = self.data.now - LATEST
        return [min(moment, latest) for moment in times]

    def _after(self, previous: datetime, when: When) -> datetime:
        return previous + duration(when) if isinstance(when, str) else self.at(when)

    def schedule(self, specs: list[ProblemSpec]) -> list[tuple[datetime, ProblemSpec, int]]:
        """Every opening (step -1) and step of every problem, in the order of time."""
        events = []
        for order, spec in enumerate(specs):
            for index, moment in enumerate(self.timeline(spec)):
                events.append((moment, order, index - 1, spec))
        events.sort(key=lambda event: event[:3])
        return [(moment, spec, index) for moment, _order, index, spec in events]

    # ----- what ---------------------------------------------------------------------------

    def play(self, spec: ProblemSpec, index: int) -> None:
        if index < 0:
            self.problems[spec.key] = self._open(spec)
            return
        _when, action, username, arguments = spec.steps[index]
        problem = Problem.objects.get(pk=self.problems[spec.key].pk)
        self._step(problem, action, self.data.users[username], arguments)

    def _open(self, spec: ProblemSpec) -> Problem:
        data = self.data
        return services.problem_open(
            title=spec.title,
            description=spec.description,
            service=data.services[spec.service],
            configuration_item=data.cis[spec.ci] if spec.ci else None,
            category=spec.category,
            priority=spec.priority,
            investigator=data.users[spec.investigator] if spec.investigator else None,
            support_group=data.groups[spec.group] if spec.group else None,
            incidents=[self.incident(key) for key in spec.incidents],
            actor=data.users[OPENED_BY],
        )

    def _text(self, text: str) -> str:
        """{key} → the number of the demo ticket seeded under that key."""
        for key in self.titles:
            if "{" + key + "}" in text:
                text = text.replace("{" + key + "}", self.incident(key).number)
        return text

    def _step(self, problem: Problem, action: str, actor, a: dict[str, Any]) -> None:
        if action == "start":
            services.problem_start_investigation(problem=problem, actor=actor)
        elif action == "why":
            services.why_add(problem=problem, answer=a["answer"], actor=actor)
        elif action == "cause":
            cause = services.cause_add(
                problem=problem, category=a["category"], text=a["text"], actor=actor
            )
            if a.get("confirmed"):
                services.cause_set_confirmed(cause=cause, confirmed=True, actor=actor)
        elif action in ("confirm", "rule_out"):
            cause = problem.causes.get(text=a["text"])
            services.cause_set_confirmed(cause=cause, confirmed=action == "confirm", actor=actor)
        elif action == "event":
            at = self.at(a["at"]) if "at" in a else timezone.now()
            services.event_add(
                problem=problem, occurred_at=at, text=self._text(a["text"]), actor=actor
            )
        elif action == "findings":
            services.problem_investigate(problem=problem, actor=actor, **a)
        elif action == "link":
            incident = self.incident(a["incident"])
            services.problem_link_incident(problem=problem, incident=incident, actor=actor)
        elif action == "known_error":
            services.problem_record_known_error(problem=problem, actor=actor, **a)
        elif action == "article":
            services.problem_write_article(problem=problem, actor=actor)
        elif action in ("submit_article", "publish_article"):
            article = problem.article
            if article is None:
                raise ValueError(f"demo step {action!r}: {problem.number} has no article yet")
            if action == "submit_article":
                knowledge.article_submit(article=article, actor=actor)
            else:
                knowledge.article_publish(article=article, actor=actor)
        elif action == "resolve":
            services.problem_resolve(problem=problem, actor=actor, **a)
        elif action == "close":
            services.problem_close(problem=problem, actor=actor, **a)
        elif action == "cancel":
            services.problem_cancel(problem=problem, actor=actor, **a)
        else:
            raise ValueError(f"unknown demo step {action!r}")


# ----- what there is to see ------------------------------------------------------------------


def summary(data: DemoData) -> list[str]:
    counts = Counter(Problem.objects.values_list("status", flat=True))
    statuses = ", ".join(f"{counts.get(s.value, 0)} {s.label.lower()}" for s in Status)
    known = Problem.objects.filter(status__in=KNOWN_ERROR_STATUSES)
    published = known.filter(article__status=ArticleStatus.PUBLISHED).count()
    return [
        f"{sum(counts.values())} problems: {statuses}; {ProblemIncident.objects.count()} "
        f"incidents linked; {known.count()} known errors, {published} with a published article"
    ]
