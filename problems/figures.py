"""The figures a problem manager is judged by, each aggregated in SQL (a handful of
queries, whatever the number of problems and incidents):

- problems opened and closed per month, the last 12 months (closed: status closed; a
  cancelled problem was not solved);
- mean time from opening to the root cause (root_cause_at) and to the fix (resolved_at),
  over the problems that reached it in those 12 months;
- the share of incidents of the last 30 and 90 days linked to a known problem (known
  error, resolved or closed): how much of the desk's work the known error database
  explains;
- for the problems fixed most recently: incidents per 30 days on the problem's service,
  for the periods before and after the fix."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Avg, Count, F, Q

from incidents.dashboard import metrics as dashboard_metrics
from incidents.models import Incident, Kind
from problems.models import OPEN_STATUSES, Problem, ProblemIncident, Status
from servicedesk.dashboard import Period as DashboardPeriod
from servicedesk.figures import count_by_month, duration, month_starts, start_of

SHARE_WINDOWS = (30, 90)
#: Problems whose status says their cause is known.
KNOWN_STATUSES = (Status.KNOWN_ERROR, Status.RESOLVED, Status.CLOSED)
#: The fixes compared: the most recent ones within FIXES_SINCE, in PERIOD-long steps.
FIXES = 5
FIXES_SINCE = timedelta(days=180)
PERIOD = timedelta(days=30)
PERIODS_BEFORE = 3
PERIODS_AFTER = 3


@dataclass(frozen=True)
class Month:
    start: date
    opened: int
    closed: int


@dataclass(frozen=True)
class MeanTime:
    mean: timedelta | None
    #: How many problems the mean is over.
    count: int

    @property
    def days(self) -> float | None:
        return None if self.mean is None else self.mean / timedelta(days=1)


@dataclass(frozen=True)
class Share:
    days: int
    linked: int
    total: int

    @property
    def percent(self) -> float | None:
        return None if not self.total else 100 * self.linked / self.total


@dataclass(frozen=True)
class Period:
    #: Periods from the fix: -3, -2, -1 before it, 0, 1, 2 after.
    offset: int
    start: datetime
    #: Incidents on the service in the period; None for a period that has not begun.
    count: int | None
    #: Whether the period is still running (its count is so far).
    ongoing: bool = False


@dataclass(frozen=True)
class Fix:
    problem: Problem
    periods: list[Period]

    @property
    def before(self) -> list[Period]:
        return [p for p in self.periods if p.offset < 0]

    @property
    def after(self) -> list[Period]:
        return [p for p in self.periods if p.offset >= 0]


def per_month(now: datetime) -> list[Month]:
    """Problems opened and closed in each of the last 12 months: two GROUP BY queries."""
    starts = month_starts(now)
    since = start_of(starts[0])
    opened = count_by_month(Problem.objects.filter(created_at__gte=since), "created_at")
    closed = count_by_month(
        Problem.objects.filter(status=Status.CLOSED, closed_at__gte=since), "closed_at"
    )
    return [Month(start, opened.get(start, 0), closed.get(start, 0)) for start in starts]


def mean_times(now: datetime) -> tuple[MeanTime, MeanTime]:
    """(to the root cause, to the fix), over the problems that got there in the last
    12 months: one query."""
    since = now - timedelta(days=365)
    found_cause = Q(root_cause_at__gte=since)
    fixed = Q(resolved_at__gte=since)
    row = Problem.objects.aggregate(
        cause=Avg(F("root_cause_at") - F("created_at"), filter=found_cause),
        causes=Count("pk", filter=found_cause),
        fix=Avg(F("resolved_at") - F("created_at"), filter=fixed),
        fixes=Count("pk", filter=fixed),
    )
    return MeanTime(duration(row["cause"]), row["causes"]), MeanTime(
        duration(row["fix"]), row["fixes"]
    )


#: An incident linked to a problem whose cause is known.
LINKED_TO_KNOWN = Q(problem_link__problem__status__in=KNOWN_STATUSES)
#: The open problems' age bands: key, (youngest, oldest) age in days.
AGE_BANDS = (("month", 0, 30), ("quarter", 30, 90), ("half", 90, 180), ("older", 180, None))


def known_problem_shares(now: datetime) -> list[Share]:
    """Of the incidents registered in the last 30 and 90 days, how many are linked to a
    problem whose cause is known: one query."""
    known = LINKED_TO_KNOWN
    counts = {}
    for days in SHARE_WINDOWS:
        recent = Q(registered_at__gte=now - timedelta(days=days))
        counts[f"total{days}"] = Count("pk", filter=recent)
        counts[f"linked{days}"] = Count("pk", filter=recent & known)
    row = Incident.objects.filter(
        kind=Kind.INCIDENT, registered_at__gte=now - timedelta(days=max(SHARE_WINDOWS))
    ).aggregate(**counts)
    return [Share(days, row[f"linked{days}"], row[f"total{days}"]) for days in SHARE_WINDOWS]


def known_problem_share(period: DashboardPeriod) -> tuple[int, int]:
    """(linked to a known problem, all) of the incidents registered in the period (of
    its support group, if it names one): the incidents counted by the dashboard's
    figures (rolled up by day), the links read from the links alone (an incident has one
    at most). Two queries."""
    total = dashboard_metrics.registered_incidents(period)
    links = ProblemIncident.objects.filter(
        problem__status__in=KNOWN_STATUSES,
        incident__kind=Kind.INCIDENT,
        incident__registered_at__gte=period.start,
        incident__registered_at__lt=period.end,
    )
    if period.group_id is not None:
        links = links.filter(incident__support_group_id=period.group_id)
    return links.count(), total


def open_by_age(now: datetime, *, group_id: int | None = None) -> dict[str, int]:
    """The open problems (of one support group's, if given) by age band (AGE_BANDS), and
    "total": one query."""
    bands = {}
    for key, youngest, oldest in AGE_BANDS:
        band = Q(created_at__lte=now - timedelta(days=youngest))
        if oldest is not None:
            band &= Q(created_at__gt=now - timedelta(days=oldest))
        bands[key] = Count("pk", filter=band)
    problems = Problem.objects.filter(status__in=OPEN_STATUSES)
    if group_id is not None:
        problems = problems.filter(support_group_id=group_id)
    return problems.order_by().aggregate(total=Count("pk"), **bands)


def recent_fixes(now: datetime) -> list[Fix]:
    """The FIXES most recently resolved problems (with a service), each with the
    incidents on its service per period before and after the fix: two queries."""
    problems = list(
        Problem.objects.filter(
            resolved_at__gte=now - FIXES_SINCE, resolved_at__lte=now, service__isnull=False
        )
        .select_related("service")
        .only("number", "title", "status", "resolved_at", "service__name")
        .order_by("-resolved_at", "-pk")[:FIXES]
    )
    if not problems:
        return []
    counts = {
        _name(problem, offset): Count(
            "pk",
            filter=Q(
                service_id=problem.service_id,
                registered_at__gte=start,
                registered_at__lt=start + PERIOD,
            ),
        )
        for problem in problems
        for offset, start in _periods(problem)
    }
    row = Incident.objects.filter(
        kind=Kind.INCIDENT,
        service_id__in={problem.service_id for problem in problems},
        registered_at__gte=min(_start(problem, -PERIODS_BEFORE) for problem in problems),
        registered_at__lt=now,
    ).aggregate(**counts)
    return [
        Fix(
            problem,
            [
                Period(
                    offset,
                    start,
                    row[_name(problem, offset)] if start <= now else None,
                    ongoing=start <= now < start + PERIOD,
                )
                for offset, start in _periods(problem)
            ],
        )
        for problem in problems
    ]


def _periods(problem: Problem) -> list[tuple[int, datetime]]:
    return [(offset, _start(problem, offset)) for offset in range(-PERIODS_BEFORE, PERIODS_AFTER)]


def _start(problem: Problem, offset: int) -> datetime:
    assert problem.resolved_at is not None
    return problem.resolved_at + offset * PERIOD


def _name(problem: Problem, offset: int) -> str:
    return f"p{problem.pk}_{offset + PERIODS_BEFORE}"
