""" "May read but not act" holds for email too (issue 7, defects 14 and 15): a reply from
a contact who is not authorised, or whose organisation is inactive, changes nothing on
the ticket and waits in the quarantine with a reason that says why."""

import pytest
from django.core.exceptions import PermissionDenied

from incidents import services
from incidents.intake.models import InboundEmail
from incidents.models import Status
from tests.factories import ContactFactory, make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db
Q = InboundEmail.Status


@pytest.fixture
def lisa(org_a):
    return ContactFactory(
        organisation=org_a, name="Lisa Wagner", email="lisa@a.test", is_authorised=False
    )


@pytest.fixture
def waiting(alice):
    return make_incident_in(Status.INFORMATION_NEEDED, contact=alice)


def reply(ingest, incident, sender):
    return ingest(
        make_email(sender=sender, subject=f"Re: [{incident.number}] question", body="Here it is.")
    ).email


class TestUnauthorisedContactReplies:
    def test_the_reply_goes_to_the_quarantine_and_changes_nothing(self, ingest, waiting, lisa):
        comments = waiting.comments.count()
        email = reply(ingest, waiting, "Lisa Wagner <lisa@a.test>")
        waiting.refresh_from_db()
        assert email.status == Q.QUARANTINED
        assert "not authorised" in email.reason
        assert "Lisa Wagner" in email.reason
        assert waiting.status == Status.INFORMATION_NEEDED
        assert waiting.comments.count() == comments

    def test_the_service_refuses_her_reply_too(self, waiting, lisa):
        with pytest.raises(PermissionDenied):
            services.incident_add_email_reply(incident=waiting, contact=lisa, body="Hello")
        waiting.refresh_from_db()
        assert waiting.status == Status.INFORMATION_NEEDED

    def test_an_authorised_colleague_still_answers(self, ingest, waiting, carol):
        email = reply(ingest, waiting, "carol@a.test")
        waiting.refresh_from_db()
        assert email.status == Q.COMMENT_ADDED
        assert waiting.status == Status.IN_PROGRESS


class TestInactiveOrganisation:
    def test_a_reply_from_a_contact_of_an_inactive_organisation_is_quarantined(
        self, ingest, waiting, alice, org_a
    ):
        org_a.is_active = False
        org_a.save()
        email = reply(ingest, waiting, "alice@a.test")
        waiting.refresh_from_db()
        assert email.status == Q.QUARANTINED
        assert "inactive" in email.reason
        assert waiting.status == Status.INFORMATION_NEEDED

    def test_a_new_mail_from_there_opens_no_ticket(self, ingest, alice, org_a):
        org_a.is_active = False
        org_a.save()
        email = ingest(make_email(sender="alice@a.test")).email
        assert email.status == Q.QUARANTINED
        assert email.incident is None
