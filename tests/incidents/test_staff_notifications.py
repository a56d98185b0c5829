"""Defect 2: the people working a ticket are told (in the app and by mail, once each,
never about their own action) when it is assigned to them, when the customer answers by
portal or email, when the customer rejects a resolution and when the customer asks for a
higher urgency."""

import pytest
from django.core import mail

from incidents import services
from incidents.models import Status
from incidents.signals import ticket_status_changed
from servicedesk.inbox import preference_update
from servicedesk.models import InAppNotification, Notification, Urgency
from tests.factories import SupportGroupFactory, UserFactory, make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def told(user, event: str) -> list[InAppNotification]:
    return list(InAppNotification.objects.filter(recipient=user, event=event))


def mailed(user) -> list:
    return [m for m in mail.outbox if m.to == [user.email]]


class TestAssigned:
    def test_l1_assigning_to_l2_tells_l2_in_the_app_and_by_mail(
        self, committing, l1, l2, l2_group, contact_a
    ):
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=l1)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
        (item,) = told(l2, "ticket_assigned")
        assert item.verb == "Assigned to you"
        assert item.target == ticket
        assert item.url == f"/tickets/{ticket.number}/"
        assert item.target_label == f"{ticket.number} {ticket.title}"
        assert item.actor == l1 and item.read_at is None
        (message,) = mailed(l2)
        assert message.subject == f"[{ticket.number}] Assigned to you: {ticket.title}"
        assert f"/tickets/{ticket.number}/" in message.body
        assert told(l1, "ticket_assigned") == []  # not about their own action

    def test_without_an_assignee_the_groups_members_are_told(self, committing, l1, contact_a):
        one, two = UserFactory(email="one@desk.test"), UserFactory(email="two@desk.test")
        group = SupportGroupFactory(name="Network", members=[one, two, l1])
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=l1)
        with committing():
            services.incident_assign(incident=ticket, group=group, actor=l1)
        assert [i.verb for i in told(one, "ticket_assigned")] == ["Assigned to your group Network"]
        assert len(told(two, "ticket_assigned")) == 1
        assert told(l1, "ticket_assigned") == []

    def test_escalation_tells_the_new_assignee(self, committing, l1, l3, l3_group, contact_a):
        ticket = make_incident_in(Status.ASSIGNED, contact=contact_a.contact, actor=l1)
        with committing():
            services.incident_escalate(
                incident=ticket, to_group=l3_group, assignee=l3, reason="Routing", actor=l1
            )
        assert len(told(l3, "ticket_assigned")) == 1

    def test_a_repeated_announcement_tells_nobody_twice(
        self, committing, l1, l2, l2_group, contact_a
    ):
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=l1)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
        with committing():
            ticket_status_changed.send(
                sender=type(ticket),
                incident=ticket,
                source=Status.REGISTERED,
                target=Status.ASSIGNED,
                actor=l1,
                reason="",
            )
        assert len(told(l2, "ticket_assigned")) == 1
        assert len(mailed(l2)) == 1


class TestCustomer:
    @pytest.fixture
    def ticket(self, desk_manager, l2, l2_group, contact_a):
        return make_incident_in(
            Status.INFORMATION_NEEDED,
            contact=contact_a.contact,
            actor=desk_manager,
            group=l2_group,
            assignee=l2,
        )

    def test_a_portal_answer_tells_the_assignee(self, committing, ticket, l2, contact_a):
        with committing():
            services.incident_add_comment(incident=ticket, body="It is web-01.", actor=contact_a)
        (item,) = told(l2, "customer_replied")
        assert item.verb == "The customer answered"
        (message,) = [m for m in mailed(l2) if "customer answered" in m.subject]
        assert "It is web-01." in message.body

    def test_a_mailed_answer_tells_the_assignee(self, committing, ticket, l2, contact_a):
        with committing():
            services.incident_add_email_reply(
                incident=ticket, contact=contact_a.contact, body="By mail: web-02"
            )
        assert len(told(l2, "customer_replied")) == 1

    def test_support_comments_tell_no_one(self, committing, ticket, l2, desk_manager):
        with committing():
            services.incident_add_comment(
                incident=ticket, body="Note", actor=desk_manager, is_public=True
            )
        assert told(l2, "customer_replied") == []

    def test_a_rejection_tells_the_assignee_with_the_reason(
        self, committing, desk_manager, l2, l2_group, contact_a
    ):
        ticket = make_incident_in(
            Status.COMPLETED,
            contact=contact_a.contact,
            actor=desk_manager,
            group=l2_group,
            assignee=l2,
        )
        with committing():
            services.incident_reject_resolution(
                incident=ticket, reason="Still slow.", actor=contact_a
            )
        (item,) = told(l2, "resolution_rejected")
        assert item.verb == "The customer rejected the resolution"
        assert any("Still slow." in m.body for m in mailed(l2))

    def test_an_urgency_request_tells_the_assignee(
        self, committing, desk_manager, l2, l2_group, contact_a
    ):
        ticket = make_incident_in(
            Status.IN_PROGRESS,
            contact=contact_a.contact,
            actor=desk_manager,
            group=l2_group,
            assignee=l2,
        )
        with committing():
            services.incident_request_urgency(
                incident=ticket, urgency=Urgency.VERY_HIGH, reason="All users", actor=contact_a
            )
        (item,) = told(l2, "urgency_raise_requested")
        assert item.verb == "The customer asks for urgency Very high"


class TestOptOut:
    def test_mail_off_keeps_the_in_app_notification(self, committing, l1, l2, l2_group, contact_a):
        preference_update(user=l2, mail_enabled=False, muted_events=[])
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=l1)
        with committing():
            services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
        assert len(told(l2, "ticket_assigned")) == 1
        assert mailed(l2) == []

    def test_one_muted_kind_still_mails_the_others(
        self, committing, desk_manager, l2, l2_group, contact_a
    ):
        preference_update(user=l2, mail_enabled=True, muted_events=["ticket_assigned"])
        with committing():
            ticket = make_incident_in(
                Status.INFORMATION_NEEDED,
                contact=contact_a.contact,
                actor=desk_manager,
                group=l2_group,
                assignee=l2,
            )
            services.incident_add_comment(incident=ticket, body="web-01", actor=contact_a)
        assert len(told(l2, "ticket_assigned")) == 1
        assert [m.subject.split("] ")[1].split(":")[0] for m in mailed(l2)] == [
            "The customer answered"
        ]


def test_the_notification_log_shows_events_in_words(
    client, committing, l1, l2, l2_group, contact_a
):
    ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact, actor=l1)
    with committing():
        services.incident_assign(incident=ticket, group=l2_group, assignee=l2, actor=l1)
    events = {n.event: n.get_event_display() for n in Notification.objects.all()}
    assert events["status_changed:assigned"] == "Status changed to Assigned"
    assert events["ticket_assigned"] == "Assignment (to staff)"
    client.force_login(l1)
    page = client.get(f"/tickets/{ticket.number}/").content.decode()
    assert "Status changed to Assigned" in page
    assert ">status_changed:assigned<" not in page
