"""Accepting a quarantined message keeps who really wrote it (issue 7, defect 8): the
original sender and the stored .eml stay on the ticket for staff, nobody who did not
write is told "we registered your ticket", and L1 may make the sender a contact of an
organisation so the ticket (and its mail) is theirs."""

import pytest
from django.urls import reverse

from incidents.intake.models import InboundEmail
from incidents.models import Incident
from servicedesk.models import Contact, Notification
from tests.factories import ContactFactory
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger_mail(ingest):
    return ingest(
        make_email(sender="Eve Stranger <eve@unknown.test>", subject="VPN", body="VPN is down.")
    ).email


def accept(client, email: InboundEmail, **data):
    url = reverse("incidents:quarantine_accept", args=[email.pk])
    return client.post(url, {"kind": "incident", "title": "VPN down", **data})


class TestAcceptingForAnotherContact:
    def test_the_chosen_contact_who_did_not_write_gets_no_registration_mail(
        self, client, l1, stranger_mail, alice, django_capture_on_commit_callbacks
    ):
        client.force_login(l1)
        with django_capture_on_commit_callbacks(execute=True):
            response = accept(client, stranger_mail, contact=alice.pk)
        assert response.status_code == 302
        assert Incident.objects.get().contact == alice
        assert not Notification.objects.filter(contact=alice).exists()
        assert not Notification.objects.filter(recipient_email="alice@a.test").exists()

    def test_the_sender_is_kept_on_the_ticket_as_an_internal_note(
        self, client, l1, stranger_mail, alice
    ):
        client.force_login(l1)
        accept(client, stranger_mail, contact=alice.pk)
        note = Incident.objects.get().comments.get()
        assert not note.is_public
        assert "Eve Stranger <eve@unknown.test>" in note.body

    def test_the_staff_ticket_page_names_the_sender_and_links_the_original(
        self, client, l1, l2, l2_group, stranger_mail, alice
    ):
        client.force_login(l1)
        accept(client, stranger_mail, contact=alice.pk)
        incident = Incident.objects.get()
        client.force_login(l2)
        page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
        link = reverse("incidents:source_email", args=[incident.number, stranger_mail.pk])
        assert "eve@unknown.test" in page
        assert f'href="{link}"' in page
        response = client.get(link)
        assert response.status_code == 200
        assert b"VPN is down." in b"".join(response.streaming_content)

    def test_the_contact_never_sees_the_sender(self, client, l1, stranger_mail, alice, contact_a):
        client.force_login(l1)
        accept(client, stranger_mail, contact=alice.pk)
        incident = Incident.objects.get()
        client.force_login(contact_a)
        page = client.get(reverse("portal:ticket", args=[incident.number])).content.decode()
        assert "eve@unknown.test" not in page
        link = reverse("incidents:source_email", args=[incident.number, stranger_mail.pk])
        assert client.get(link).status_code == 403

    def test_the_original_of_another_tickets_mail_is_404(
        self, client, l1, stranger_mail, alice, ingest
    ):
        other = ingest(make_email(sender="mallory@unknown.test")).email
        client.force_login(l1)
        accept(client, stranger_mail, contact=alice.pk)
        incident = Incident.objects.get()
        link = reverse("incidents:source_email", args=[incident.number, other.pk])
        assert client.get(link).status_code == 404


class TestCreatingTheSenderAsAContact:
    def test_the_sender_becomes_a_contact_and_the_ticket_and_mail_are_theirs(
        self, client, l1, stranger_mail, org_a, django_capture_on_commit_callbacks
    ):
        client.force_login(l1)
        with django_capture_on_commit_callbacks(execute=True):
            response = accept(
                client,
                stranger_mail,
                create_contact="on",
                new_contact_organisation=org_a.pk,
                new_contact_name="Eve Stranger",
            )
        assert response.status_code == 302
        eve = Contact.objects.get(email="eve@unknown.test")
        assert (eve.organisation, eve.name) == (org_a, "Eve Stranger")
        assert Incident.objects.get().contact == eve
        assert Notification.objects.filter(contact=eve, event="registered").count() == 1

    def test_the_form_offers_it_with_the_senders_name(self, client, l1, stranger_mail, org_a):
        client.force_login(l1)
        page = client.get(
            reverse("incidents:quarantine_detail", args=[stranger_mail.pk])
        ).content.decode()
        assert 'name="create_contact"' in page
        assert 'name="new_contact_organisation"' in page
        assert 'value="Eve Stranger"' in page

    def test_an_address_already_a_contact_there_is_refused_next_to_the_field(
        self, client, l1, stranger_mail, org_a
    ):
        ContactFactory(organisation=org_a, name="Eve Known", email="EVE@unknown.test")
        client.force_login(l1)
        response = accept(
            client,
            stranger_mail,
            create_contact="on",
            new_contact_organisation=org_a.pk,
            new_contact_name="Eve Typed",
        )
        assert response.status_code == 422
        errors = response.context["accept_form"].errors
        assert "new_contact_organisation" in errors
        assert 'value="Eve Typed"' in response.content.decode()
        assert not Incident.objects.exists()

    def test_creating_needs_an_organisation(self, client, l1, stranger_mail):
        client.force_login(l1)
        response = accept(client, stranger_mail, create_contact="on", new_contact_name="Eve")
        assert response.status_code == 422
        assert "new_contact_organisation" in response.context["accept_form"].errors
        assert not Contact.objects.filter(email="eve@unknown.test").exists()


def test_the_sender_themselves_still_hears_of_the_accepted_ticket(
    client, l1, ingest, alice, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_MAX_PER_SENDER_PER_HOUR = 0  # held back by the loop guard
    email = ingest(make_email(sender="Alice Customer <alice@a.test>")).email
    assert email.status == InboundEmail.Status.QUARANTINED
    client.force_login(l1)
    with django_capture_on_commit_callbacks(execute=True):
        accept(client, email, contact=alice.pk)
    assert Notification.objects.filter(contact=alice, event="registered").count() == 1
