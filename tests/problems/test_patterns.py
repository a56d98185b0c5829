"""Candidate patterns (problems/patterns.py): recent incidents no problem covers, grouped
by service, configuration item, category within a service and shared title words; a
planted pattern is found among noise, the noise is not, and the number of queries does
not grow with the incidents."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents.models import Kind
from problems.patterns import LINK_CAP, find_patterns, pattern_for_key
from tests.factories import ConfigurationItemFactory, ContactFactory, ServiceFactory
from tests.problems.bulk import incident, save
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
DAY = timedelta(days=1)


@pytest.fixture
def contact():
    return ContactFactory()


def noise(n, *, contact, start=0):
    """Incidents that share nothing: a service, a CI and a title of their own each (a
    few share a category on no service), spread over the 30 days."""
    rows = []
    for i in range(start, start + n):
        service = ServiceFactory(name=f"Noise service {i}") if i % 3 == 0 else None
        rows.append(
            incident(
                f"Qx{i:05d}z trouble with Wv{i:05d}k",
                NOW - (i % 29) * DAY - timedelta(hours=1),
                contact=contact,
                service=service,
                category=["outage", "error", "other"][i % 3],
            )
        )
    return save(rows)


def keys(patterns):
    return {p.key for p in patterns}


class TestPlantedPatterns:
    def test_finds_each_planted_pattern_among_noise_and_nothing_else(self, contact):
        mail = ServiceFactory(name="Mail")
        database = ServiceFactory(name="Database")
        db7 = ConfigurationItemFactory(name="db-7", service=database)
        hosting = ServiceFactory(name="Hosting")
        noise(150, contact=contact)
        save(
            [
                # Five on Mail, each its own wording and category "other": a service pattern.
                *[
                    incident(f"Ab{i}x Cd{i}y", NOW - i * DAY, contact=contact, service=mail)
                    for i in range(5)
                ],
                # Three on one CI: a CI pattern (its service's pattern is the same incidents).
                *[
                    incident(f"Ef{i}x slow Gh{i}y", NOW - (2 + i) * DAY, contact=contact, ci=db7)
                    for i in range(3)
                ],
                # Four outages of Hosting among two other categories there.
                *[
                    incident(
                        f"Ij{i}x Kl{i}y",
                        NOW - (3 * i + 1) * DAY,
                        contact=contact,
                        service=hosting,
                        category="outage",
                    )
                    for i in range(4)
                ],
                # Wording: the same two words, in any order, case or punctuation.
                incident("VPN drops every hour", NOW - 1 * DAY, contact=contact),
                incident("vpn connection drops", NOW - 9 * DAY, contact=contact),
                incident("Drops of the VPN, again!", NOW - 12 * DAY, contact=contact),
                incident("VPN: drops", NOW - 20 * DAY, contact=contact),
            ]
        )

        found = find_patterns(now=NOW)

        hosting_outage = f"category:{hosting.pk}:outage"
        assert keys(found) == {
            f"service:{mail.pk}",
            f"ci:{db7.pk}",
            hosting_outage,
            "words:drops vpn",
        }
        by_key = {p.key: p for p in found}
        assert (by_key[f"service:{mail.pk}"].n30, by_key[f"service:{mail.pk}"].n7) == (5, 5)
        assert (by_key[hosting_outage].n30, by_key[hosting_outage].n7) == (4, 3)
        assert by_key["words:drops vpn"].n30 == 4

    def test_ignores_old_covered_and_too_few_incidents_requests_and_major_incident_children(
        self, contact
    ):
        old, covered, few, requests, major = (
            ServiceFactory(name=name) for name in ("Old", "Covered", "Few", "Requests", "Major")
        )
        parent = save([incident("Datacentre power loss", NOW - DAY, contact=contact)])[0]
        rows = save(
            [
                *[
                    incident(f"Aa{i}b", NOW - 31 * DAY - i * DAY, contact=contact, service=old)
                    for i in range(5)
                ],
                *[
                    incident(f"Cc{i}d", NOW - i * DAY, contact=contact, service=covered)
                    for i in range(5)
                ],
                *[
                    incident(f"Ee{i}f", NOW - i * DAY, contact=contact, service=few)
                    for i in range(2)
                ],
                *[
                    incident(
                        f"Gg{i}h",
                        NOW - i * DAY,
                        contact=contact,
                        service=requests,
                        kind=Kind.REQUEST,
                    )
                    for i in range(5)
                ],
                *[
                    incident(
                        f"Ii{i}j",
                        NOW - i * DAY,
                        contact=contact,
                        service=major,
                        parent=parent,
                    )
                    for i in range(5)
                ],
            ]
        )
        ProblemFactory(incidents=[r for r in rows if r.service_id == covered.pk])

        assert find_patterns(now=NOW) == []

    def test_the_window_is_thirty_days_back_from_now(self, contact):
        mail = ServiceFactory(name="Mail")
        save(
            [
                incident(f"Mm{i}n", NOW - (28 + i) * DAY, contact=contact, service=mail)
                for i in range(4)
            ]
        )

        (pattern,) = find_patterns(now=NOW)
        assert (pattern.n30, pattern.n7) == (2 + 1, 0)  # 28, 29 and 30 days ago

    def test_busiest_of_the_last_seven_days_comes_first(self, contact):
        steady, burst = ServiceFactory(name="Steady"), ServiceFactory(name="Burst")
        save(
            [
                *[
                    incident(f"St{i}x", NOW - (8 + i) * DAY, contact=contact, service=steady)
                    for i in range(10)
                ],
                *[
                    incident(f"Bu{i}x", NOW - i * DAY, contact=contact, service=burst)
                    for i in range(3)
                ],
            ]
        )

        found = find_patterns(now=NOW)

        assert [p.key for p in found] == [f"service:{burst.pk}", f"service:{steady.pk}"]
        assert [(p.n30, p.n7) for p in found] == [(3, 3), (10, 0)]


class TestWording:
    def test_the_word_pairs_of_one_wording_make_one_pattern(self, contact):
        save(
            [
                incident(f"Backup job fails nightly ({i})", NOW - i * DAY, contact=contact)
                for i in range(3)
            ]
        )

        (pattern,) = find_patterns(now=NOW)

        assert pattern.kind == "words"
        assert pattern.words == ["backup", "fails", "job", "nightly"]
        assert pattern.title == "Backup job fails nightly (0)"

    def test_a_wording_within_a_larger_one_is_not_shown_twice(self, contact):
        save(
            [
                *[incident("VPN drops hourly", NOW - i * DAY, contact=contact) for i in range(3)],
                *[incident("VPN drops", NOW - (5 + i) * DAY, contact=contact) for i in range(2)],
            ]
        )

        (pattern,) = find_patterns(now=NOW)

        assert (pattern.words, pattern.n30) == (["drops", "vpn"], 5)

    def test_wordings_that_mostly_repeat_a_larger_one_are_not_shown_again(self, contact):
        save(
            [
                *[incident("VPN tunnel drops", NOW - i * DAY, contact=contact) for i in range(8)],
                *[incident("VPN tunnel flaps", NOW - 9 * DAY, contact=contact) for _ in range(2)],
                incident("Tunnel drops at night", NOW - 10 * DAY, contact=contact),
                incident("Tunnel drops at noon", NOW - 11 * DAY, contact=contact),
            ]
        )

        (pattern,) = find_patterns(now=NOW)

        assert (pattern.words, pattern.n30) == (["drops", "tunnel"], 10)

    @pytest.mark.parametrize(("count", "found"), [(40, 1), (60, 0)])
    def test_words_in_most_of_the_incidents_are_phrasing_once_there_are_enough(
        self, contact, count, found
    ):
        save(
            [
                incident("Printer jammed", NOW - (i % 20) * DAY, contact=contact)
                for i in range(count)
            ]
        )

        assert len(find_patterns(now=NOW)) == found

    def test_stop_words_numbers_and_short_words_do_not_make_a_pattern(self, contact):
        save(
            [
                incident(
                    f"The {i}{i} is not working on {1000 + i} of it", NOW - i * DAY, contact=contact
                )
                for i in range(5)
            ]
        )

        assert find_patterns(now=NOW) == []

    def test_a_pattern_links_its_incidents_and_shows_the_most_recent_first(self, contact):
        rows = save(
            [incident(f"Disk full on web{i}", NOW - i * DAY, contact=contact) for i in range(3)]
        )

        (pattern,) = find_patterns(now=NOW)

        assert pattern.words == ["disk", "full"]
        assert pattern.incidents == rows


def test_a_busy_service_does_not_hide_a_configuration_items_pattern(contact):
    busy = [ServiceFactory(name=f"Busy {n}") for n in range(3)]
    ci = ConfigurationItemFactory(name="nas-1")
    save(
        [
            *[
                incident(f"B{n}x{i}", NOW - i * DAY, contact=contact, service=service)
                for n, service in enumerate(busy)
                for i in range(7 if n == 0 else 6)
            ],
            *[incident(f"N{i}x", NOW - 20 * DAY, contact=contact, ci=ci) for i in range(3)],
        ]
    )

    found = find_patterns(now=NOW, per_kind=1)

    assert [p.key for p in found] == [f"ci:{ci.pk}", f"service:{busy[0].pk}"]


class TestOpeningFromAKey:
    def test_the_pattern_of_a_key_has_all_its_incidents_now(self, contact):
        mail = ServiceFactory(name="Mail")
        rows = save(
            [incident(f"Mx{i}", NOW - i * DAY, contact=contact, service=mail) for i in range(4)]
        )

        pattern = pattern_for_key(f"service:{mail.pk}", now=NOW)

        assert pattern is not None
        assert pattern.incidents == rows
        assert (pattern.n30, pattern.n7, pattern.organisations) == (4, 4, 1)
        assert pattern.service == mail
        assert pattern.title == "Recurring incidents on Mail"

    def test_a_word_key_finds_the_incidents_with_every_word(self, contact):
        save(
            [
                incident("Backup job fails", NOW - DAY, contact=contact),
                incident("backup job fails again", NOW - 2 * DAY, contact=contact),
                incident("Job fails: backup", NOW - 3 * DAY, contact=contact),
                incident("Backup job slow", NOW - 4 * DAY, contact=contact),
            ]
        )

        pattern = pattern_for_key("words:job backup fails", now=NOW)

        assert pattern is not None
        assert [i.title for i in pattern.incidents] == [
            "Backup job fails",
            "backup job fails again",
            "Job fails: backup",
        ]

    def test_a_category_pattern_fills_service_and_category(self, contact):
        hosting = ServiceFactory(name="Hosting")
        save(
            [
                incident(
                    f"Ho{i}", NOW - i * DAY, contact=contact, service=hosting, category="outage"
                )
                for i in range(3)
            ]
        )

        pattern = pattern_for_key(f"category:{hosting.pk}:outage", now=NOW)

        assert pattern is not None
        assert (pattern.service, pattern.category) == (hosting, "outage")
        assert pattern.title == "Recurring outage incidents on Hosting"

    @pytest.mark.parametrize(
        "key",
        [
            "",
            "service:",
            "service:x",
            "ci:1; DROP TABLE",
            "category:1:other",
            "category:1:nonsense",
            "words:one",
            "words:ab cd",
            "colour:1",
        ],
    )
    def test_a_malformed_key_is_no_pattern(self, key):
        assert pattern_for_key(key, now=NOW) is None

    def test_a_pattern_whose_incidents_were_linked_meanwhile_is_gone(self, contact):
        mail = ServiceFactory(name="Mail")
        rows = save(
            [incident(f"Mx{i}", NOW - i * DAY, contact=contact, service=mail) for i in range(3)]
        )
        ProblemFactory(incidents=rows[:1])

        assert pattern_for_key(f"service:{mail.pk}", now=NOW) is None

    def test_at_most_link_cap_incidents_are_linked(self, contact, monkeypatch):
        monkeypatch.setattr("problems.patterns.LINK_CAP", 3)
        mail = ServiceFactory(name="Mail")
        rows = save(
            [incident(f"Mx{i}", NOW - i * DAY, contact=contact, service=mail) for i in range(5)]
        )

        pattern = pattern_for_key(f"service:{mail.pk}", now=NOW)

        assert pattern is not None
        assert pattern.incidents == rows[:3]
        assert LINK_CAP >= 100


def test_the_query_count_does_not_grow_with_the_incidents(contact, django_assert_max_num_queries):
    hosting = ServiceFactory(name="Hosting")
    ci = ConfigurationItemFactory(name="fw-1", service=hosting)

    def plant(offset):
        save(
            [
                *[
                    incident(
                        f"Firewall drops sessions {offset}{i}",
                        NOW - i * DAY,
                        contact=contact,
                        ci=ci,
                        category="outage",
                    )
                    for i in range(4)
                ],
                *[
                    incident(f"Ho{offset}{i}", NOW - i * DAY, contact=contact, service=hosting)
                    for i in range(3)
                ],
            ]
        )

    plant("a")
    noise(30, contact=contact)
    with CaptureQueriesContext(connection) as few:
        assert find_patterns(now=NOW)
    plant("b")
    noise(600, contact=contact, start=30)
    with django_assert_max_num_queries(len(few)):
        assert find_patterns(now=NOW)
    assert len(few) == 5
