"""Password-reset requests are limited per address and per client: beyond the limit no
more mail is sent, and the answer is the same neutral page as always."""

import pytest
from django.core import mail
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    settings.PASSWORD_RESETS_PER_ADDRESS = "3/h"
    settings.PASSWORD_RESETS_PER_CLIENT = "10/h"
    mail.outbox = []


@pytest.fixture
def contact_a(contact_a):
    contact_a.email = "alice@a.test"
    contact_a.save()
    return contact_a


@pytest.fixture
def contact_b(contact_b):
    contact_b.email = "bob@b.test"
    contact_b.save()
    return contact_b


def _ask(client, email: str, address: str = "203.0.113.7"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_twenty_requests_for_one_address_send_three_mails(client, contact_a):
    responses = [
        _ask(client, "alice@a.test" if n % 2 else "Alice@A.test", address=f"198.51.100.{n}")
        for n in range(20)
    ]
    assert len(mail.outbox) == 3
    # Every answer is the same redirect to the neutral "check your email" page.
    assert {(r.status_code, r["Location"]) for r in responses} == {
        (302, reverse("password_reset_done"))
    }


def test_one_client_asking_for_many_addresses_is_limited(client, contact_a, contact_b):
    for n in range(9):
        _ask(client, f"nobody{n}@example.test")
    assert _ask(client, "alice@a.test").status_code == 302
    assert len(mail.outbox) == 1
    # The client's limit is reached: nothing more goes out, the answer is unchanged.
    response = _ask(client, "bob@b.test")
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert len(mail.outbox) == 1
    # Another client is not affected.
    _ask(client, "bob@b.test", address="192.0.2.1")
    assert len(mail.outbox) == 2


def test_a_limited_and_an_unknown_address_get_the_same_page(client, contact_a):
    for _ in range(4):
        limited = _ask(client, "alice@a.test", address="192.0.2.9")
    unknown = _ask(client, "nobody@example.test", address="192.0.2.10")
    assert (limited.status_code, limited["Location"]) == (unknown.status_code, unknown["Location"])
    done_page = client.get(reverse("password_reset_done"))
    assert done_page.status_code == 200
