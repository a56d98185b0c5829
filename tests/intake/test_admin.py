"""Admins configure the IMAP mailboxes in the Django admin; the password is never shown
(not in the list, not in the form, not in the history). Stored mail is read only."""

import pytest
from django.urls import reverse

from incidents.intake.models import InboundEmail, Mailbox
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


FORM = {
    "name": "Support inbox",
    "host": "imap.example.com",
    "port": 993,
    "use_ssl": "on",
    "username": "support@example.com",
    "folder": "INBOX",
    "after_processing": "delete",
    "processed_folder": "",
    "is_active": "on",
}


def test_an_admin_adds_a_mailbox_and_the_password_is_never_shown(admin_client):
    response = admin_client.post(
        reverse("admin:incidents_mailbox_add"), {**FORM, "password": "s3cret-imap"}
    )
    assert response.status_code == 302
    mailbox = Mailbox.objects.get()
    assert mailbox.password == "s3cret-imap"
    listing = admin_client.get(reverse("admin:incidents_mailbox_changelist"))
    assert "s3cret-imap" not in listing.content.decode()
    change = admin_client.get(reverse("admin:incidents_mailbox_change", args=[mailbox.pk]))
    assert "s3cret-imap" not in change.content.decode()
    history = admin_client.get(reverse("admin:incidents_mailbox_history", args=[mailbox.pk]))
    assert history.status_code == 200
    assert not hasattr(mailbox.history.first(), "password")


def test_an_empty_password_keeps_the_current_one(admin_client):
    mailbox = Mailbox.objects.create(
        name="Inbox", host="imap.example.com", username="u", password="keep-me"
    )
    response = admin_client.post(
        reverse("admin:incidents_mailbox_change", args=[mailbox.pk]),
        {**FORM, "name": "Inbox", "password": "", "port": 143, "use_ssl": ""},
    )
    assert response.status_code == 302
    mailbox.refresh_from_db()
    assert (mailbox.password, mailbox.port, mailbox.use_ssl) == ("keep-me", 143, False)


def test_a_new_mailbox_needs_a_password(admin_client):
    response = admin_client.post(reverse("admin:incidents_mailbox_add"), {**FORM, "password": ""})
    assert response.status_code == 200
    assert "Enter the mailbox password." in response.content.decode()


def test_move_mode_needs_a_processed_folder(admin_client):
    response = admin_client.post(
        reverse("admin:incidents_mailbox_add"),
        {**FORM, "password": "x", "after_processing": "move", "processed_folder": ""},
    )
    assert response.status_code == 200
    assert "Name the folder processed messages move to." in response.content.decode()


def test_stored_mail_is_read_only_in_the_admin(admin_client):
    email = InboundEmail.objects.create(
        message_id="<a@b.test>", status=InboundEmail.Status.QUARANTINED
    )
    change = reverse("admin:incidents_inboundemail_change", args=[email.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.get(reverse("admin:incidents_inboundemail_add")).status_code == 403
    assert admin_client.get(reverse("admin:incidents_inboundemail_changelist")).status_code == 200
    history = reverse("admin:incidents_inboundemail_history", args=[email.pk])
    assert admin_client.get(history).status_code == 200
