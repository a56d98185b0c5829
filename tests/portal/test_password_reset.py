"""Password reset by email, linked from the login page: the mail carries a link that
works once and lets the contact choose a new password."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.portal.conftest import field_html

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []


def test_the_login_page_links_to_the_password_reset(client):
    page = client.get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}"' in page


def test_a_contact_resets_the_password_by_email(client, contact_a):
    contact_a.email = "alice.login@a.test"
    contact_a.save()
    response = client.post(reverse("password_reset"), {"email": "Alice.Login@a.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert "Check your email" in client.get(response["Location"]).content.decode()

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["alice.login@a.test"]
    assert "Reset your service desk password" in message.subject
    assert "contact_a" in message.body
    link = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", message.body).group(1)

    # The link redirects to a token-free URL, where the new password is chosen.
    form_page = client.get(link, follow=True)
    assert form_page.status_code == 200
    assert "Choose a new password" in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]
    done = client.post(
        set_url, {"new_password1": "Blue-Harbour-42", "new_password2": "Blue-Harbour-42"}
    )
    assert done.status_code == 302
    assert done["Location"] == reverse("password_reset_complete")

    contact_a.refresh_from_db()
    assert contact_a.check_password("Blue-Harbour-42")
    client.logout()
    login = client.post(reverse("login"), {"username": "contact_a", "password": "Blue-Harbour-42"})
    assert login.status_code == 302

    # Used once: the same link no longer works.
    client.logout()
    again = client.get(link, follow=True)
    assert "no longer valid" in again.content.decode()


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client):
    response = client.post(reverse("password_reset"), {"email": "nobody@nowhere.test"})
    assert response.status_code == 302
    assert response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_a_mismatched_new_password_is_shown_next_to_the_field(client, contact_a):
    client.post(reverse("password_reset"), {"email": contact_a.email})
    link = re.search(r"https?://[^/\s]+(/password-reset/[^\s]+/)", mail.outbox[0].body).group(1)
    form_page = client.get(link, follow=True)
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Blue-Harbour-42", "new_password2": "Red-Harbour-42"},
    )
    assert response.status_code == 200
    assert "match" in field_html(response.content.decode(), "new_password2")
    contact_a.refresh_from_db()
    assert not contact_a.check_password("Blue-Harbour-42")
