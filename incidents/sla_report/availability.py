"""Availability of the services a contract covers, from the outage windows of major
incidents (outage_started_at to outage_ended_at, or to now while the outage lasts),
counted only inside the contract's support hours. Overlapping outages of one service
count once."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Q

from incidents.models import Incident
from servicedesk.models import BusinessCalendar, Service, SlaPolicy


@dataclass(frozen=True)
class Window:
    """A time the service was down, within the month: one outage or several that
    overlapped. `numbers` are the major incidents behind it (staff only)."""

    start: datetime
    end: datetime
    ongoing: bool
    numbers: tuple[str, ...]
    #: The part of it inside support hours.
    downtime: timedelta


@dataclass(frozen=True)
class ServiceAvailability:
    service: Service
    #: Support hours in the month (up to now, for the month under way).
    support_time: timedelta
    downtime: timedelta
    windows: list[Window]
    target_percent: Decimal
    #: The downtime the target allows in support_time.
    allowed: timedelta

    @property
    def percent(self) -> Decimal | None:
        """Up share of the support hours, to three places; None without support hours."""
        if not self.support_time:
            return None
        up = Decimal(1) - Decimal(self.downtime / self.support_time)
        return (up * 100).quantize(Decimal("0.001"))

    @property
    def met(self) -> bool:
        return self.downtime <= self.allowed

    @property
    def excess(self) -> timedelta:
        """Downtime beyond what the target allows."""
        return max(self.downtime - self.allowed, timedelta(0))


def merged(
    spans: Iterable[tuple[datetime, datetime, bool, str]],
) -> list[tuple[datetime, datetime, bool, tuple[str, ...]]]:
    """Overlapping or touching spans joined: (start, end, ongoing, numbers)."""
    joined: list[tuple[datetime, datetime, bool, tuple[str, ...]]] = []
    for start, end, ongoing, number in sorted(spans):
        if joined and start <= joined[-1][1]:
            last = joined[-1]
            if end > last[1]:
                joined[-1] = (last[0], end, ongoing, (*last[3], number))
            else:
                joined[-1] = (last[0], last[1], last[2] or ongoing, (*last[3], number))
        else:
            joined.append((start, end, ongoing, (number,)))
    return joined


def outage_spans(
    services: list[Service], start: datetime, end: datetime
) -> dict[int, list[tuple[datetime, datetime, bool, str]]]:
    """Each covered service's outage windows clipped to [start, end), one query."""
    rows = (
        Incident.objects.filter(
            is_major=True,
            service__in=services,
            outage_started_at__lt=end,
        )
        .filter(Q(outage_ended_at__isnull=True) | Q(outage_ended_at__gt=start))
        .values_list("service_id", "number", "outage_started_at", "outage_ended_at")
    )
    spans: dict[int, list[tuple[datetime, datetime, bool, str]]] = {}
    for service_id, number, began, ended in rows:
        assert began is not None  # the filter above
        ongoing = ended is None or ended > end
        first, last = max(began, start), min(ended or end, end)
        if first < last:
            spans.setdefault(service_id, []).append((first, last, ongoing, number))
    return spans


def measure(policy: SlaPolicy, start: datetime, end: datetime) -> list[ServiceAvailability]:
    """The availability of each service the policy covers in [start, end)."""
    calendar: BusinessCalendar = policy.calendar
    services = list(policy.services.order_by("name"))
    support_time = calendar.business_time_between(start, end)
    allowed = policy.allowed_downtime(support_time)
    spans = outage_spans(services, start, end)
    measured = []
    for service in services:
        windows = [
            Window(first, last, ongoing, numbers, calendar.business_time_between(first, last))
            for first, last, ongoing, numbers in merged(spans.get(service.pk, []))
        ]
        measured.append(
            ServiceAvailability(
                service=service,
                support_time=support_time,
                downtime=sum((w.downtime for w in windows), timedelta(0)),
                windows=windows,
                target_percent=policy.availability_target_percent,
                allowed=allowed,
            )
        )
    return measured
