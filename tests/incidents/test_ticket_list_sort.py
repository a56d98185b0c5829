"""Sorting the ticket list by any column, both ways, with keyset pages that follow on
across pages (ties broken by number, nothing missed or shown twice), from the column
headers, and in the CSV export."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from incidents.models import Incident, Status
from incidents.ticket_lists.filters import SORTS, TicketFilterForm
from incidents.ticket_lists.headers import FIRST_SORT
from servicedesk import pagination
from servicedesk.pagination import keyset_page
from servicedesk.people import display_name
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BERLIN = ZoneInfo("Europe/Berlin")
T0 = datetime(2026, 11, 2, 9, tzinfo=BERLIN)
LIFECYCLE = list(Status.values)


@pytest.fixture
def tickets():
    """Nine open tickets whose every column differs from one to the next, with ties,
    nobody assigned, no group and no service among them, names in mixed case."""
    orgs = [OrganisationFactory(name=n) for n in ("beta GmbH", "Alpha AG", "Ceta Ltd")]
    contacts = [ContactFactory(organisation=o, name=f"{o.name[0]} Person") for o in orgs]
    services = [ServiceFactory(name=n) for n in ("Mail", "backup")] + [None]
    groups = [SupportGroupFactory(name=n) for n in ("Network", "desk")] + [None]
    people = [
        UserFactory(first_name="Zoe", last_name="Adams"),
        UserFactory(first_name="", last_name="", username="anton"),
        None,
    ]
    made = []
    for n in range(9):
        ticket = IncidentFactory(contact=contacts[n % 3])
        Incident.objects.filter(pk=ticket.pk).update(
            status=[Status.REGISTERED, Status.IN_PROGRESS, Status.ASSIGNED][n % 3],
            title=["printer jam", "VPN down", "Backup failed", "vpn slow"][n % 4],
            priority=1 + n % 4,
            service=services[n % 3],
            support_group=groups[(n + 1) % 3],
            assignee=people[(n + 2) % 3],
            registered_at=T0 + timedelta(hours=n % 5),
            updated_at=T0 + timedelta(hours=n % 4),
            resolution_due_at=T0 + timedelta(days=n % 2) if n % 3 else None,
        )
        made.append(
            Incident.objects.select_related(
                "organisation", "contact", "service", "support_group", "assignee"
            ).get(pk=ticket.pk)
        )
    return made


def expected_key(sort: str):
    """How Python orders the tickets for a sort key (then by number, the same way)."""
    name = lambda value: (value or "").lower()  # noqa: E731
    column = sort.removeprefix("-")
    return {
        "priority": lambda t: t.priority,
        "registered": lambda t: t.registered_at,
        "updated": lambda t: t.updated_at,
        "due": lambda t: t.resolution_due_at,
        "resolved": lambda t: t.resolved_at,
        "number": lambda t: t.pk,
        "status": lambda t: LIFECYCLE.index(t.status),
        "title": lambda t: t.title.lower(),
        "organisation": lambda t: name(t.organisation.name),
        "contact": lambda t: name(t.contact.name),
        "service": lambda t: name(t.service and t.service.name),
        "group": lambda t: name(t.support_group and t.support_group.name),
        "assignee": lambda t: name(t.assignee and display_name(t.assignee)),
    }[column]


def paged(user, sort: str, size: int = 2) -> list[int]:
    form = TicketFilterForm({"sort": sort}, user=user)
    found, cursor = [], None
    while True:
        page = keyset_page(form.tickets(), cursor, form.order, size=size, keys=form.sort_keys)
        found += [t.pk for t in page.rows]
        cursor = page.next_cursor
        if cursor is None:
            return found


@pytest.mark.parametrize("sort", [key for key in SORTS if key != "-resolved"])
def test_every_sort_pages_in_order_both_ways(l1, tickets, sort):
    key = expected_key(sort)
    shown = [t for t in tickets if key(t) is not None]
    descending = sort.startswith("-")
    want = sorted(shown, key=lambda t: (key(t), t.pk), reverse=descending)
    assert paged(l1, sort) == [t.pk for t in want]


def test_every_header_has_a_sort_both_ways():
    for first in FIRST_SORT.values():
        plain = first.removeprefix("-")
        assert plain in SORTS and f"-{plain}" in SORTS


def test_text_cursors_survive_any_name(l1):
    """Names with spaces, accents, Cyrillic and cursor separators page like any other."""
    names = ["Ölwerk", "Омега", "a~b-c", "a~b-c", "Zeta & Co", ""]
    for name in names:
        IncidentFactory(contact=ContactFactory(name=name or "~"))
    for sort in ("contact", "-contact"):
        assert len(paged(l1, sort, size=1)) == len(names)
        assert len(set(paged(l1, sort, size=1))) == len(names)


class TestPage:
    def test_headers_sort_then_turn_round_keeping_the_filter(self, client, l1, tickets):
        client.force_login(l1)
        page = client.get(reverse("incidents:tickets"), {"status": "any"}).content.decode()
        assert (
            '<th aria-sort="none"><a href="/tickets/list/?status=any&amp;sort=organisation"' in page
        )
        assert (
            '<th aria-sort="ascending"><a href="/tickets/list/?status=any&amp;sort=-priority"'
            in page
        )
        page = client.get(
            reverse("incidents:tickets"), {"status": "any", "sort": "organisation"}
        ).content.decode()
        assert (
            'aria-sort="ascending"><a href="/tickets/list/?status=any&amp;sort=-organisation"'
            in page
        )
        assert 'data-sort="contact">Contact</a>' in page

    def test_show_more_follows_on_in_a_name_sort(self, client, l1, tickets, monkeypatch):
        monkeypatch.setattr(pagination, "PAGE_SIZE", 4)
        client.force_login(l1)
        key = expected_key("assignee")
        want = [t.number for t in sorted(tickets, key=lambda t: (key(t), t.pk), reverse=True)]
        seen, after = [], None
        while True:
            query = {"sort": "-assignee", **({"after": after} if after else {})}
            headers = {"HX-Request": "true"} if after else {}
            page = client.get(reverse("incidents:tickets"), query, headers=headers)
            html = page.content.decode()
            seen += re.findall(r'data-href="/tickets/([A-Z]+-[0-9]+)/"', html)
            more = re.search(r'href="\?[^"]*after=([^"&]+)"', html)
            if more is None:
                break
            after = more.group(1)
        assert seen == want

    @pytest.mark.parametrize("rows", [2, 20])
    def test_the_query_count_is_flat_in_a_name_sort(
        self, client, l1, rows, django_assert_max_num_queries
    ):
        for n in range(rows):
            org = OrganisationFactory(name=f"Org {n}")
            IncidentFactory(contact=ContactFactory(organisation=org))
        client.force_login(l1)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("incidents:tickets"), {"sort": "-organisation"})
        assert response.content.decode().count('data-href="') == rows

    def test_the_export_follows_the_sort(self, client, l1, tickets):
        client.force_login(l1)
        response = client.get(reverse("incidents:tickets_export"), {"sort": "group"})
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        key = expected_key("group")
        want = [t.number for t in sorted(tickets, key=lambda t: (key(t), t.pk))]
        assert [line[0] for line in lines[1:]] == want
