"""The search pages: /search/ for staff, /portal/search/ for contacts — who may use them,
what each finds, the filters, the number opening its record, and a fixed number of
queries whatever the data."""

import pytest
from django.urls import reverse
from django.utils import timezone

from incidents.services.comments import add_comment
from servicedesk.models import Service
from tests.factories import ContactFactory, IncidentFactory, make_incident_in
from tests.knowledge.factories import ArticleFactory
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db


def references(response, kind: str = "tickets") -> list[str]:
    for group in response.context["groups"]:
        if group.kind.key == kind:
            return [hit.reference for hit in group.hits]
    return []


@pytest.fixture
def tickets_a_b(contact_a, contact_b, l1):
    """One ticket of each organisation with the same words; B's with an internal comment
    and A's with an internal and a public comment."""
    a = IncidentFactory(contact=contact_a.contact, title="Firewall blocks port 8443")
    b = IncidentFactory(contact=contact_b.contact, title="Firewall blocks port 8443 too")
    add_comment(a, body="Public answer about the tunnel", is_public=True, author=l1)
    add_comment(
        a, body="Internal note: the customer's secret ciphertext", is_public=False, author=l1
    )
    add_comment(b, body="Tunnel of B", is_public=True, author=l1)
    return a, b


def test_staff_find_every_organisations_tickets(client, l1, tickets_a_b):
    client.force_login(l1)
    response = client.get(reverse("search"), {"q": "firewall"})
    assert response.status_code == 200
    assert set(references(response)) == {t.number for t in tickets_a_b}
    body = response.content.decode()
    assert "<mark>Firewall</mark>" in body


def test_a_contact_finds_only_their_organisations_tickets(client, contact_a, tickets_a_b):
    a, b = tickets_a_b
    client.force_login(contact_a)
    url = reverse("portal:search")
    assert references(client.get(url, {"q": "firewall"})) == [a.number]
    # Not through a comment of the other organisation's ticket, nor its number.
    assert references(client.get(url, {"q": "tunnel"})) == [a.number]
    response = client.get(url, {"q": b.number})
    assert response.status_code == 200 and references(response) == []


def test_a_contact_never_finds_through_an_internal_comment(client, contact_a, l1, tickets_a_b):
    a, _ = tickets_a_b
    client.force_login(contact_a)
    assert references(client.get(reverse("portal:search"), {"q": "ciphertext"})) == []
    client.force_login(l1)
    assert references(client.get(reverse("search"), {"q": "ciphertext"})) == [a.number]


def test_a_contact_finds_public_published_articles_only(client, contact_a):
    public = ArticleFactory(title="Reset the router", visibility="public", status="published")
    ArticleFactory(title="Reset the router internally", visibility="internal", status="published")
    ArticleFactory(title="Reset the router draft", visibility="public")
    client.force_login(contact_a)
    response = client.get(reverse("portal:search"), {"q": "router"})
    assert references(response, "articles") == [public.number]
    assert {g.kind.key for g in response.context["groups"]} == {"tickets", "articles"}


def test_staff_find_internal_articles_problems_and_records(client, l1, contact_a):
    article = ArticleFactory(title="Router firmware", status="published")
    problem = ProblemFactory(title="Router firmware crashes")
    client.force_login(l1)
    response = client.get(reverse("search"), {"q": "router firmware"})
    assert references(response, "articles") == [article.number]
    assert references(response, "problems") == [problem.number]
    response = client.get(reverse("search"), {"q": "alice"})
    assert references(response, "contacts") == ["Contact"]


def test_a_number_opens_its_record(client, l1, contact_a, tickets_a_b):
    a, _ = tickets_a_b
    client.force_login(l1)
    response = client.get(reverse("search"), {"q": a.number.lower()})
    assert response.status_code == 302
    assert response["Location"] == reverse("incidents:detail", args=[a.number])
    client.force_login(contact_a)
    response = client.get(reverse("portal:search"), {"q": a.number})
    assert response["Location"] == reverse("portal:ticket", args=[a.number])


def test_filters_narrow_the_tickets_and_leave_out_kinds_they_do_not_apply_to(
    client, l1, contact_a, contact_b
):
    service = Service.objects.create(name="Hosting")
    done = make_incident_in("closed", contact=contact_a.contact, title="Quota raised")
    open_a = IncidentFactory(contact=contact_a.contact, title="Quota warning", service=service)
    open_b = IncidentFactory(contact=contact_b.contact, title="Quota exceeded")
    client.force_login(l1)
    url = reverse("search")
    assert references(client.get(url, {"q": "quota", "status": "tickets:closed"})) == [done.number]
    by_org = client.get(url, {"q": "quota", "organisation": contact_b.contact.organisation_id})
    assert references(by_org) == [open_b.number]
    by_service = client.get(url, {"q": "quota", "service": service.pk})
    assert references(by_service) == [open_a.number]
    assert "organisations" not in [g.kind.key for g in by_service.context["groups"]]
    today = timezone.localtime(open_a.registered_at).date().isoformat()
    dated = client.get(url, {"q": "quota", "since": today, "until": today, "kind": "tickets"})
    assert len(references(dated)) == 3


def test_a_wrong_filter_is_said_next_to_its_field_and_keeps_the_query(client, l1):
    client.force_login(l1)
    response = client.get(
        reverse("search"), {"q": "quota", "since": "2026-05-02", "until": "2026-05-01"}
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "The end of the range is before its start." in body
    assert 'value="quota"' in body
    response = client.get(reverse("search"), {"q": "quota", "status": "tickets:nonsense"})
    assert "field-status" in response.content.decode() and response.context["form"].errors


def test_a_status_of_another_kind_than_the_one_chosen_is_refused(client, l1):
    client.force_login(l1)
    response = client.get(
        reverse("search"), {"q": "x", "kind": "problems", "status": "tickets:closed"}
    )
    assert "status" in response.context["form"].errors


def test_one_kind_pages_through_its_hits(client, l1, contact_a):
    from servicedesk.search import views

    for i in range(views.PAGE_SIZE + 2):
        IncidentFactory(contact=contact_a.contact, title=f"Latency spike {i}")
    client.force_login(l1)
    first = client.get(reverse("search"), {"q": "latency", "kind": "tickets"})
    assert len(references(first)) == views.PAGE_SIZE
    second = client.get(reverse("search"), {"q": "latency", "kind": "tickets", "page": 2})
    assert len(references(second)) == 2
    assert not set(references(first)) & set(references(second))


def test_the_page_takes_a_fixed_number_of_queries(
    client, l1, contact_a, django_assert_max_num_queries
):
    ticket = IncidentFactory(contact=contact_a.contact, title="Latency")
    add_comment(ticket, body="a latency spike", is_public=True, author=l1)
    client.force_login(l1)
    url = reverse("search")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"q": "latency spike"})
    for i in range(30):
        ticket = IncidentFactory(contact=ContactFactory(), title=f"Latency spike {i}")
        add_comment(ticket, body="latency spike again", is_public=True, author=l1)
    with django_assert_max_num_queries(len(few)):
        response = client.get(url, {"q": "latency spike"})
    assert len(references(response)) == 5


def test_htmx_gets_the_results_only(client, l1, tickets_a_b):
    client.force_login(l1)
    response = client.get(reverse("search"), {"q": "firewall"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="results"' in body and "<html" not in body


def test_empty_and_stop_word_queries_show_the_form_only(client, l1):
    client.force_login(l1)
    for query in ("", "   ", "the"):
        response = client.get(reverse("search"), {"q": query})
        assert response.status_code == 200 and response.context["groups"] == []
