"""One organisation's SLA report for one month, put together."""

import zoneinfo
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from incidents.sla_report.availability import ServiceAvailability, measure
from incidents.sla_report.tickets import PriorityRow, by_priority
from servicedesk.dashboard import Period
from servicedesk.models import Organisation, ServiceCredit, SlaPolicy


@dataclass(frozen=True)
class SlaReport:
    organisation: Organisation
    #: None when the organisation has no active SLA: only the tickets are reported.
    policy: SlaPolicy | None
    #: The first day of the month.
    month: date
    time_zone: zoneinfo.ZoneInfo
    start: datetime
    #: The end of the month, or now for the month under way.
    end: datetime
    under_way: bool
    #: When these figures were counted.
    made_at: datetime
    priorities: list[PriorityRow]
    total: PriorityRow
    services: list[ServiceAvailability]
    credit: ServiceCredit | None

    @property
    def previous_month(self) -> date:
        return (self.month - timedelta(days=1)).replace(day=1)

    @property
    def next_month(self) -> date | None:
        """None for the month under way (a report of the future has nothing in it)."""
        return None if self.under_way else next_month(self.month)


def next_month(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def zone_of(organisation: Organisation) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(organisation.time_zone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def month_bounds(month: date, tz: zoneinfo.ZoneInfo) -> tuple[datetime, datetime]:
    """Midnight on the first of the month to midnight on the first of the next, in `tz`."""
    return (
        datetime.combine(month, time.min, tzinfo=tz),
        datetime.combine(next_month(month), time.min, tzinfo=tz),
    )


def has_begun(organisation: Organisation, month: date, now: datetime) -> bool:
    return month_bounds(month, zone_of(organisation))[0] <= now


def build(organisation: Organisation, month: date, now: datetime) -> SlaReport:
    """The report of `month` (its first day) as it stands at `now`."""
    tz = zone_of(organisation)
    start, end = month_bounds(month, tz)
    under_way = now < end
    end = min(end, now)
    policy = SlaPolicy.for_organisation(organisation)
    period = Period(start=start, end=end, first_day=month, last_day=end.astimezone(tz).date())
    priorities, total = by_priority(organisation, period, policy)
    services = measure(policy, start, end) if policy else []
    credit = None
    if policy:
        credit = policy.service_credit(
            excess_downtime=[s.excess for s in services], late=total.late
        )
    return SlaReport(
        organisation=organisation,
        policy=policy,
        month=month,
        time_zone=tz,
        start=start,
        end=end,
        under_way=under_way,
        made_at=now,
        priorities=priorities,
        total=total,
        services=services,
        credit=credit,
    )
