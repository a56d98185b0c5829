"""A ticket made from a reply to a closed ticket gets a clean title (issue 7, friction):
no "Re:"/"AW:"/"Fwd:" prefixes and no "[INC-000123]" of the closed ticket."""

import pytest

from incidents.models import Status
from tests.factories import make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "subject",
    [
        "Re: [{number}] Mail server down",
        "RE: Re: AW: [{number}] Mail server down",
        "Fwd: Re: {number} Mail server down",
        "Re: [{number}]   Mail server down  ",
        "WG: Antw: [{number}] Mail server down",
    ],
)
def test_the_new_tickets_title_loses_reply_prefixes_and_the_old_number(ingest, alice, subject):
    closed = make_incident_in(Status.CLOSED, contact=alice, title="Mail server down")
    email = ingest(make_email(subject=subject.format(number=closed.number))).email
    assert email.incident != closed
    assert email.incident.title == "Mail server down"


def test_a_subject_of_only_prefixes_falls_back_to_the_closed_tickets_title(ingest, alice):
    closed = make_incident_in(Status.CLOSED, contact=alice, title="VPN drops")
    email = ingest(make_email(subject=f"Re: [{closed.number}]")).email
    assert email.incident.title == "VPN drops"


def test_a_reply_to_our_own_notification_keeps_only_the_old_title(ingest, alice):
    closed = make_incident_in(Status.CLOSED, contact=alice, title="VPN drops")
    subject = f"Re: [{closed.number}] Status: Closed – VPN drops"
    assert ingest(make_email(subject=subject)).email.incident.title == "VPN drops"
