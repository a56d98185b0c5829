"""A URL that answers htmx with a fragment and a plain visit with the whole page says so
with `Vary: HX-Request` (and on any other HX-* header it looked at), so no cache hands
the fragment to a plain visit. Pages that never look at htmx get no such Vary."""

import pytest
from django.urls import reverse
from django.utils.cache import has_vary_header

from incidents.models import Status
from tests.factories import make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket(l1_group, contact_a):
    return make_incident_in(Status.ASSIGNED, contact=contact_a.contact, group=l1_group)


def test_a_queue_varies_on_hx_request_for_plain_and_htmx_visits(client, l1, l1_group):
    client.force_login(l1)
    url = reverse("incidents:triage")
    plain = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "queue"})
    assert plain.status_code == fragment.status_code == 200
    assert b"<html" in plain.content and b"<html" not in fragment.content
    assert has_vary_header(plain, "HX-Request")
    assert has_vary_header(fragment, "HX-Request")
    # The fragment chosen also depends on the target.
    assert has_vary_header(fragment, "HX-Target")


def test_an_action_panel_varies_on_hx_request(client, l1, ticket):
    client.force_login(l1)
    url = reverse("incidents:action", args=[ticket.number, "assign"])
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert has_vary_header(fragment, "HX-Request")


def test_a_page_that_never_looks_at_htmx_does_not_vary_on_it(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert not has_vary_header(response, "HX-Request")
