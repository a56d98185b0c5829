"""A logged-in contact reads the portal in the contact's language, whatever the browser
asks for; staff keep the browser's language; the password reset mail is written in the
contact's language. Needs the compiled catalogues (`make messages`)."""

import pytest
from django.core import mail
from django.urls import reverse

from servicedesk.language import SESSION_KEY

pytestmark = pytest.mark.django_db

GERMAN_BROWSER = {"HTTP_ACCEPT_LANGUAGE": "de-DE,de;q=0.9"}


@pytest.fixture(autouse=True)
def locmem_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    mail.outbox = []


def speak(user, language: str):
    user.contact.language = language
    user.contact.save(update_fields=["language"])
    return user


def portal_home(client):
    response = client.get(reverse("portal:home"), **GERMAN_BROWSER)
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("language", "words"),
    [("fr", "Ouvrir un ticket"), ("ru", "Создать заявку"), ("en", "Raise a ticket")],
)
def test_the_portal_speaks_the_contacts_language_not_the_browsers(
    client, contact_a, language, words
):
    client.force_login(speak(contact_a, language))
    response = portal_home(client)
    assert response["Content-Language"] == language
    page = response.content.decode()
    assert f'<html lang="{language}">' in page
    assert words in page


def test_a_changed_language_applies_on_the_next_page(client, contact_a):
    client.force_login(speak(contact_a, "fr"))
    assert portal_home(client)["Content-Language"] == "fr"
    speak(contact_a, "ru")
    assert portal_home(client)["Content-Language"] == "ru"


def test_staff_keep_the_browsers_language(client, l1):
    client.force_login(l1)
    response = client.get(reverse("incidents:mine"), **GERMAN_BROWSER)
    assert response.status_code == 200
    assert response["Content-Language"] == "de"
    assert SESSION_KEY not in client.session


def test_after_logout_the_browser_decides_again(client, contact_a):
    client.force_login(speak(contact_a, "ru"))
    assert portal_home(client)["Content-Language"] == "ru"
    client.post(reverse("logout"))
    response = client.get(reverse("login"), **GERMAN_BROWSER)
    assert response["Content-Language"] == "de"


@pytest.mark.parametrize(
    ("language", "subject", "words"),
    [
        ("fr", "Réinitialiser votre mot de passe", "Choisissez un nouveau mot de passe ici :"),
        ("ru", "пароля службы поддержки", "Задайте новый пароль здесь:"),
        ("de", "Passwort", "Neues Passwort hier festlegen:"),
    ],
)
def test_the_password_reset_mail_is_in_the_contacts_language(
    client, contact_a, language, subject, words
):
    speak(contact_a, language).email = "alice@a.test"
    contact_a.save(update_fields=["email"])
    response = client.post(
        reverse("password_reset"), {"email": "alice@a.test"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 302
    (message,) = mail.outbox
    assert subject in message.subject
    assert words in message.body
    assert "Choose a new password" not in message.body


def test_the_password_reset_mail_of_staff_follows_the_browser(client, l1):
    l1.email = "l1@desk.test"
    l1.save()
    client.post(reverse("password_reset"), {"email": "l1@desk.test"}, **GERMAN_BROWSER)
    (message,) = mail.outbox
    assert "Neues Passwort hier festlegen:" in message.body
