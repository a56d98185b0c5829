"""POST /tickets with an Idempotency-Key (issue 7, defect 16): the same key and token
give the first ticket again (200, nothing new); the same key with another body is a
409; keys are per token."""

import pytest

from incidents.models import Incident
from tests.api.conftest import ApiClient

pytestmark = pytest.mark.django_db
TICKETS = "/api/v1/tickets"


def post(client, body, key):
    return client.post(TICKETS, body, headers={"Idempotency-Key": key})


def test_the_same_key_returns_the_first_ticket(contact_a_token):
    client = ApiClient(contact_a_token)
    first = post(client, {"title": "Printer on fire"}, "k-1")
    again = post(client, {"title": "Printer on fire"}, "k-1")
    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json()["number"] == first.json()["number"]
    assert again["Idempotent-Replayed"] == "true"
    assert Incident.objects.count() == 1


def test_the_same_key_with_another_body_is_a_conflict(contact_a_token):
    client = ApiClient(contact_a_token)
    post(client, {"title": "Printer on fire"}, "k-1")
    response = post(client, {"title": "Printer is fine"}, "k-1")
    assert response.status_code == 409
    assert "Idempotency-Key" in response.json()["detail"]
    assert Incident.objects.count() == 1


def test_keys_belong_to_their_token(contact_a_token, contact_b_token):
    assert post(ApiClient(contact_a_token), {"title": "A"}, "same").status_code == 201
    response = post(ApiClient(contact_b_token), {"title": "A"}, "same")
    assert response.status_code == 201
    assert Incident.objects.count() == 2


def test_without_a_key_each_post_is_a_new_ticket(contact_a_token):
    client = ApiClient(contact_a_token)
    client.post(TICKETS, {"title": "A"})
    client.post(TICKETS, {"title": "A"})
    assert Incident.objects.count() == 2


def test_a_refused_request_does_not_use_up_the_key(contact_a_token):
    client = ApiClient(contact_a_token)
    assert post(client, {"title": ""}, "k-2").status_code == 400
    assert post(client, {"title": "Now with a title"}, "k-2").status_code == 201


@pytest.mark.parametrize("key", ["", "x" * 256])
def test_a_malformed_key_is_400(contact_a_token, key):
    response = post(ApiClient(contact_a_token), {"title": "A"}, key)
    assert response.status_code == 400
    assert Incident.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_four_identical_requests_at_the_same_moment_open_one_ticket(contact_a):
    """Real concurrency needs a server: PostgreSQL only (SQLite runs whole write
    transactions one after the other). The unique key decides; the losers wait for the
    winner's commit and answer with its ticket."""
    import json
    import threading

    from django.db import connection

    from tests.api.conftest import issue_api_token

    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers need PostgreSQL")
    token = issue_api_token(contact=contact_a.contact)
    barrier = threading.Barrier(4)
    results: list = []

    def send():
        try:
            barrier.wait(5)
            response = post(ApiClient(token), json.dumps({"title": "Race"}), "race-1")
            results.append((response.status_code, response.json()["number"]))
        except Exception as error:  # pragma: no cover - reported by the assertion
            results.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    assert len(results) == 4, results
    assert sorted(status for status, _ in results) == [200, 200, 200, 201]
    assert len({number for _, number in results}) == 1
    assert Incident.objects.count() == 1
