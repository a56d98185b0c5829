"""The contact hears about their ticket: once when it is registered and once at every
status change, in their own language, with a link to the portal, and never reads what
support wrote for itself. Staff hear about SLA warnings through notify_staff."""

import pytest
from django.core import mail
from django.template.loader import render_to_string

from incidents import services
from incidents.models import ClosureCode, Status
from incidents.notifications import notify_staff, staff_recipients
from incidents.signals import ticket_status_changed
from servicedesk import roles
from servicedesk.models import Contact, Notification, NotificationStatus
from servicedesk.notifications import notifications_for
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    SupportGroupFactory,
    UserFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed: signals fire, mail is sent (eager)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def contact(org_a):
    return ContactFactory(
        organisation=org_a,
        name="Alice Customer",
        email="alice@a.test",
        form_of_address=Contact.FormOfAddress.MS,
        with_login=True,
        user__username="alice",
    )


def to_alice() -> list:
    """The mail the contact got (staff are told about assignments and rejections too)."""
    return [m for m in mail.outbox if m.to == ["alice@a.test"]]


def contact_mail(contact: Contact) -> list[Notification]:
    return list(Notification.objects.filter(contact=contact).order_by("pk"))


class TestRegistration:
    def test_registering_a_ticket_sends_one_message_to_the_contact(
        self, committing, contact, desk_manager, settings
    ):
        settings.SITE_URL = "http://127.0.0.1:8000"
        with committing():
            incident = IncidentFactory(contact=contact, actor=desk_manager, title="Mail is down")
        (notification,) = contact_mail(contact)
        assert notification.event == "registered"
        assert notification.recipient_email == "alice@a.test"
        assert notification.status == NotificationStatus.SENT
        assert notification.target == incident
        assert notification.subject_ref == incident.number
        (message,) = mail.outbox
        assert message.to == ["alice@a.test"]
        assert message.subject == f"[{incident.number}] Registered – Mail is down"
        assert message.body.startswith("Dear Ms Customer,\n")
        assert f"http://127.0.0.1:8000/portal/tickets/{incident.number}/" in message.body
        assert message.extra_headers["Auto-Submitted"] == "auto-generated"
        assert message.extra_headers["References"] == f"<{incident.number}@localhost>"

    def test_the_portal_link_uses_site_url(self, committing, contact, settings):
        settings.SITE_URL = "https://desk.example.com/"
        with committing():
            incident = IncidentFactory(contact=contact)
        assert f"https://desk.example.com/portal/tickets/{incident.number}/" in (
            mail.outbox[0].body
        )

    def test_a_contact_without_a_portal_login_gets_no_portal_link(self, committing, org_a):
        contact = ContactFactory(organisation=org_a, name="Carl Phone")
        with committing():
            IncidentFactory(contact=contact)
        (message,) = mail.outbox
        assert "/portal/" not in message.body
        assert message.body.startswith("Dear Carl Phone,\n")

    def test_an_inactive_contact_is_not_written_to(self, committing, contact, desk_manager):
        with committing():
            incident = IncidentFactory(contact=contact, actor=desk_manager)
        Contact.objects.filter(pk=contact.pk).update(is_active=False)
        with committing():
            services.incident_assign(
                incident=incident, group=SupportGroupFactory(), actor=desk_manager
            )
        assert [n.event for n in contact_mail(contact)] == ["registered"]

    def test_nothing_is_sent_before_the_transaction_commits(self, contact, desk_manager):
        # The test's transaction never commits, so the on_commit hooks never run.
        IncidentFactory(contact=contact, actor=desk_manager)
        assert Notification.objects.count() == 0
        assert mail.outbox == []


class TestStatusChanges:
    """A walk through every status, one transition at a time."""

    def test_every_status_change_sends_exactly_one_message(
        self, committing, contact, desk_manager, l2, l2_group, l3, l3_group
    ):
        with committing():
            incident = IncidentFactory(contact=contact, actor=desk_manager, title="Slow VM")
        customer = contact.user
        steps = [
            (
                Status.ASSIGNED,
                lambda: services.incident_assign(
                    incident=incident, group=l2_group, assignee=l2, actor=desk_manager
                ),
            ),
            (Status.IN_PROGRESS, lambda: services.incident_start_work(incident=incident, actor=l2)),
            (
                Status.INFORMATION_NEEDED,
                lambda: services.incident_request_information(
                    incident=incident, comment="Which VM is affected?", actor=l2
                ),
            ),
            (
                Status.IN_PROGRESS,
                lambda: services.incident_add_comment(
                    incident=incident, body="vm-17", actor=customer
                ),
            ),
            (
                Status.EXTERNAL_PROCESSING,
                lambda: services.incident_engage_third_party(
                    incident=incident, third_party="Vendor", actor=l2
                ),
            ),
            (Status.IN_PROGRESS, lambda: services.incident_resume(incident=incident, actor=l2)),
            (
                Status.COMPLETED,
                lambda: services.incident_complete(
                    incident=incident,
                    closure_code=ClosureCode.RESOLVED,
                    resolution="We moved the VM to a faster host.",
                    actor=l2,
                ),
            ),
            (
                Status.REJECTED_BY_USER,
                lambda: services.incident_reject_resolution(
                    incident=incident, reason="It is still slow.", actor=customer
                ),
            ),
            (
                Status.ASSIGNED,
                lambda: services.incident_escalate(
                    incident=incident,
                    to_group=l3_group,
                    assignee=l3,
                    reason="Host issue",
                    actor=desk_manager,
                ),
            ),
            (Status.IN_PROGRESS, lambda: services.incident_start_work(incident=incident, actor=l3)),
            (
                Status.COMPLETED,
                lambda: services.incident_complete(
                    incident=incident,
                    closure_code=ClosureCode.RESOLVED,
                    resolution="Replaced a failing disk.",
                    actor=l3,
                ),
            ),
            (Status.CLOSED, lambda: services.incident_confirm(incident=incident, actor=customer)),
        ]

        def to_contact():  # staff are told too (assigned, rejected): count the contact's mail
            return [m for m in mail.outbox if m.to == ["alice@a.test"]]

        for target, step in steps:
            before = len(to_contact())
            with committing():
                step()
            assert incident.status == target
            assert len(to_contact()) == before + 1, target
            message = to_contact()[-1]
            assert message.to == ["alice@a.test"]
            label = Status(target).label
            assert message.subject == f"[{incident.number}] Status: {label} – Slow VM"
            assert f"is now: {label}." in message.body
            latest = contact_mail(contact)[-1]
            assert latest.event == f"status_changed:{target.value}"
            assert latest.status == NotificationStatus.SENT
        assert len(contact_mail(contact)) == 1 + len(steps)
        # All of them thread under the ticket and have their own Message-ID.
        ids = {n.message_id for n in contact_mail(contact)}
        assert len(ids) == 1 + len(steps)
        assert {n.references for n in contact_mail(contact)} == {f"<{incident.number}@localhost>"}

    def test_public_reasons_are_quoted(self, committing, contact, desk_manager):
        with committing():
            incident = make_incident_in(Status.IN_PROGRESS, contact=contact, actor=desk_manager)
            services.incident_request_information(
                incident=incident, comment="Please send the error message.", actor=desk_manager
            )
        assert "Please send the error message." in mail.outbox[-1].body
        with committing():
            services.incident_resume(incident=incident, actor=desk_manager)
            services.incident_complete(
                incident=incident,
                closure_code=ClosureCode.WORKAROUND,
                resolution="Restart the agent after boot.",
                actor=desk_manager,
            )
        body = mail.outbox[-1].body
        assert "Restart the agent after boot." in body
        assert "Resolved with a workaround" in body
        assert "within 3 days" in body

    def test_completing_as_invalid_tells_the_contact_why(self, committing, contact, l1):
        with committing():
            incident = IncidentFactory(contact=contact)
            services.incident_complete_as_invalid(
                incident=incident,
                closure_code=ClosureCode.DUPLICATE,
                duplicate_of=IncidentFactory(contact=contact),
                reason="Same as INC-000001, which we are working on.",
                actor=l1,
            )
        assert "Same as INC-000001, which we are working on." in mail.outbox[-1].body

    def test_internal_reasons_never_reach_the_contact(
        self, committing, contact, desk_manager, l1_group, l2, l2_group, l3_group
    ):
        secrets = [
            "SECRET-reassign",
            "SECRET-escalate",
            "SECRET-vendor-name",
            "SECRET-vendor-comment",
            "SECRET-resume-note",
        ]
        with committing():
            incident = IncidentFactory(contact=contact, actor=desk_manager)
            services.incident_assign(incident=incident, group=l1_group, actor=desk_manager)
            services.incident_assign(
                incident=incident, group=l1_group, actor=desk_manager, reason="SECRET-reassign"
            )
            services.incident_escalate(
                incident=incident,
                to_group=l2_group,
                assignee=l2,
                reason="SECRET-escalate",
                actor=desk_manager,
            )
            services.incident_start_work(incident=incident, actor=l2)
            services.incident_engage_third_party(
                incident=incident,
                third_party="SECRET-vendor-name",
                comment="SECRET-vendor-comment",
                actor=l2,
            )
            services.incident_resume(incident=incident, comment="SECRET-resume-note", actor=l2)
        # registered, assigned, in progress, external processing, in progress: the
        # reassignment and the escalation left the ticket Assigned.
        assert len(to_alice()) == 5
        for message in to_alice():
            for secret in secrets:
                assert secret not in message.body and secret not in message.subject
        for notification in contact_mail(contact):
            assert not any(secret in notification.body for secret in secrets)
        assert "third party" in to_alice()[3].body

    def test_a_reassignment_that_keeps_the_status_sends_nothing(
        self, committing, contact, desk_manager, l1_group
    ):
        incident = make_incident_in(Status.ASSIGNED, contact=contact, actor=desk_manager)
        with committing():
            services.incident_assign(
                incident=incident, group=l1_group, actor=desk_manager, reason="Shift change"
            )
        assert to_alice() == []

    def test_auto_close_says_why_the_ticket_closed(self, committing, contact):
        incident = make_incident_in(Status.COMPLETED, contact=contact)
        with committing():
            services.incident_auto_close(incident=incident)
        (notification,) = Notification.objects.filter(event="status_changed:closed")
        assert "closed automatically because we did not hear from you" in notification.body

    def test_a_repeated_signal_queues_the_message_once(self, committing, contact):
        incident = make_incident_in(Status.ASSIGNED, contact=contact)
        with committing():
            for _ in range(2):
                ticket_status_changed.send(
                    sender=type(incident),
                    incident=incident,
                    source=Status.REGISTERED,
                    target=Status.ASSIGNED,
                    actor=None,
                    reason="",
                )
        assert Notification.objects.filter(event="status_changed:assigned").count() == 1
        assert len(mail.outbox) == 1


@pytest.mark.translations
class TestLanguage:
    def test_subject_and_body_follow_the_contacts_language(self, committing, org_a):
        english = ContactFactory(organisation=org_a, name="Ann Smith", language="en")
        german = ContactFactory(
            organisation=org_a,
            name="Jana Becker",
            language="de",
            form_of_address=Contact.FormOfAddress.MS,
        )
        with committing():
            for contact in (english, german):
                incident = IncidentFactory(contact=contact, title="VPN")
                services.incident_assign(
                    incident=incident,
                    group=SupportGroupFactory(),
                    actor=UserFactory(roles=[roles.DESK_MANAGER]),
                )
        en_registered, en_assigned = contact_mail(english)
        de_registered, de_assigned = contact_mail(german)
        assert en_registered.subject.endswith("Registered – VPN")
        assert en_assigned.subject.endswith("Status: Assigned – VPN")
        # The German catalogue (locale/de) is compiled by `make messages` (gettext).
        assert de_registered.subject.endswith("Registriert – VPN"), (
            "German mail is not translated: compile the catalogue with `make messages`"
        )
        assert de_assigned.subject.endswith("Status: Zugewiesen – VPN")
        assert de_registered.body.startswith("Sehr geehrte Frau Becker,\n")
        assert "wir haben Ihr Ticket" in de_registered.body
        assert "Registered" not in de_registered.body

    def test_the_language_is_switched_back_afterwards(self, committing, org_a):
        from django.utils import translation

        german = ContactFactory(organisation=org_a, language="de")
        with translation.override("en"), committing():
            IncidentFactory(contact=german)
            assert translation.get_language() == "en"


class TestStaff:
    @pytest.fixture
    def manager(self, db):
        return UserFactory(username="boss", email="boss@desk.test", roles=[roles.DESK_MANAGER])

    def test_a_group_with_an_address_is_told_there_with_the_managers(self, manager, l2):
        group = SupportGroupFactory(email="ops@desk.test", members=[l2])
        incident = make_incident_in(Status.ASSIGNED, group=group)
        addresses = [email for email, _user in staff_recipients(incident)]
        assert "ops@desk.test" in addresses
        assert "boss@desk.test" in addresses
        assert l2.email not in addresses

    def test_a_group_without_an_address_is_told_through_its_members(self, manager, l2):
        group = SupportGroupFactory(members=[l2])
        incident = make_incident_in(Status.ASSIGNED, group=group, assignee=l2)
        recipients = dict(staff_recipients(incident))
        assert recipients[l2.email] == l2
        assert recipients["boss@desk.test"] == manager

    def test_notify_staff_sends_once_per_occurrence(self, committing, manager, l2):
        group = SupportGroupFactory(email="ops@desk.test", members=[l2])
        incident = make_incident_in(Status.ASSIGNED, group=group)
        expected = {email for email, _user in staff_recipients(incident)}
        with committing():
            first = notify_staff(
                incident=incident,
                event="sla_at_risk",
                subject="Resolution at risk",
                body="75 % of the resolution time is used.",
            )
            again = notify_staff(
                incident=incident,
                event="sla_at_risk",
                subject="Resolution at risk",
                body="75 % of the resolution time is used.",
            )
        assert {n.recipient_email for n in first} == expected
        assert again == []
        sent = [m for m in mail.outbox if m.subject.endswith("Resolution at risk")]
        assert sorted(m.to[0] for m in sent) == sorted(expected)
        assert sent[0].subject == f"[{incident.number}] Resolution at risk"
        assert f"/tickets/{incident.number}/" in sent[0].body
        assert "75 % of the resolution time is used." in sent[0].body
        with committing():
            later = notify_staff(
                incident=incident,
                event="sla_at_risk",
                subject="Resolution at risk",
                body="Again, after re-prioritisation.",
                occurrence="2",
            )
        assert len(later) == len(expected)


class TestNotificationLog:
    def test_the_ticket_shows_its_notifications(
        self, committing, contact, django_assert_num_queries
    ):
        with committing():
            incident = make_incident_in(Status.ASSIGNED, contact=contact)
        Notification.objects.filter(event="status_changed:assigned").update(
            status=NotificationStatus.FAILED, attempts=3, last_error="SMTPServerDisconnected: bye"
        )
        with django_assert_num_queries(1):
            rows = list(notifications_for(incident))
        assert [n.event for n in rows] == ["status_changed:assigned", "registered"]
        html = render_to_string("incidents/_notifications.html", {"notifications": rows})
        assert "alice@a.test" in html
        assert 'class="badge danger">Failed<' in html
        assert 'class="badge success">Sent<' in html
        assert "SMTPServerDisconnected: bye" in html

    def test_an_empty_log_says_so(self):
        html = render_to_string("incidents/_notifications.html", {"notifications": []})
        assert "No notifications yet." in html
