"""The desk manager's figures, counted in SQL. Each set of tickets is read once:

- the tickets registered in the period, grouped by day (or week) and hour;
- the tickets resolved in the period, grouped by day (or week) and assignee, and the
  median time to resolve (the band that holds it, then its middle values in order);
- the open backlog, grouped by assignee (an index-only scan of a partial index that
  holds only open tickets);
- the ratings given in the period, and the names of the agents.

The registered and resolved tickets of past days are read from the daily roll-up
(rollup.py: the same aggregates, counted once per day), the rest live; both halves
come back in one query per figure. Totals, means and the per-agent workload are added
up in Python from those groups, whose number is bounded by days × 24 and days × agents,
never by the number of tickets: nothing here loops over tickets."""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import (
    Aggregate,
    Avg,
    Case,
    Count,
    DateField,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, ExtractHour, TruncDate, TruncWeek
from django.db.models.lookups import LessThan
from django.utils import timezone

from incidents.dashboard.cohorts import (
    AGES,
    BREACHED,
    FIRST_CONTACT,
    REACHED_L2,
    REACHED_L3,
    REACHED_LINE,
    REACTION_DECIDED,
    REOPENED,
    UNDER_SLA,
    WORKED,
    aged,
    backlog,
    registered,
    resolved,
)
from incidents.models import (
    Incident,
    Kind,
    RegisteredHour,
    ResolvedDay,
    ResolvedTime,
    RollupMark,
    SatisfactionRating,
)
from servicedesk.dashboard import Period
from servicedesk.figures import duration

#: Up to this many days the charts have a column per day, beyond it one per week.
DAILY_UP_TO = 62
#: A satisfied contact: "satisfied" or "very satisfied".
SATISFIED = 4


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median of an interval or a number."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)%(filter)s"
    output_field = DurationField()


def tally(condition: Q | None = None) -> Count:
    """COUNT(*) of the rows (that meet `condition`): counting a constant, not a column, so
    that an index holding every column the query reads answers it alone."""
    return Count(Value(1), filter=condition)


def _took(end: str) -> ExpressionWrapper:
    """From registration to `end`, wall clock."""
    return ExpressionWrapper(F(end) - F("registered_at"), output_field=DurationField())


class Sums:
    """Counts and durations added up over groups of rows (the groups a query answered)."""

    __slots__ = ("counts", "times")

    def __init__(self, counts: Iterable[str], times: Iterable[str] = ()) -> None:
        self.counts: dict[str, int] = dict.fromkeys(counts, 0)
        self.times: dict[str, timedelta] = dict.fromkeys(times, timedelta(0))

    def add(self, row: Mapping[str, Any]) -> None:
        for key in self.counts:
            self.counts[key] += row[key]
        for key in self.times:
            value = row[key]
            if value is not None:
                # An interval on PostgreSQL, microseconds on SQLite.
                self.times[key] += (
                    value if isinstance(value, timedelta) else timedelta(microseconds=value)
                )

    def mean(self, time: str, count: str) -> timedelta | None:
        return self.times[time] / self.counts[count] if self.counts[count] else None


# ----- the period's columns ------------------------------------------------------------------


def weekly(period: Period) -> bool:
    return period.days > DAILY_UP_TO


def bucket_starts(period: Period) -> list[date]:
    """The first day of each chart column: each day, or the Monday of each week."""
    step = 7 if weekly(period) else 1
    day = period.first_day - timedelta(days=period.first_day.weekday() if step == 7 else 0)
    starts = []
    while day <= period.last_day:
        starts.append(day)
        day += timedelta(days=step)
    return starts


def _tz() -> tzinfo:
    return timezone.get_current_timezone()


def _column(period: Period, day: date) -> date:
    """The chart column a day belongs to: itself, or its week's Monday."""
    return day - timedelta(days=day.weekday()) if weekly(period) else day


# ----- rolled-up days and live ones ------------------------------------------------------
#
# The past days' figures come from the daily roll-up (incidents/models/rollup.py, kept by
# rollup.py), the rest (today, and any day not rolled up yet) from the tickets: each
# figure is one query, the roll-up's rows UNION ALL the live tickets' groups, added up in
# Python. The roll-up holds the same aggregates as the live side (below), so both halves
# mean the same.


#: Where the live half starts when nothing is rolled up.
NOTHING_ROLLED = datetime(2000, 1, 1, tzinfo=UTC)


def rolled_until() -> datetime:
    """Where the live half starts: the end of the last day rolled up (one query). Given
    to the queries as a value, so the planner knows the live half is small."""
    return RollupMark.objects.values_list("ends_at", flat=True).first() or NOTHING_ROLLED


def rolled_until_sql() -> Coalesce:
    """The same, read within a query of its own (one query fewer)."""
    return Coalesce(
        Subquery(RollupMark.objects.values("ends_at")[:1]),
        Value(NOTHING_ROLLED),
        output_field=DateTimeField(),
    )


def _rolled_column(period: Period) -> F | Cast:
    """A rolled-up row's chart column, in SQL: its day, or its week's Monday."""
    return Cast(TruncWeek("day"), DateField()) if weekly(period) else F("day")


def _group(rows: QuerySet, period: Period) -> QuerySet:
    return rows if period.group_id is None else rows.filter(support_group_id=period.group_id)


def _rolled(
    model: type[RegisteredHour] | type[ResolvedDay] | type[ResolvedTime], period: Period
) -> QuerySet[Any]:
    return _group(model.objects.filter(day__gte=period.first_day, day__lte=period.last_day), period)


def _sum(names: Iterable[str]) -> dict[str, Sum]:
    return {name: Sum(name) for name in names}


# ----- tickets registered in the period --------------------------------------------------


def arrival_figures() -> dict[str, Aggregate]:
    """What the registered tickets' figures count, per group of tickets (live, and in the
    roll-up's RegisteredHour rows)."""
    return {
        "total": tally(),
        "incidents": tally(Q(kind=Kind.INCIDENT)),
        "responded": tally(Q(first_response_at__isnull=False)),
        "response_time": Sum(_took("first_response_at")),
        "assigned": tally(Q(assigned_at__isnull=False)),
        "assign_time": Sum(_took("assigned_at")),
        "reaction_decided": tally(REACTION_DECIDED),
        "reaction_breached": tally(UNDER_SLA & Q(response_breached=True)),
        "breached": tally(BREACHED),
        "with_line": tally(REACHED_LINE),
        "reached_l2": tally(REACHED_L2),
        "reached_l3": tally(REACHED_L3),
    }


ARRIVAL_TIMES = ["response_time", "assign_time"]


def registered_live(period: Period, until: datetime | Coalesce) -> QuerySet[Incident]:
    """The period's registered tickets that no rolled-up day holds (those from `until`)."""
    return Incident.objects.filter(registered(period), registered_at__gte=until)


@dataclass(frozen=True)
class Arrivals:
    total: int
    responded: int
    #: Mean time from registration to the first response (wall clock).
    response_time: timedelta | None
    assigned: int
    #: Mean time from registration to the first assignment (wall clock).
    assign_time: timedelta | None
    reaction_decided: int
    reaction_breached: int
    breached: int
    #: Given to a support line at all, to L2 or L3, to L3.
    with_line: int
    reached_l2: int
    reached_l3: int


def _arrivals(period: Period, until: datetime) -> tuple[Arrivals, dict[date, Sums], list[int]]:
    """The registered tickets' figures, per column, and per hour of the day (local time):
    one query, grouped by column and hour of registration."""
    figures = arrival_figures()
    del figures["incidents"]
    live = (
        registered_live(period, until)
        .order_by()
        .annotate(
            column=TruncDate("registered_at", tzinfo=_tz()),
            hour_of_day=ExtractHour("registered_at", tzinfo=_tz()),
        )
        .values("column", "hour_of_day")
        .annotate(**figures)
    )
    rolled = (
        _rolled(RegisteredHour, period)
        .order_by()
        .annotate(column=_rolled_column(period), hour_of_day=F("hour"))
        .values("column", "hour_of_day")
        .annotate(**_sum(figures))
    )
    totals = Sums(_COUNTS_IN, ARRIVAL_TIMES)
    columns: dict[date, Sums] = defaultdict(lambda: Sums(COLUMN_IN))
    hours = [0] * 24
    for group in rolled.union(live, all=True):
        totals.add(group)
        columns[_column(period, _day(group["column"]))].add(group)
        hours[int(group["hour_of_day"])] += group["total"]
    arrived = Arrivals(
        **totals.counts,
        response_time=totals.mean("response_time", "responded"),
        assign_time=totals.mean("assign_time", "assigned"),
    )
    return arrived, columns, hours


def registered_incidents(period: Period) -> int:
    """How many incidents (not requests) were registered in the period (the problems'
    panel reads it): one query, rolled-up days and live ones."""
    incidents = registered_live(period, rolled_until_sql()).filter(kind=Kind.INCIDENT)
    live = incidents.order_by().values("kind")
    rolled = _rolled(RegisteredHour, period).order_by().values("day")
    counts = (
        rolled.annotate(n=Sum("incidents"))
        .values("n")
        .union(live.annotate(n=tally()).values("n"), all=True)
    )
    return sum(row["n"] or 0 for row in counts)


def _day(value: date | datetime | str) -> date:
    """A day as the database answered it (SQLite: text)."""
    if isinstance(value, str):
        return date.fromisoformat(value[:10])
    return value.date() if isinstance(value, datetime) else value


_COUNTS_IN = [
    "total",
    "responded",
    "assigned",
    "reaction_decided",
    "reaction_breached",
    "breached",
    "with_line",
    "reached_l2",
    "reached_l3",
]
COLUMN_IN = ["total", "reaction_decided", "reaction_breached"]


# ----- tickets resolved in the period ----------------------------------------------------


@dataclass(frozen=True)
class Resolutions:
    total: int
    #: Resolutions that are work done (not invalid, duplicate, out of scope).
    worked: int
    first_contact: int
    reopened: int
    #: Mean and median time from registration to resolution (wall clock), work done.
    mean_time: timedelta | None
    median_time: timedelta | None
    under_sla: int
    resolution_breached: int


_COUNTS_OUT = [
    "total",
    "worked",
    "first_contact",
    "reopened",
    "under_sla",
    "resolution_breached",
]
COLUMN_OUT = ["total", "under_sla", "resolution_breached"]


def resolution_figures() -> dict[str, Aggregate]:
    """What the resolved tickets' figures count, per group of tickets (live, and in the
    roll-up's ResolvedDay rows)."""
    return {
        "total": tally(),
        "worked": tally(WORKED),
        "first_contact": tally(WORKED & FIRST_CONTACT),
        "reopened": tally(WORKED & REOPENED),
        "resolve_time": Sum(_took("resolved_at"), filter=WORKED),
        "under_sla": tally(UNDER_SLA),
        "resolution_breached": tally(UNDER_SLA & Q(resolution_breached=True)),
    }


def resolved_live(period: Period, until: datetime) -> QuerySet[Incident]:
    """The period's resolved tickets that no rolled-up day holds (those from `until`)."""
    return Incident.objects.filter(resolved(period), resolved_at__gte=until)


def _resolutions(
    period: Period, until: datetime
) -> tuple[Resolutions, dict[date, Sums], dict[int, Sums]]:
    """The resolved tickets' figures, per column and per assignee: one query, and two
    for the median."""
    figures = resolution_figures()
    live = (
        resolved_live(period, until)
        .order_by()
        .annotate(column=TruncDate("resolved_at", tzinfo=_tz()), agent=F("assignee"))
        .values("column", "agent")
        .annotate(**figures)
    )
    rolled = (
        _rolled(ResolvedDay, period)
        .order_by()
        .annotate(column=_rolled_column(period), agent=F("assignee"))
        .values("column", "agent")
        .annotate(**_sum(figures))
    )
    totals = Sums(_COUNTS_OUT, ["resolve_time"])
    columns: dict[date, Sums] = defaultdict(lambda: Sums(COLUMN_OUT))
    agents: dict[int, Sums] = defaultdict(lambda: Sums(["total", "worked"], ["resolve_time"]))
    for group in rolled.union(live, all=True):
        totals.add(group)
        columns[_column(period, _day(group["column"]))].add(group)
        if group["agent"] is not None:
            agents[group["agent"]].add(group)
    worked = totals.counts["worked"]
    done = Resolutions(
        **totals.counts,
        mean_time=totals.mean("resolve_time", "worked"),
        median_time=median_time_to_resolve(period, worked, until),
    )
    return done, columns, agents


# ----- the median time to resolve ----------------------------------------------------------

#: The bands of the times to resolve that the roll-up counts (the lower bound of each but
#: the first, which starts at 0): the median is looked for in its band alone.
TIME_BANDS = [
    timedelta(minutes=minutes)
    for minutes in (
        *(5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 360, 480, 600, 720, 960),
        *(1200, 1440, 1800, 2160, 2880, 3600, 4320, 5760, 7200, 8640, 10080, 14400),
        *(20160, 30240, 43200, 64800, 86400),
    )
]


def time_band() -> Case:
    """The band (index into [0, *TIME_BANDS]) of a ticket's time to resolve, in SQL."""
    took = _took("resolved_at")
    return Case(
        *(
            When(LessThan(took, Value(bound, DurationField())), then=Value(band))
            for band, bound in enumerate(TIME_BANDS)
        ),
        default=Value(len(TIME_BANDS)),
    )


def median_time_to_resolve(period: Period, count: int, until: datetime) -> timedelta | None:
    """The median of the period's `count` resolutions that are work done (what
    percentile_cont(0.5) answers): the rolled-up and live counts per band say which band
    holds the middle, then the middle value(s) of that band are read in order from an
    index of the times to resolve (two queries; none when there is nothing to take the
    median of)."""
    if not count:
        return None
    live = (
        resolved_live(period, until)
        .filter(WORKED)
        .order_by()
        .annotate(time_band=time_band())
        .values("time_band")
        .annotate(n=tally())
    )
    rolled = (
        _rolled(ResolvedTime, period)
        .order_by()
        .annotate(time_band=F("band"))
        .values("time_band")
        .annotate(n=Sum("count"))
    )
    bands: dict[int, int] = defaultdict(int)
    for row in rolled.union(live, all=True):
        bands[row["time_band"]] += row["n"]
    below, low = 0, timedelta(0)
    for band in sorted(bands):
        if below + bands[band] > (count - 1) // 2:
            low = timedelta(0) if band == 0 else TIME_BANDS[band - 1]
            break
        below += bands[band]
    else:  # the counts moved between the two queries: read from the shortest
        below = 0
    rows = Incident.objects.filter(resolved(period) & WORKED).alias(took=_took("resolved_at"))
    return middle_median(rows.filter(took__gte=low), count, below=below)


def percentile_median(rows: QuerySet[Incident]) -> timedelta | None:
    """PostgreSQL's percentile_cont(0.5) over the times to resolve: what the median
    means (the tests check the page's median against it)."""
    return duration(rows.aggregate(median=Median(_took("resolved_at")))["median"])


def middle_median(rows: QuerySet[Incident], count: int, below: int = 0) -> timedelta | None:
    """Any database: the one or two middle times to resolve of `count` rows, averaged,
    read in order (LIMIT/OFFSET) from `rows`: those rows of the `count` that are not
    among the `below` shortest."""
    ordered = (
        rows.annotate(took=_took("resolved_at")).order_by("took").values_list("took", flat=True)
    )
    first, last = (count - 1) // 2 - below, count // 2 - below
    middle = [duration(value) for value in ordered[first : last + 1]]
    known = [value for value in middle if value is not None]
    return sum(known, timedelta(0)) / len(known) if known else None


# ----- the open backlog --------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    total: int
    breached: int
    #: Age band key (cohorts.AGES) → open tickets of that age.
    ages: dict[str, int]


def _backlog(period: Period, now: datetime) -> tuple[Backlog, dict[int, Sums]]:
    """Open tickets now, by age and breach, and per assignee: one GROUP BY query that the
    partial index of open tickets answers alone (it holds every column read)."""
    ages = {f"age_{key}": tally(aged(key, now)) for key, *_rest in AGES}
    groups = (
        Incident.objects.filter(backlog(period))
        .order_by()
        .values("assignee")
        .annotate(total=tally(), breached=tally(BREACHED), **ages)
    )
    totals = Sums(["total", "breached", *ages])
    agents: dict[int, Sums] = {}
    for group in groups:
        totals.add(group)
        if group["assignee"] is not None:
            agents[group["assignee"]] = Sums(["total", "breached"])
            agents[group["assignee"]].add(group)
    found = Backlog(
        totals.counts["total"],
        totals.counts["breached"],
        {key: totals.counts[f"age_{key}"] for key, *_rest in AGES},
    )
    return found, agents


# ----- satisfaction and workload -----------------------------------------------------------


@dataclass(frozen=True)
class Satisfaction:
    ratings: int
    satisfied: int
    mean_score: float | None


def satisfaction(period: Period) -> Satisfaction:
    """The portal ratings given in the period (of the group's tickets): one query."""
    ratings = SatisfactionRating.objects.filter(
        created_at__gte=period.start, created_at__lt=period.end
    )
    if period.group_id is not None:
        ratings = ratings.filter(incident__support_group_id=period.group_id)
    row = ratings.order_by().aggregate(
        ratings=tally(), satisfied=tally(Q(score__gte=SATISFIED)), mean_score=Avg("score")
    )
    return Satisfaction(**row)


@dataclass(frozen=True)
class AgentLoad:
    user_id: int
    name: str
    open: int
    open_breached: int
    resolved: int
    mean_time: timedelta | None


def _workload(
    open_by_agent: dict[int, Sums], resolved_by_agent: dict[int, Sums]
) -> list[AgentLoad]:
    """Per assignee: open now (and breached), resolved in the period and the mean time to
    resolve; the busiest first. One query for the names."""
    ids = set(open_by_agent) | set(resolved_by_agent)
    users = get_user_model().objects.filter(pk__in=ids).only("first_name", "last_name", "username")
    names = {user.pk: user.get_full_name() or user.get_username() for user in users} if ids else {}
    none = Sums(["total", "breached", "worked"], ["resolve_time"])
    loads = []
    for user_id in ids:
        opened, done = open_by_agent.get(user_id, none), resolved_by_agent.get(user_id, none)
        loads.append(
            AgentLoad(
                user_id,
                names.get(user_id, str(user_id)),
                opened.counts["total"],
                opened.counts["breached"],
                done.counts["total"],
                done.mean("resolve_time", "worked"),
            )
        )
    loads.sort(key=lambda load: (-load.open, -load.resolved, load.name.lower()))
    return loads


# ----- all of it -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    """One column of the charts: a day, or a week (its Monday) for long periods."""

    start: date
    registered: int = 0
    resolved: int = 0
    reaction_decided: int = 0
    reaction_breached: int = 0
    resolution_decided: int = 0
    resolution_breached: int = 0


@dataclass(frozen=True)
class DeskMetrics:
    arrivals: Arrivals
    resolutions: Resolutions
    backlog: Backlog
    satisfaction: Satisfaction
    columns: list[Column]
    #: Hour of the day (0–23, local time) → tickets registered in that hour.
    hours: list[int]
    workload: list[AgentLoad] = field(default_factory=list)


def measure(period: Period, now: datetime) -> DeskMetrics:
    """The desk's figures for `period`: eight queries, whatever the number of tickets
    (where the roll-up ends, the registered and the resolved tickets, two for the
    median, the backlog, the ratings and the agents' names)."""
    until = rolled_until()
    arrived, columns_in, hours = _arrivals(period, until)
    done, columns_out, resolved_by_agent = _resolutions(period, until)
    open_now, open_by_agent = _backlog(period, now)
    empty_in, empty_out = Sums(COLUMN_IN), Sums(COLUMN_OUT)
    columns = []
    for start in bucket_starts(period):
        arrived_then = columns_in.get(start, empty_in).counts
        left_then = columns_out.get(start, empty_out).counts
        columns.append(
            Column(
                start,
                registered=arrived_then["total"],
                resolved=left_then["total"],
                reaction_decided=arrived_then["reaction_decided"],
                reaction_breached=arrived_then["reaction_breached"],
                resolution_decided=left_then["under_sla"],
                resolution_breached=left_then["resolution_breached"],
            )
        )
    return DeskMetrics(
        arrivals=arrived,
        resolutions=done,
        backlog=open_now,
        satisfaction=satisfaction(period),
        columns=columns,
        hours=hours,
        workload=_workload(open_by_agent, resolved_by_agent),
    )
