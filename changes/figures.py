"""The figures a change manager is judged by, each aggregated in SQL (four queries,
whatever the number of changes and incidents), over the last 12 months (the current one
and the eleven before it, in local time):

- changes per month by type, counted in the month they were submitted (a draft never
  submitted is no change yet; a change revised after a rejection counts once, when it was
  last submitted);
- the share of emergency changes among them, flagged above EMERGENCY_LIMIT percent: an
  emergency is meant to be rare, and many of them say the planning is late;
- the share of changes followed by incidents: of the changes whose implementation
  finished (implemented, failed or rolled back, and later reviewed or closed), those with
  an incident registered on one of their services within CHANGE_INCIDENT_HOURS after it
  finished;
- the mean time from submission to approval, for normal and emergency changes approved
  (standard changes are approved on submission and would only pull the mean down; a
  change cancelled after its approval still counts);
- how implementations ended, by the state the change reached when its implementation
  finished: implemented (success), failed, or rolled back. A change that has moved on to
  its review or is closed is counted by the state it passed through (its history), not by
  the reviewer's judgement of it, so the rates of recent changes do not wait for reviews.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Avg, Count, Exists, F, OuterRef, Q

from changes.models import ChangeRequest, ChangeType, Status
from incidents.models import Incident, Kind
from servicedesk.figures import count_by_month_and, duration, month_starts, start_of

#: Above this share (percent) of emergency changes, the figures warn.
EMERGENCY_LIMIT = 10
TYPES = (ChangeType.STANDARD, ChangeType.NORMAL, ChangeType.EMERGENCY)


def _percent(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


@dataclass(frozen=True)
class Month:
    start: date
    #: Changes submitted in the month, by type (ChangeType value → count).
    by_type: dict[str, int]

    @property
    def standard(self) -> int:
        return self.by_type.get(ChangeType.STANDARD, 0)

    @property
    def normal(self) -> int:
        return self.by_type.get(ChangeType.NORMAL, 0)

    @property
    def emergency(self) -> int:
        return self.by_type.get(ChangeType.EMERGENCY, 0)

    @property
    def total(self) -> int:
        return sum(self.by_type.values())


@dataclass(frozen=True)
class EmergencyShare:
    emergency: int
    total: int

    @property
    def percent(self) -> float | None:
        return _percent(self.emergency, self.total)

    @property
    def flagged(self) -> bool:
        return self.percent is not None and self.percent > EMERGENCY_LIMIT

    @property
    def limit(self) -> int:
        return EMERGENCY_LIMIT


@dataclass(frozen=True)
class FollowedShare:
    followed: int
    total: int
    hours: int

    @property
    def percent(self) -> float | None:
        return _percent(self.followed, self.total)


@dataclass(frozen=True)
class MeanTime:
    mean: timedelta | None
    #: How many changes the mean is over.
    count: int

    @property
    def hours(self) -> float | None:
        return None if self.mean is None else self.mean / timedelta(hours=1)

    @property
    def days(self) -> float | None:
        return None if self.mean is None else self.mean / timedelta(days=1)


@dataclass(frozen=True)
class ApprovalTimes:
    normal: MeanTime
    emergency: MeanTime
    both: MeanTime


@dataclass(frozen=True)
class Outcomes:
    implemented: int
    failed: int
    rolled_back: int

    @property
    def total(self) -> int:
        return self.implemented + self.failed + self.rolled_back

    @property
    def success_rate(self) -> float | None:
        return _percent(self.implemented, self.total)

    @property
    def failure_rate(self) -> float | None:
        return _percent(self.failed, self.total)

    @property
    def rollback_rate(self) -> float | None:
        return _percent(self.rolled_back, self.total)


def since(now: datetime) -> datetime:
    """The start of the 12 months the figures cover (local time)."""
    return start_of(month_starts(now)[0])


def per_month(now: datetime) -> list[Month]:
    """Changes submitted in each of the last 12 months, by type: one GROUP BY query."""
    starts = month_starts(now)
    found = count_by_month_and(
        ChangeRequest.objects.filter(submitted_at__gte=start_of(starts[0]), submitted_at__lte=now),
        "submitted_at",
        "change_type",
    )
    return [
        Month(start, {kind: found[(start, kind)] for kind in TYPES if (start, kind) in found})
        for start in starts
    ]


def emergency_share(months: list[Month]) -> EmergencyShare:
    """Of the changes submitted in those months, how many were emergencies (no query)."""
    return EmergencyShare(
        sum(month.emergency for month in months), sum(month.total for month in months)
    )


def emergency_share_between(start: datetime, end: datetime) -> EmergencyShare:
    """Of the changes submitted from `start` until `end`, how many were emergencies: one
    query."""
    row = ChangeRequest.objects.filter(submitted_at__gte=start, submitted_at__lt=end).aggregate(
        total=Count("pk"), emergency=Count("pk", filter=Q(change_type=ChangeType.EMERGENCY))
    )
    return EmergencyShare(row["emergency"], row["total"])


def followed_by_incidents(now: datetime) -> FollowedShare:
    """Of the changes whose implementation finished in the last 12 months, how many had an
    incident registered on one of their services within CHANGE_INCIDENT_HOURS after it
    finished: one query."""
    return followed_between(since(now), now, inclusive=True)


def followed_between(start: datetime, end: datetime, *, inclusive: bool = False) -> FollowedShare:
    """The same for the changes whose implementation finished from `start` until `end`
    (`end` itself included if `inclusive`)."""
    hours = settings.CHANGE_INCIDENT_HOURS
    incidents = Incident.objects.filter(
        kind=Kind.INCIDENT,
        service__changes=OuterRef("pk"),
        registered_at__gte=OuterRef("finished_at"),
        registered_at__lt=OuterRef("finished_at") + timedelta(hours=hours),
    )
    # The Exists goes into the aggregate's filter, not an annotation: Django drops an
    # annotation that only a filtered aggregate uses (and SQLite reads its name as text).
    row = _finished(start, end, inclusive).aggregate(
        total=Count("pk"), followed=Count("pk", filter=Exists(incidents))
    )
    return FollowedShare(row["followed"], row["total"], hours)


def time_to_approval(now: datetime) -> ApprovalTimes:
    """Mean time from submission to the CAB's approval of the normal and emergency changes
    approved in the last 12 months: one query. (A rejection also sets decided_at, and a
    rejected change revised goes back to draft with both times cleared.)"""
    approved = Q(
        decided_at__gte=since(now),
        decided_at__lte=now,
        submitted_at__isnull=False,
    ) & ~Q(status=Status.REJECTED)
    wait = F("decided_at") - F("submitted_at")
    normal = approved & Q(change_type=ChangeType.NORMAL)
    emergency = approved & Q(change_type=ChangeType.EMERGENCY)
    row = ChangeRequest.objects.filter(approved, ~Q(change_type=ChangeType.STANDARD)).aggregate(
        normal=Avg(wait, filter=normal),
        normals=Count("pk", filter=normal),
        emergency=Avg(wait, filter=emergency),
        emergencies=Count("pk", filter=emergency),
        both=Avg(wait),
        count=Count("pk"),
    )
    return ApprovalTimes(
        MeanTime(duration(row["normal"]), row["normals"]),
        MeanTime(duration(row["emergency"]), row["emergencies"]),
        MeanTime(duration(row["both"]), row["count"]),
    )


def _finished(start: datetime, end: datetime, inclusive: bool):
    window = {"finished_at__lte" if inclusive else "finished_at__lt": end}
    return ChangeRequest.objects.filter(finished_at__gte=start, **window)


def outcomes(now: datetime) -> Outcomes:
    """How the implementations finished in the last 12 months ended: one query."""
    return outcomes_between(since(now), now, inclusive=True)


def outcomes_between(start: datetime, end: datetime, *, inclusive: bool = False) -> Outcomes:
    """How the implementations finished from `start` until `end` ended: one query."""
    history = ChangeRequest.history.model.objects.filter(id=OuterRef("pk"))
    failed = Q(status=Status.FAILED) | Q(Exists(history.filter(status=Status.FAILED)))
    rolled_back = Q(status=Status.ROLLED_BACK) | Q(
        Exists(history.filter(status=Status.ROLLED_BACK))
    )
    row = _finished(start, end, inclusive).aggregate(
        total=Count("pk"),
        failed=Count("pk", filter=failed),
        rolled_back=Count("pk", filter=rolled_back & ~failed),
    )
    failed_count, rolled_back_count = row["failed"], row["rolled_back"]
    return Outcomes(
        row["total"] - failed_count - rolled_back_count, failed_count, rolled_back_count
    )
