"""The portal's list of the organisation's tickets: open and closed, newest first, in
pages, and the same number of queries at 10 tickets as at 200."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Channel, Incident, Kind
from incidents.views.portal import PAGE
from tests.factories import ContactFactory, IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

#: session, user, contact, rows, waiting count, the user's roles (navigation), organisation,
#: the disruption banner (open major incidents affecting the organisation), the help
#: articles panel (knowledge), the planned maintenance panel (changes)
MAX_QUERIES = 10


def bulk_tickets(n: int, *, contact) -> None:
    """Volume for the query-count test: plain Registered rows, numbered like real ones."""
    start = Incident.objects.count()
    Incident.objects.bulk_create(
        Incident(
            number=f"INC-8{start + i:05d}",
            kind=Kind.INCIDENT if i % 2 else Kind.REQUEST,
            title=f"Bulk {i}",
            organisation_id=contact.organisation_id,
            contact=contact,
            channel=Channel.PORTAL,
        )
        for i in range(n)
    )


class TestFilters:
    def test_open_is_the_default_and_includes_tickets_waiting_for_confirmation(
        self, client, contact_a
    ):
        contact = contact_a.contact
        registered = IncidentFactory(contact=contact, title="Fresh one")
        completed = make_incident_in("completed", contact=contact, title="Done, confirm me")
        closed = make_incident_in("closed", contact=contact, title="Old and closed")
        client.force_login(contact_a)

        page = client.get(reverse("portal:home")).content.decode()
        assert registered.number in page and completed.number in page
        assert closed.number not in page
        assert "One ticket is waiting for your answer." in page

        page = client.get(reverse("portal:home"), {"state": "closed"}).content.decode()
        assert closed.number in page
        assert registered.number not in page and completed.number not in page

        page = client.get(reverse("portal:home"), {"state": "all"}).content.decode()
        assert all(t.number in page for t in [registered, completed, closed])

    def test_shows_the_tickets_of_colleagues_too(self, client, contact_a, org_a):
        colleague = ContactFactory(organisation=org_a, name="Carla Colleague")
        theirs = IncidentFactory(contact=colleague)
        client.force_login(contact_a)
        page = client.get(reverse("portal:home")).content.decode()
        assert theirs.number in page and "Carla Colleague" in page

    def test_an_unknown_filter_falls_back_to_open(self, client, contact_a):
        client.force_login(contact_a)
        response = client.get(reverse("portal:home"), {"state": "everything'--"})
        assert response.status_code == 200
        assert response.context["state"] == "open"


class TestPages:
    def test_newest_first_and_older_ones_on_demand(self, client, contact_a):
        bulk_tickets(PAGE + 5, contact=contact_a.contact)
        client.force_login(contact_a)
        first = client.get(reverse("portal:home"))
        rows = first.context["tickets"]
        assert len(rows) == PAGE
        assert [t.pk for t in rows] == sorted((t.pk for t in rows), reverse=True)
        after = first.context["next_after"]
        assert after == rows[-1].pk
        assert f"after={after}" in first.content.decode()

        more = client.get(
            reverse("portal:home"),
            {"state": "open", "after": after},
            headers={"HX-Request": "true"},
        )
        page = more.content.decode()
        assert "<html" not in page and page.count('class="ticket-row"') == 5
        assert more.context["next_after"] is None
        assert "Show older tickets" not in page

    def test_the_last_full_page_offers_no_more(self, client, contact_a):
        bulk_tickets(PAGE, contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.get(reverse("portal:home"))
        assert response.context["next_after"] is None


@pytest.mark.parametrize("state", ["open", "closed", "all"])
def test_the_list_costs_the_same_queries_at_10_and_200_tickets(
    client, contact_a, django_assert_max_num_queries, state
):
    client.force_login(contact_a)
    counts = []
    for total in (10, 200):
        bulk_tickets(total - Incident.objects.count(), contact=contact_a.contact)
        with (
            django_assert_max_num_queries(MAX_QUERIES),
            CaptureQueriesContext(connection) as queries,
        ):
            response = client.get(reverse("portal:home"), {"state": state})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_the_next_page_fragment_costs_no_more_queries(
    client, contact_a, django_assert_max_num_queries
):
    bulk_tickets(200, contact=contact_a.contact)
    client.force_login(contact_a)
    after = Incident.objects.order_by("-pk")[PAGE].pk
    with django_assert_max_num_queries(5):  # session, user, contact, rows, roles
        response = client.get(
            reverse("portal:home"), {"after": after}, headers={"HX-Request": "true"}
        )
    assert len(response.context["tickets"]) == PAGE
