"""Defect 10: each status mail quotes the note of its own transition.

The demo data walks tickets through several transitions in one transaction, handing the
ticket one service returns to the next. The mails are queued when that transaction
commits; each must still say which status it announces and quote that transition's
text, not what a later transition left on the shared ticket object."""

import pytest
from django.core import mail

from incidents import services
from incidents.models import ClosureCode, Status
from servicedesk.models import Notification
from tests.factories import ContactFactory, SupportGroupFactory, make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(org_a):
    return ContactFactory(organisation=org_a, name="Priya Shah", email="priya@a.test")


def _mail_for(event: str) -> Notification:
    return Notification.objects.get(event=event)


def test_transitions_in_one_transaction_each_mail_their_own_note(
    django_capture_on_commit_callbacks, contact, desk_manager, l2
):
    ticket = make_incident_in(Status.REGISTERED, contact=contact, actor=desk_manager)
    group = SupportGroupFactory(members=[l2])
    with django_capture_on_commit_callbacks(execute=True):
        # Like seed_demo: one transaction, each step gets the ticket the last one returned.
        ticket = services.incident_assign(
            incident=ticket, group=group, assignee=l2, actor=desk_manager
        )
        ticket = services.incident_start_work(incident=ticket, actor=l2)
        ticket = services.incident_request_information(
            incident=ticket, comment="Which server is affected?", actor=l2
        )
        ticket = services.incident_add_comment(
            incident=ticket, body="web-01", actor=desk_manager
        ).incident
        ticket = services.incident_resume(incident=ticket, actor=l2)
        ticket = services.incident_complete(
            incident=ticket,
            closure_code=ClosureCode.RESOLVED,
            resolution="We replaced the disk.",
            actor=l2,
        )
        services.incident_reject_resolution(
            incident=ticket, reason="It is still slow.", actor=desk_manager
        )

    events = list(
        Notification.objects.filter(contact=contact).order_by("pk").values_list("event", flat=True)
    )
    assert events == [
        "status_changed:assigned",
        "status_changed:in_progress",
        "status_changed:information_needed",
        "status_changed:in_progress",
        "status_changed:completed",
        "status_changed:rejected_by_user",
    ]
    asked = _mail_for("status_changed:information_needed").body
    assert "Which server is affected?" in asked
    assert "Work started" not in asked
    completed = _mail_for("status_changed:completed").body
    assert "We replaced the disk." in completed
    assert "Work resumed" not in completed
    rejected = _mail_for("status_changed:rejected_by_user").body
    assert "It is still slow." in rejected
    assert "We replaced the disk." not in rejected
    assert len([m for m in mail.outbox if m.to == ["priya@a.test"]]) == len(events)
