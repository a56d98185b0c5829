"""A cap on attachments per inbound mail (issue 7, hardening): the first
EMAIL_MAX_ATTACHMENTS are stored on the ticket, the others are listed in a note and not
stored, and the message itself (with every attachment) is kept."""

import pytest

from incidents.intake.models import InboundEmail
from incidents.models import Incident, Status
from tests.factories import make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db

FILES = [(f"file{n}.txt", "text/plain", f"content {n}\n".encode()) for n in range(1, 5)]


@pytest.fixture(autouse=True)
def cap(settings):
    settings.EMAIL_MAX_ATTACHMENTS = 2


def test_a_new_ticket_keeps_the_first_attachments_and_lists_the_rest(ingest, alice):
    email = ingest(make_email(sender="alice@a.test", attachments=FILES)).email
    incident = Incident.objects.get()
    assert email.status == InboundEmail.Status.TICKET_CREATED
    names = sorted(incident.attachments.values_list("original_name", flat=True))
    assert names == ["file1.txt", "file2.txt"]
    assert "file3.txt" in incident.description
    assert "file4.txt" in incident.description
    assert "not kept" in incident.description
    with email.raw.open("rb") as handle:
        assert b"file4.txt" in handle.read()  # the message is never lost


def test_a_reply_is_capped_too(ingest, alice):
    ticket = make_incident_in(Status.IN_PROGRESS, contact=alice)
    ingest(make_email(sender="alice@a.test", subject=f"Re: {ticket.number}", attachments=FILES))
    comment = ticket.comments.filter(is_public=True).last()
    assert comment.attachments.count() == 2
    assert "file3.txt" in comment.body


def test_accepting_from_the_quarantine_is_capped_too(client, l1, ingest, alice):
    email = ingest(make_email(sender="eve@unknown.test", attachments=FILES)).email
    client.force_login(l1)
    client.post(
        f"/tickets/quarantine/{email.pk}/accept/",
        {"contact": alice.pk, "kind": "incident", "title": "x"},
    )
    incident = Incident.objects.get()
    assert incident.attachments.count() == 2
    assert "file4.txt" in incident.description
