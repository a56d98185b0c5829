"""Keyset pagination and the one capped count, for any model's lists.

A page starts after the sort value and primary key of the last row shown (the cursor),
never at an OFFSET, so a deep page costs what the first does. Counts stop at COUNT_CAP
and show as "1,000+", so no tab or figure scans an unbounded set."""

import binascii
from base64 import urlsafe_b64decode, urlsafe_b64encode
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections, models
from django.db.models import IntegerField, Q, QuerySet, Subquery
from django.utils.formats import number_format
from django.utils.functional import Promise

PAGE_SIZE = 50
#: Counts above this are shown as "1,000+" so no page scans an unbounded set.
COUNT_CAP = 1000


# ----- the capped count ------------------------------------------------------------------


@dataclass
class Tab:
    """A labelled count: a list's tab, a dashboard's figure."""

    key: str
    label: str | Promise
    count: int
    capped: bool = False

    @property
    def shown(self) -> str:
        """'1,000+' for a capped count, else the count ('1,234' grouped by locale)."""
        text = number_format(self.count, force_grouping=True)
        return f"{text}+" if self.capped else text


def capped_count(rows: QuerySet[Any], *, key: str = "", label: str | Promise = "") -> Tab:
    """How many rows there are, counting at most COUNT_CAP + 1 of them."""
    return counted(rows.order_by().values("pk")[: COUNT_CAP + 1].count(), key=key, label=label)


def capped_counts(querysets: list[QuerySet[Any]]) -> list[Tab]:
    """How many rows each queryset has (each counted to at most COUNT_CAP + 1), in one
    query whatever their number: one scalar subquery per count, as capped_count runs it."""
    if not querysets:
        return []
    parts, params = [], []
    for n, rows in enumerate(querysets):
        ids = rows.order_by().values("pk")[: COUNT_CAP + 1]
        try:
            sql, given = ids.query.get_compiler(using=querysets[0].db).as_sql()
        except EmptyResultSet:  # .none(), or a filter nothing can match (pk__in=[])
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS capped_{n})")
        params.extend(given)
    with connections[querysets[0].db].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        found = cursor.fetchone()
    return [counted(n) for n in found]


class CappedCount(Subquery):
    """As an annotation: how many rows a correlated queryset has, counting at most
    COUNT_CAP + 1 of them (read the value with `counted`)."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS capped)"
    output_field = IntegerField()

    def __init__(self, rows: QuerySet[Any]) -> None:
        super().__init__(rows.order_by().values("pk")[: COUNT_CAP + 1])


def counted(n: int | None, *, key: str = "", label: str | Promise = "") -> Tab:
    """The Tab of a count taken over at most COUNT_CAP + 1 rows."""
    n = n or 0
    return Tab(key=key, label=label, count=min(n, COUNT_CAP), capped=n > COUNT_CAP)


def total_of(tabs: list[Tab]) -> Tab:
    """The "All" tab over these tabs: capped when any of them is."""
    total = counted(sum(tab.count for tab in tabs))
    total.capped = total.capped or any(tab.capped for tab in tabs)
    return total


def days_between(start: datetime, end: datetime) -> int:
    """Whole days from start to end (an age on a list row), never negative."""
    return max(0, (end - start).days)


# ----- the first rows of a list that is not paged -----------------------------------------


@dataclass
class Head[T]:
    """The first rows of a list that shows no more than a page (a calendar, a picker)."""

    rows: list[T]
    #: How many rows are not shown (a capped count: "1,000+"), None when all are shown.
    rest: Tab | None = None


def head[M: models.Model](rows: QuerySet[M], limit: int) -> Head[M]:
    """The first `limit` of the ordered `rows` and, only when there are more, how many
    more (counted to COUNT_CAP): one query, and one more when they do not all fit."""
    found = list(rows[: limit + 1])
    if len(found) <= limit:
        return Head(found)
    total = capped_count(rows)
    rest = counted(max(1, total.count - limit))
    rest.capped = total.capped
    return Head(found[:limit], rest)


# ----- keyset pagination -----------------------------------------------------------------


@dataclass
class Page[M: models.Model]:
    rows: list[M]
    #: Where the next page starts (the `after` parameter), None on the last page.
    next_cursor: str | None


def keyset_page[M: models.Model](
    rows: QuerySet[M],
    cursor: str | None,
    sort: str,
    *,
    shown: QuerySet[M] | None = None,
    size: int | None = None,
    keys: Mapping[str, Any] | None = None,
) -> Page[M]:
    """One page of `rows` sorted by (`sort`, pk), starting after `cursor`: one query
    whatever the page.

    `sort` names an integer, datetime or text column that is not null in `rows`,
    "-column" for newest / largest / Z first (the pk then descends too); or one of `keys`,
    expressions annotated on `rows` and `shown` to sort by (a related record's name, a
    rank: never null either, e.g. through Coalesce). The page's primary keys are chosen
    from `rows` alone (an index can serve filter and order), then only those rows are
    read through `shown` (e.g. with select_related), so nothing is joined for rows the
    page does not show."""
    size = size or PAGE_SIZE
    column = sort.removeprefix("-")
    descending = sort != column
    order = (sort, "-pk" if descending else "pk")
    source = shown if shown is not None else rows.model._default_manager.all()
    if keys:
        rows, source = rows.annotate(**keys), source.annotate(**keys)
    ids = rows.order_by(*order)
    after = parse_cursor(cursor, kind=_kind(rows, column))
    if after is not None:
        value, pk = after
        beyond, reaching = ("lt", "lte") if descending else ("gt", "gte")
        ids = ids.filter(
            Q(**{f"{column}__{beyond}": value}) | Q(**{column: value, f"pk__{beyond}": pk})
        )
        # The redundant bound gives the planner a start for its range scan of the index.
        ids = ids.filter(**{f"{column}__{reaching}": value})
    found = list(source.filter(pk__in=ids.values("pk")[: size + 1]).order_by(*order))
    if len(found) <= size:
        return Page(found, None)
    found = found[:size]
    return Page(found, cursor_after(found[-1], column))


NUMBER, TIME, TEXT = "number", "time", "text"
#: The largest value an integer column holds (a 64-bit one).
BIGGEST = 2**63 - 1


def cursor_after(row: models.Model, sort: str) -> str:
    """'<value>-<pk>'; a datetime as microseconds since the epoch; a text as
    '<base64url of its UTF-8>~<pk>' (safe in a URL as it is)."""
    value = getattr(row, sort)
    if isinstance(value, str):
        encoded = urlsafe_b64encode(value.encode()).decode().rstrip("=")
        return f"{encoded}~{row.pk}"
    if isinstance(value, datetime):
        value = int(value.timestamp() * 1_000_000)
    return f"{value}-{row.pk}"


def parse_cursor(
    cursor: str | None, is_time: bool = False, *, kind: str | None = None
) -> tuple[Any, int] | None:
    """(value, pk) of a cursor, or None for none or a malformed one (the first page)."""
    kind = kind or (TIME if is_time else NUMBER)
    if not cursor:
        return None
    if kind == TEXT:
        return _parse_text(cursor)
    try:
        value, pk = (int(part) for part in cursor.split("-", 1))
    except ValueError:
        return None
    if not (-BIGGEST <= value <= BIGGEST and 0 <= pk <= BIGGEST):
        return None  # no column holds it: a made-up cursor
    if kind == TIME:
        try:
            return datetime.fromtimestamp(value / 1_000_000, tz=UTC), pk
        except (OverflowError, OSError, ValueError):
            return None
    return value, pk


def _parse_text(cursor: str) -> tuple[str, int] | None:
    encoded, _sep, pk = cursor.rpartition("~")
    try:
        value = urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4)).decode()
        found = value, int(pk)
    except (ValueError, binascii.Error):  # UnicodeDecodeError is a ValueError
        return None
    # No stored text holds a NUL, and PostgreSQL refuses one in a parameter: a made-up
    # cursor, not an error.
    return None if "\x00" in value or not 0 <= found[1] <= BIGGEST else found


def _kind(rows: QuerySet[Any], name: str) -> str:
    annotation = rows.query.annotations.get(name)
    field = annotation.output_field if annotation is not None else rows.model._meta.get_field(name)
    if isinstance(field, models.DateTimeField):
        return TIME
    if isinstance(field, models.CharField | models.TextField):
        return TEXT
    return NUMBER
