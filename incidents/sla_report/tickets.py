"""The organisation's tickets of the month by priority, counted in one query with the
dashboard's definitions (incidents/dashboard/cohorts.py): reaction compliance over the
tickets registered in the month whose reaction clock has a verdict, resolution
compliance over the tickets resolved in the month under the SLA."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.db.models import Count, Q, Value

from incidents.dashboard.cohorts import REACTION_DECIDED, UNDER_SLA, registered, resolved
from incidents.models import Incident
from servicedesk.dashboard import Period, percent
from servicedesk.models import Organisation, Priority, SlaPolicy


@dataclass(frozen=True)
class PriorityRow:
    #: None on the total row.
    priority: int | None
    registered: int = 0
    resolved: int = 0
    reaction_decided: int = 0
    reaction_met: int = 0
    resolution_measured: int = 0
    resolution_met: int = 0
    reaction_target: timedelta | None = None
    resolution_target: timedelta | None = None

    @property
    def label(self) -> str:
        return str(Priority(self.priority).label) if self.priority else ""

    @property
    def reaction_percent(self) -> float | None:
        return percent(self.reaction_met, self.reaction_decided)

    @property
    def resolution_percent(self) -> float | None:
        return percent(self.resolution_met, self.resolution_measured)

    @property
    def late(self) -> int:
        """Tickets resolved in the month after their resolution target."""
        return self.resolution_measured - self.resolution_met


COUNTS = [
    "registered",
    "resolved",
    "reaction_decided",
    "reaction_met",
    "resolution_measured",
    "resolution_met",
]


def _tally(condition: Q) -> Count:
    return Count(Value(1), filter=condition)


def by_priority(
    organisation: Organisation, period: Period, policy: SlaPolicy | None
) -> tuple[list[PriorityRow], PriorityRow]:
    """A row per priority that has a target or a ticket, and the total row."""
    came, went = registered(period), resolved(period)
    reacted = came & REACTION_DECIDED
    measured = went & UNDER_SLA
    counted: dict[int, Any] = {
        row["priority"]: row
        for row in Incident.objects.filter(organisation=organisation)
        .filter(came | went)
        .order_by()
        .values("priority")
        .annotate(
            registered=_tally(came),
            resolved=_tally(went),
            reaction_decided=_tally(reacted),
            reaction_met=_tally(reacted & Q(response_breached=False)),
            resolution_measured=_tally(measured),
            resolution_met=_tally(measured & Q(resolution_breached=False)),
        )
    }
    targets = {t.priority: t for t in policy.targets.all()} if policy else {}
    rows = []
    for priority in Priority.values:
        if priority not in counted and priority not in targets:
            continue
        counts = {key: counted.get(priority, {}).get(key, 0) for key in COUNTS}
        target = targets.get(priority)
        rows.append(
            PriorityRow(
                priority=priority,
                reaction_target=target.reaction if target else None,
                resolution_target=target.resolution if target else None,
                **counts,
            )
        )
    total = PriorityRow(None, **{key: sum(getattr(r, key) for r in rows) for key in COUNTS})
    return rows, total
