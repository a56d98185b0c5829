"""Building blocks of the figures an app's workspace shows, aggregated in SQL: the last
months in local time, rows counted per month (and per any other column), and mean
durations read the same way on PostgreSQL and SQLite."""

from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Count, DateField, QuerySet
from django.db.models.functions import TruncMonth
from django.utils import timezone

MONTHS = 12


def month_starts(now: datetime, months: int = MONTHS) -> list[date]:
    """The first days of the last `months` months up to now's (local time), oldest first."""
    today = timezone.localdate(now)
    year, month = today.year, today.month
    starts = []
    for _ in range(months):
        starts.append(date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return starts[::-1]


def start_of(day: date) -> datetime:
    """The first moment of a day in the current time zone."""
    return timezone.make_aware(datetime.combine(day, datetime.min.time()))


def count_by_month(rows: QuerySet[Any], field: str) -> dict[date, int]:
    """How many of `rows` fall in each month of the datetime `field` (local time): one
    GROUP BY query."""
    found = (
        rows.order_by()
        .annotate(month=TruncMonth(field, output_field=DateField()))
        .values("month")
        .annotate(n=Count("pk"))
        .values_list("month", "n")
    )
    return {as_date(month): n for month, n in found}


def count_by_month_and(rows: QuerySet[Any], field: str, by: str) -> dict[tuple[date, Any], int]:
    """How many of `rows` fall in each month of `field` (local time) with each value of
    the column `by`: one GROUP BY query."""
    found = (
        rows.order_by()
        .annotate(month=TruncMonth(field, output_field=DateField()))
        .values("month", by)
        .annotate(n=Count("pk"))
        .values_list("month", by, "n")
    )
    return {(as_date(month), value): n for month, value, n in found}


def as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def duration(value: Any) -> timedelta | None:
    """An average of durations: a timedelta on PostgreSQL, microseconds on SQLite."""
    if value is None or isinstance(value, timedelta):
        return value
    return timedelta(microseconds=float(value))
