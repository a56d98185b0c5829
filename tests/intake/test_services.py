"""The services behind email intake: a contact's emailed reply (on the system's behalf),
and the quarantine's accept / add / discard (L1 and the desk manager only)."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from incidents import services
from incidents.intake.models import InboundEmail
from incidents.models import Comment, Incident, Status
from tests.factories import make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db


class TestEmailReply:
    def test_a_contact_of_another_organisation_may_not_reply(self, alice, contact_b):
        ticket = make_incident_in(Status.INFORMATION_NEEDED, contact=alice)
        with pytest.raises(PermissionDenied):
            services.incident_add_email_reply(
                incident=ticket, contact=contact_b.contact, body="Me too."
            )
        assert not ticket.comments.filter(is_public=True, author_contact__isnull=False).exists()

    def test_a_closed_ticket_takes_no_reply(self, alice):
        ticket = make_incident_in(Status.CLOSED, contact=alice)
        with pytest.raises(ValidationError):
            services.incident_add_email_reply(incident=ticket, contact=alice, body="Hello?")

    def test_an_empty_reply_is_refused(self, alice):
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        with pytest.raises(ValidationError):
            services.incident_add_email_reply(incident=ticket, contact=alice, body="  ")

    def test_the_status_change_is_recorded_as_the_contacts_answer(self, carol):
        ticket = make_incident_in(Status.INFORMATION_NEEDED, contact=carol)
        services.incident_add_email_reply(incident=ticket, contact=carol, body="web-01")
        row = ticket.history.first()
        assert (row.status, row.history_user) == (Status.IN_PROGRESS, None)
        assert row.history_change_reason == "Carol Nologin answered by email."

    def test_the_timeline_names_a_contact_without_a_portal_login(self, client, l1, carol):
        ticket = make_incident_in(Status.REGISTERED, contact=carol)
        services.incident_add_email_reply(incident=ticket, contact=carol, body="web-01")
        client.force_login(l1)
        page = client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()
        assert "<strong>Carol Nologin</strong>" in page

    def test_an_emailed_word_from_the_contact_holds_off_the_auto_close(self, carol, settings):
        ticket = make_incident_in(Status.COMPLETED, contact=carol)
        services.incident_add_email_reply(incident=ticket, contact=carol, body="Not yet!")
        later = ticket.resolved_at + timedelta(days=settings.AUTO_CLOSE_AFTER_DAYS + 1)
        reply = ticket.comments.get(author_contact=carol)
        Comment.objects.filter(pk=reply.pk).update(created_at=later - timedelta(hours=1))
        assert services.auto_close_completed(now=later) == 0
        assert Incident.objects.get(pk=ticket.pk).status == Status.COMPLETED


class TestQuarantineServices:
    @pytest.fixture
    def held(self, ingest):
        return ingest(make_email(sender="who@unknown.test")).email

    @pytest.mark.parametrize("actor", ["l2", "l3", "problem_manager", "contact_a", "outsider"])
    def test_only_l1_and_the_desk_manager_work_the_quarantine(self, actors, actor, held, alice):
        user = actors[actor]
        with pytest.raises(PermissionDenied):
            services.inbound_email_accept(inbound=held, contact=alice, actor=user)
        with pytest.raises(PermissionDenied):
            services.inbound_email_discard(inbound=held, actor=user)
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        with pytest.raises(PermissionDenied):
            services.inbound_email_add_to_ticket(inbound=held, incident=ticket, actor=user)
        held.refresh_from_db()
        assert held.status == InboundEmail.Status.QUARANTINED

    def test_a_handled_message_cannot_be_handled_again(self, l1, held):
        services.inbound_email_discard(inbound=held, actor=l1)
        assert held.status == InboundEmail.Status.DISCARDED
        with pytest.raises(ValidationError):
            services.inbound_email_discard(inbound=held, actor=l1)

    def test_a_ticket_made_or_mail_stored_is_never_quarantine_work(self, l1, ingest, alice):
        email = ingest(make_email()).email
        with pytest.raises(ValidationError):
            services.inbound_email_discard(inbound=email, actor=l1)
