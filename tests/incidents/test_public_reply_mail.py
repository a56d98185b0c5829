"""Defect 1: support's public reply reaches the contact by mail, portal login or not, in
the contact's language, threaded under the ticket, with the reply's files attached, once
per comment; contacts copied on the ticket (CC) get it and the status mails too."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from incidents import services
from incidents.cc import incident_cc_add, incident_cc_remove
from incidents.models import Status, TicketCc
from incidents.signals import ticket_commented
from servicedesk.models import Contact, Notification
from tests.factories import ContactFactory, make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def priya(org_a):
    """A contact without a portal login, who writes German."""
    return ContactFactory(
        organisation=org_a,
        name="Priya Shah",
        email="priya@a.test",
        language="de",
        form_of_address=Contact.FormOfAddress.MS,
    )


@pytest.fixture
def ticket(priya, desk_manager, l2, l2_group):
    return make_incident_in(
        Status.IN_PROGRESS, contact=priya, actor=desk_manager, group=l2_group, assignee=l2
    )


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if m.to == [address]]


class TestPublicReply:
    def test_a_public_reply_is_mailed_to_a_contact_without_a_portal_login(
        self, django_capture_on_commit_callbacks, ticket, l2, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.incident_add_comment(
                incident=ticket,
                body="Please restart the VPN client and try again.",
                actor=l2,
                is_public=True,
                files=[SimpleUploadedFile("steps.txt", b"1. quit\n2. start", "text/plain")],
            )
        (row,) = Notification.objects.filter(event="public_reply")
        assert row.recipient_email == "priya@a.test"
        assert row.dedupe_key.startswith(f"incident:{ticket.pk}:public_reply:c{comment.pk}:")
        (message,) = mails_to("priya@a.test")
        assert message.subject.startswith(f"[{ticket.number}] ")
        assert "Please restart the VPN client and try again." in message.body
        assert message.body.startswith("Sehr geehrte Frau Shah,")  # her language
        assert message.extra_headers["References"] == f"<{ticket.number}@localhost>"
        assert message.extra_headers["In-Reply-To"] == f"<{ticket.number}@localhost>"
        assert message.attachments == [("steps.txt", "1. quit\n2. start", "text/plain")]
        assert "/portal/" not in message.body  # no login, no portal link

    def test_each_comment_is_mailed_once(self, django_capture_on_commit_callbacks, ticket, l2):
        with django_capture_on_commit_callbacks(execute=True):
            comment = services.incident_add_comment(
                incident=ticket, body="Fixed?", actor=l2, is_public=True
            )
        with django_capture_on_commit_callbacks(execute=True):
            ticket_commented.send(sender=type(ticket), incident=ticket, comment=comment, actor=l2)
        assert len(mails_to("priya@a.test")) == 1

    def test_an_internal_note_is_not_mailed(self, django_capture_on_commit_callbacks, ticket, l2):
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_add_comment(incident=ticket, body="Internal", actor=l2)
        assert mails_to("priya@a.test") == []
        assert not Notification.objects.filter(event="public_reply").exists()

    def test_the_contacts_own_comment_is_not_mailed_back(
        self, django_capture_on_commit_callbacks, contact_a, desk_manager
    ):
        incident = make_incident_in(
            Status.IN_PROGRESS, contact=contact_a.contact, actor=desk_manager
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_add_comment(incident=incident, body="Still down", actor=contact_a)
        assert not Notification.objects.filter(event="public_reply").exists()

    def test_a_transitions_public_text_comes_once_in_the_status_mail(
        self, django_capture_on_commit_callbacks, ticket, l2
    ):
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_request_information(
                incident=ticket, comment="Which client version?", actor=l2
            )
        (message,) = mails_to("priya@a.test")
        assert "Which client version?" in message.body


class TestCc:
    @pytest.fixture
    def colleague(self, org_a):
        return ContactFactory(organisation=org_a, name="Omar Reyes", email="omar@a.test")

    def test_a_copied_contact_gets_replies_and_status_changes(
        self, django_capture_on_commit_callbacks, ticket, colleague, l2
    ):
        incident_cc_add(incident=ticket, contact=colleague, actor=l2)
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_add_comment(
                incident=ticket, body="We are on it.", actor=l2, is_public=True
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.incident_request_information(
                incident=ticket, comment="Which office?", actor=l2
            )
        copies = mails_to("omar@a.test")
        assert [m.body.splitlines()[0] for m in copies] == ["Dear Omar Reyes,"] * 2
        assert "We are on it." in copies[0].body
        assert "Which office?" in copies[1].body
        assert len(mails_to("priya@a.test")) == 2

    def test_adding_is_recorded_with_who_did_it(self, ticket, colleague, l2):
        entry = incident_cc_add(incident=ticket, contact=colleague, actor=l2)
        (record,) = entry.history.all()
        assert record.history_user == l2
        assert record.history_change_reason == "CC added"
        assert ticket.comments.filter(body__contains="omar@a.test", is_public=False).exists()
        incident_cc_remove(incident=ticket, entry_id=entry.pk, actor=l2)
        assert not TicketCc.objects.exists()
        assert TicketCc.history.filter(history_type="-", history_user=l2).exists()

    def test_a_contact_of_another_organisation_is_refused(self, ticket, org_b, l2):
        stranger = ContactFactory(organisation=org_b, email="eve@b.test")
        with pytest.raises(ValidationError) as error:
            incident_cc_add(incident=ticket, contact=stranger, actor=l2)
        assert "organisation" in str(error.value)
        assert not TicketCc.objects.exists()

    def test_the_ticket_contact_twice_or_an_inactive_contact_is_refused(
        self, ticket, priya, colleague, org_a, l2
    ):
        with pytest.raises(ValidationError):
            incident_cc_add(incident=ticket, contact=priya, actor=l2)
        incident_cc_add(incident=ticket, contact=colleague, actor=l2)
        with pytest.raises(ValidationError):
            incident_cc_add(incident=ticket, contact=colleague, actor=l2)
        gone = ContactFactory(organisation=org_a, email="gone@a.test", is_active=False)
        with pytest.raises(ValidationError):
            incident_cc_add(incident=ticket, contact=gone, actor=l2)

    def test_only_agents_change_the_cc(self, ticket, colleague, contact_a, problem_manager):
        for who in (contact_a, problem_manager):
            with pytest.raises(PermissionDenied):
                incident_cc_add(incident=ticket, contact=colleague, actor=who)
