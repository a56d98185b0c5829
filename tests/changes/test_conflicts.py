"""Conflicts before approval: overlapping windows on a shared service or configuration
item, touching windows, time zones, and blackout periods."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from changes.conflicts import clashing, conflicts_by_change, conflicts_for, overlaps
from changes.models import BlackoutPeriod, ChangeRequest, Status
from tests.changes.factories import ChangeFactory
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")
BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def at(hour: int, minute: int = 0, tz=UTC) -> datetime:
    return datetime(2026, 12, 10, hour, minute, tzinfo=tz)


def planned(start, end, *, services=(), cis=(), status=Status.SUBMITTED):
    return ChangeFactory(
        status=status,
        planned_start=start,
        planned_end=end,
        services=list(services),
        configuration_items=list(cis),
    )


@pytest.fixture
def web():
    return ServiceFactory(name="Web hosting")


def test_windows_are_half_open():
    assert overlaps(at(1), at(3), at(2), at(4))
    assert not overlaps(at(1), at(2), at(2), at(3))  # touching
    assert overlaps(at(1), at(5), at(2), at(3))  # inside
    assert not overlaps(at(1), at(2), None, at(3))


def test_overlapping_windows_on_the_same_service_conflict(web):
    first = planned(at(1), at(3), services=[web])
    second = planned(at(2), at(4), services=[web])
    [conflict] = conflicts_for(first)
    assert conflict.change == second
    assert conflict.services == (web,)
    assert [c.change for c in conflicts_for(second)] == [first]


def test_touching_windows_do_not_conflict(web):
    first = planned(at(1), at(2), services=[web])
    planned(at(2), at(3), services=[web])
    assert conflicts_for(first) == []


def test_overlapping_windows_on_other_services_do_not_conflict(web):
    first = planned(at(1), at(3), services=[web])
    planned(at(2), at(4), services=[ServiceFactory(name="Mail")])
    assert conflicts_for(first) == []


def test_a_shared_configuration_item_conflicts(web):
    ci = ConfigurationItemFactory(service=web, name="lb-01")
    first = planned(at(1), at(3), cis=[ci])
    planned(at(2), at(4), cis=[ci])
    [conflict] = conflicts_for(first)
    assert conflict.configuration_items == (ci,)


def test_windows_typed_in_different_time_zones_compare_in_real_time(web):
    # 10:00–11:00 in Berlin is 09:00–10:00 UTC; 04:30 in New York is 09:30 UTC.
    berlin = planned(at(10, tz=BERLIN), at(11, tz=BERLIN), services=[web])
    new_york = planned(at(4, 30, tz=NEW_YORK), at(5, 30, tz=NEW_YORK), services=[web])
    assert [c.change for c in conflicts_for(berlin)] == [new_york]
    # 05:00 in New York (10:00 UTC) touches Berlin's end: no conflict.
    later = planned(at(5, tz=NEW_YORK), at(6, tz=NEW_YORK), services=[web])
    assert later not in [c.change for c in conflicts_for(berlin)]


@pytest.mark.parametrize(
    ("status", "counts"),
    [
        (Status.DRAFT, False),
        (Status.CAB_REVIEW, True),
        (Status.SCHEDULED, True),
        (Status.CANCELLED, False),
        (Status.CLOSED, False),
    ],
)
def test_only_planned_changes_count(web, status, counts):
    first = planned(at(1), at(3), services=[web])
    other = planned(at(2), at(4), services=[web], status=status)
    assert (other in [c.change for c in conflicts_for(first)]) is counts


def test_a_blackout_on_the_service_conflicts(web):
    change = planned(at(1), at(3), services=[web])
    blackout = BlackoutPeriod.objects.create(name="Black Friday", starts_at=at(2), ends_at=at(9))
    blackout.services.set([web])
    [conflict] = conflicts_for(change)
    assert conflict.blackout == blackout and conflict.services == (web,)


def test_a_blackout_without_services_covers_every_service(web):
    change = planned(at(1), at(3), services=[web])
    BlackoutPeriod.objects.create(name="Year-end freeze", starts_at=at(0), ends_at=at(23))
    [conflict] = conflicts_for(change)
    assert conflict.everywhere


def test_a_blackout_elsewhere_or_touching_does_not_conflict(web):
    change = planned(at(1), at(3), services=[web])
    other = BlackoutPeriod.objects.create(name="Mail freeze", starts_at=at(0), ends_at=at(23))
    other.services.set([ServiceFactory(name="Mail")])
    BlackoutPeriod.objects.create(name="Before", starts_at=at(0), ends_at=at(1))
    assert conflicts_for(change) == []


def test_a_draft_sees_its_conflicts_before_it_is_submitted(web):
    draft = planned(at(1), at(3), services=[web], status=Status.DRAFT)
    other = planned(at(2), at(4), services=[web])
    assert [c.change for c in conflicts_for(draft)] == [other]


def test_the_agenda_reads_conflicts_in_a_fixed_number_of_queries(
    web, django_assert_max_num_queries
):
    changes = [planned(at(h), at(h + 2), services=[web]) for h in range(0, 8)]
    BlackoutPeriod.objects.create(name="Freeze", starts_at=at(4), ends_at=at(4, 30))
    with django_assert_max_num_queries(5):
        found = conflicts_by_change(changes)
    # 03–05 meets 02–04 and 04–06, touches 01–03 and 05–07, and sits in the freeze.
    mine = found[changes[3].pk]
    assert sorted(c.change.pk for c in mine if c.change) == [changes[2].pk, changes[4].pk]
    assert [c.blackout.name for c in mine if c.blackout] == ["Freeze"]


def test_the_index_finds_what_comparing_every_pair_finds(web):
    """A long window, windows inside it, touching ones, shared items and services:
    conflicts_by_change (compared through an index) finds the pairs a brute force does."""
    dns = ServiceFactory(name="DNS")
    router = ConfigurationItemFactory(name="edge-router-1", service=dns)
    changes = [
        planned(at(0), at(23), services=[web]),
        planned(at(1), at(2), services=[web]),
        planned(at(20), at(21), services=[web, dns]),
        planned(at(21), at(22), services=[dns], cis=[router]),
        planned(at(22), at(23, 30), cis=[router]),
        planned(at(22, 30), at(23, 45), services=[web], cis=[router]),
        planned(at(5), at(6), services=[dns]),
        planned(at(5, 30), at(7), services=[ServiceFactory(name="VPN")]),
    ]
    found = conflicts_by_change(changes)

    def links(change):
        return {("s", s.pk) for s in change.services.all()} | {
            ("c", c.pk) for c in change.configuration_items.all()
        }

    expected = {
        (a.pk, b.pk)
        for a in changes
        for b in changes
        if a.pk != b.pk
        and overlaps(a.planned_start, a.planned_end, b.planned_start, b.planned_end)
        and links(a) & links(b)
    }
    assert {(pk, c.change.pk) for pk, cs in found.items() for c in cs if c.change} == expected
    assert (changes[0].pk, changes[5].pk) in expected  # the long window reaches the last


def test_the_sql_form_picks_the_changes_that_have_a_conflict(web):
    """changes.conflicts.clashing (what the conflicts page pages and counts) agrees with
    conflicts_by_change, change by change."""
    dns, vpn = ServiceFactory(name="DNS"), ServiceFactory(name="VPN")
    router = ConfigurationItemFactory(name="edge-router-1", service=dns)
    changes = [
        planned(at(1), at(3), services=[web]),
        planned(at(2), at(4), services=[web]),  # overlaps the first on the service
        planned(at(4), at(5), services=[web]),  # touches the second only
        planned(at(1), at(3), cis=[router]),
        planned(at(2), at(3), services=[vpn], cis=[router]),  # shares the item
        planned(at(6), at(7), services=[dns]),  # in the freeze on DNS
        planned(at(8), at(9), services=[vpn]),  # in the freeze on every service
        planned(at(10), at(11), services=[vpn]),  # in a freeze on DNS only: none
        planned(at(12), at(13), services=[web], status=Status.SCHEDULED),
        planned(at(12), at(13), services=[web], status=Status.IMPLEMENTED),  # carried out
    ]
    BlackoutPeriod.objects.create(name="DNS freeze", starts_at=at(6), ends_at=at(7)).services.add(
        dns
    )
    BlackoutPeriod.objects.create(name="Freeze", starts_at=at(8, 30), ends_at=at(8, 45))
    BlackoutPeriod.objects.create(
        name="Other DNS freeze", starts_at=at(10), ends_at=at(11)
    ).services.add(dns)
    pks = [c.pk for c in changes]

    found = conflicts_by_change(changes)
    in_sql = set(clashing(ChangeRequest.objects.filter(pk__in=pks)).values_list("pk", flat=True))

    assert in_sql == {pk for pk in pks if found.get(pk)}
    assert in_sql == {pks[i] for i in (0, 1, 3, 4, 5, 6, 9)}
