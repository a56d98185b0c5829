"""Keyset pagination and the one capped count work for any model: here the notification
log, paged by an integer and by a datetime column with many ties."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db.models import OuterRef
from django.utils import translation

from servicedesk import pagination
from servicedesk.models import Notification
from servicedesk.pagination import (
    CappedCount,
    Tab,
    capped_count,
    capped_counts,
    counted,
    cursor_after,
    head,
    keyset_page,
    parse_cursor,
)

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def notifications(count: int) -> list[Notification]:
    """Few distinct values per sort column, so pages must break ties by id."""
    return Notification.objects.bulk_create(
        Notification(
            recipient_email=f"r{i}@example.com",
            event="ticket_assigned",
            subject="s",
            body="b",
            message_id=f"<{i}@test>",
            attempts=i % 3,
            created_at=T0 + timedelta(minutes=i % 4),
        )
        for i in range(count)
    )


def every_page(sort: str, size: int) -> list[list[int]]:
    pages, cursor = [], None
    while True:
        found = keyset_page(Notification.objects.all(), cursor, sort, size=size)
        pages.append([n.pk for n in found.rows])
        cursor = found.next_cursor
        if cursor is None:
            return pages


@pytest.mark.django_db
@pytest.mark.parametrize("sort", ["attempts", "created_at"])
def test_pages_list_every_row_once_in_sort_order(sort):
    made = notifications(23)
    pages = every_page(sort, size=5)
    assert [len(p) for p in pages] == [5, 5, 5, 5, 3]
    expected = sorted(made, key=lambda n: (getattr(n, sort), n.pk))
    assert [pk for p in pages for pk in p] == [n.pk for n in expected]


@pytest.mark.django_db
def test_a_page_is_one_query_and_reads_rows_through_the_given_queryset(
    django_assert_num_queries,
):
    notifications(8)
    cursor = keyset_page(Notification.objects.all(), None, "attempts", size=3).next_cursor
    with django_assert_num_queries(1) as captured:
        found = keyset_page(
            Notification.objects.filter(attempts__gte=0),
            cursor,
            "attempts",
            shown=Notification.objects.select_related("user"),
            size=3,
        )
    assert len(found.rows) == 3 and found.next_cursor
    assert "LIMIT 4" in captured.captured_queries[0]["sql"]


@pytest.mark.django_db
def test_the_last_page_has_no_cursor():
    notifications(3)
    found = keyset_page(Notification.objects.all(), None, "attempts", size=3)
    assert len(found.rows) == 3 and found.next_cursor is None


@pytest.mark.django_db
def test_a_datetime_cursor_round_trips_to_the_microsecond():
    [row] = notifications(1)
    row.created_at = T0 + timedelta(microseconds=7)
    value, pk = parse_cursor(cursor_after(row, "created_at"), is_time=True)
    assert (value, pk) == (row.created_at, row.pk)


@pytest.mark.parametrize("cursor", [None, "", "x", "1", "1-x", "-", "99999999999999999999-1"])
def test_a_malformed_cursor_means_the_first_page(cursor):
    assert parse_cursor(cursor, is_time=True) is None


def test_an_integer_cursor_is_value_and_pk():
    assert parse_cursor("3-41", is_time=False) == (3, 41)


@pytest.mark.parametrize("cursor", ["99999999999999999999-1", "1-99999999999999999999", "1--2"])
def test_an_integer_no_column_holds_means_the_first_page(cursor):
    assert parse_cursor(cursor, is_time=False) is None


def test_a_text_cursor_with_a_pk_no_column_holds_is_the_first_page():
    assert parse_cursor("YQ~99999999999999999999", kind=pagination.TEXT) is None


def test_counts_above_the_cap_show_as_capped_and_the_cap_itself_exactly():
    with translation.override("en"):
        assert counted(pagination.COUNT_CAP + 1).shown == "1,000+"
        assert counted(pagination.COUNT_CAP).shown == "1,000"
        assert counted(None).shown == "0"
        assert Tab("open", "Open", 1234).shown == "1,234"


@pytest.mark.django_db
def test_capped_count_counts_at_most_one_past_the_cap(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    notifications(5)
    tab = capped_count(Notification.objects.all(), key="all", label="All")
    assert (tab.key, tab.count, tab.capped, tab.shown) == ("all", 3, True, "3+")
    assert capped_count(Notification.objects.filter(attempts=0)).shown == "2"


@pytest.mark.django_db
def test_capped_count_as_an_annotation(monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    made = notifications(10)
    same_attempts = Notification.objects.filter(attempts=OuterRef("attempts"))
    annotated = Notification.objects.filter(pk=made[0].pk).annotate(n=CappedCount(same_attempts))
    assert counted(annotated.get().n).shown == "3+"


@pytest.mark.django_db
def test_capped_counts_count_many_querysets_in_one_query(monkeypatch, django_assert_num_queries):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    notifications(10)
    since = T0 + timedelta(minutes=2)
    rows = [
        Notification.objects.all(),
        Notification.objects.filter(attempts=0),
        Notification.objects.filter(created_at__gte=since),
        Notification.objects.filter(recipient_email="nobody@example.com"),
        Notification.objects.filter(pk__in=[]),
    ]
    with django_assert_num_queries(1):
        tabs = capped_counts(rows)
    assert [tab.shown for tab in tabs] == [capped_count(r).shown for r in rows]
    assert [tab.shown for tab in tabs] == ["3+", "3+", "3+", "0", "0"]
    assert capped_counts([]) == []


@pytest.mark.parametrize("text", ["", "Müller ~ Co-op", "Омега", "a~b-c==", "x" * 300])
def test_a_text_cursor_round_trips_and_is_safe_in_a_url(text):
    from urllib.parse import quote

    row = Notification(pk=42, subject=text)
    cursor = cursor_after(row, "subject")
    assert quote(cursor, safe="") == cursor  # unreserved characters only
    assert parse_cursor(cursor, kind=pagination.TEXT) == (text, 42)


@pytest.mark.parametrize("cursor", ["", "abc", "12-34", "~x", "gA~1"])
def test_a_malformed_text_cursor_is_the_first_page(cursor):
    assert parse_cursor(cursor, kind=pagination.TEXT) is None


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("sort", "cursor"),
    [
        ("subject", "YQB4~1"),  # "a\x00x": PostgreSQL takes no NUL in a parameter
        ("subject", "YQ~99999999999999999999999"),
        ("attempts", "99999999999999999999999-1"),
        ("attempts", "1-99999999999999999999999"),
        ("created_at", "253402300800000000-1"),  # a microsecond past 9999
        ("created_at", "-62135596800000001-1"),
    ],
)
def test_a_made_up_cursor_is_a_page_never_an_error(sort, cursor):
    made = notifications(3)
    page = keyset_page(Notification.objects.all(), cursor, sort, size=2)
    assert {n.pk for n in page.rows} <= {n.pk for n in made}


def test_a_text_cursor_with_a_nul_is_the_first_page():
    assert parse_cursor("YQB4~1", kind=pagination.TEXT) is None


@pytest.mark.django_db
def test_head_is_the_first_rows_and_counts_the_rest_only_when_there_is_one(
    monkeypatch, django_assert_num_queries
):
    made = notifications(7)
    rows = Notification.objects.order_by("pk")
    with django_assert_num_queries(1):
        found = head(rows, 7)
    assert [n.pk for n in found.rows] == [n.pk for n in made] and found.rest is None
    with django_assert_num_queries(2):
        found = head(rows, 5)
    assert [n.pk for n in found.rows] == [n.pk for n in made[:5]]
    assert found.rest is not None and (found.rest.count, found.rest.capped) == (2, False)
    monkeypatch.setattr(pagination, "COUNT_CAP", 6)
    rest = head(rows, 3).rest
    assert rest is not None and (rest.shown, rest.capped) == ("3+", True)
