"""What an inbound message becomes: a ticket, a comment on one, the quarantine, or a
stored automatic message that nothing answers; and what never happens (a duplicate
ticket, a spoofed reply on someone's ticket, an answer to an auto-responder, a loop)."""

from unittest import mock

import pytest
from django.core import mail

from incidents.intake import email as intake
from incidents.intake.models import InboundEmail
from incidents.models import Attachment, Channel, Comment, Incident, Status
from incidents.services import inbound
from servicedesk.models import Notification
from tests.factories import ContactFactory, OrganisationFactory, make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db

Q = InboundEmail.Status


def only_email() -> InboundEmail:
    return InboundEmail.objects.get()


class TestNewTickets:
    def test_mail_from_an_authorised_contact_opens_a_ticket(self, ingest, alice):
        result = ingest(make_email(subject="Mail server down", body="No mail since 09:00."))

        incident = Incident.objects.get()
        assert result.email.status == Q.TICKET_CREATED
        assert result.email.incident == incident
        assert (incident.contact, incident.organisation) == (alice, alice.organisation)
        assert incident.channel == Channel.EMAIL
        assert incident.title == "Mail server down"
        assert incident.description == "No mail since 09:00."
        assert incident.status == Status.REGISTERED
        assert incident.history.first().history_user is None  # registered by the system

    def test_the_contact_hears_that_the_ticket_is_registered(self, ingest, alice):
        ingest(make_email())
        incident = Incident.objects.get()
        sent = Notification.objects.get(contact=alice)
        assert sent.event == "registered"
        assert incident.number in sent.subject
        assert [m.to for m in mail.outbox] == [["alice@a.test"]]

    def test_the_sender_is_matched_case_insensitively(self, ingest, alice):
        ingest(make_email(sender="ALICE@A.Test"))
        assert Incident.objects.get().contact == alice

    def test_the_raw_message_is_kept_as_a_file(self, ingest, alice, private_media):
        raw = make_email()
        email = ingest(raw).email
        assert email.size == len(raw)
        assert email.raw.name.startswith("inbound-email/")
        with email.raw.open("rb") as handle:
            assert handle.read() == raw
        assert (private_media / email.raw.name).is_file()

    def test_a_contact_without_a_portal_login_opens_tickets_too(self, ingest, carol):
        ingest(make_email(sender="carol@a.test"))
        assert Incident.objects.get().contact == carol

    def test_an_empty_subject_gets_a_placeholder_title(self, ingest, alice):
        ingest(make_email(subject=""))
        assert Incident.objects.get().title == "(no subject)"


class TestDuplicates:
    def test_the_same_message_id_three_times_makes_one_ticket(self, ingest, alice):
        raw = make_email(message_id="<once@customer.test>")
        results = [ingest(raw) for _ in range(3)]

        assert Incident.objects.count() == 1
        assert InboundEmail.objects.count() == 1
        assert [r.duplicate for r in results] == [False, True, True]
        assert Notification.objects.filter(contact=alice).count() == 1

    def test_a_resent_copy_with_other_bytes_but_the_same_message_id_is_a_duplicate(
        self, ingest, alice
    ):
        ingest(make_email(message_id="<same@customer.test>", body="first"))
        ingest(make_email(message_id="<same@customer.test>", body="relayed copy"))
        assert Incident.objects.count() == 1

    def test_without_a_message_id_the_bytes_decide(self, ingest, alice):
        raw = make_email(message_id=None)
        ingest(raw)
        assert ingest(raw).duplicate
        assert only_email().message_id.startswith("<sha256.")
        ingest(make_email(message_id=None, body="another message"))
        assert Incident.objects.count() == 2

    def test_a_duplicate_stores_no_second_file(self, ingest, alice, private_media):
        raw = make_email(message_id="<file-once@customer.test>")
        ingest(raw)
        ingest(raw)
        assert len(list((private_media / "inbound-email").rglob("*.eml"))) == 1


class TestQuarantine:
    def test_an_unknown_sender_is_quarantined_never_dropped(self, ingest, alice):
        email = ingest(make_email(sender="stranger@elsewhere.test")).email
        assert email.status == Q.QUARANTINED
        assert "stranger@elsewhere.test" in email.reason
        assert email.raw
        assert not Incident.objects.exists()
        assert not Notification.objects.exists()

    def test_an_address_of_contacts_of_several_organisations_is_quarantined(
        self, ingest, alice, org_b
    ):
        ContactFactory(organisation=org_b, email="Alice@A.test")
        email = ingest(make_email()).email
        assert email.status == Q.QUARANTINED
        assert "several organisations" in email.reason
        assert not Incident.objects.exists()

    def test_a_contact_not_authorised_to_open_tickets_is_quarantined(self, ingest, org_a):
        ContactFactory(organisation=org_a, email="dave@a.test", is_authorised=False)
        email = ingest(make_email(sender="dave@a.test")).email
        assert email.status == Q.QUARANTINED
        assert "not authorised" in email.reason

    def test_an_inactive_contact_is_an_unknown_sender(self, ingest, org_a):
        ContactFactory(organisation=org_a, email="gone@a.test", is_active=False)
        assert ingest(make_email(sender="gone@a.test")).email.status == Q.QUARANTINED

    def test_a_message_without_a_readable_sender_is_quarantined(self, ingest, alice):
        email = ingest(b"Subject: who?\r\nMessage-ID: <nosender@x.test>\r\n\r\nhello\r\n").email
        assert email.status == Q.QUARANTINED
        assert email.reason == "No sender address could be read."

    def test_garbage_is_stored_and_quarantined(self, ingest):
        garbage = bytes(range(256)) * 40
        email = ingest(garbage).email
        assert email.status == Q.QUARANTINED
        with email.raw.open("rb") as handle:
            assert handle.read() == garbage

    def test_a_failure_while_processing_quarantines_the_message_and_rolls_back(self, ingest, alice):
        with mock.patch.object(
            inbound, "store_attachment", side_effect=RuntimeError("disk says no")
        ):
            email = ingest(make_email(attachments=[("a.txt", "text/plain", b"x")])).email
        assert email.status == Q.QUARANTINED
        assert "disk says no" in email.reason
        assert not Incident.objects.exists()  # the half-made ticket was rolled back


class TestReplies:
    @pytest.fixture
    def waiting(self, alice, l2, l2_group, django_capture_on_commit_callbacks):
        """Alice's ticket, waiting for her answer (Information needed); she was mailed."""
        with django_capture_on_commit_callbacks(execute=True):
            return make_incident_in(
                Status.INFORMATION_NEEDED, contact=alice, group=l2_group, assignee=l2
            )

    def test_a_reply_with_the_number_in_the_subject_from_a_contact_is_a_public_comment(
        self, ingest, alice, waiting
    ):
        email = ingest(
            make_email(subject=f"Re: [{waiting.number}] Status", body="It is web-01.")
        ).email

        comment = Comment.objects.filter(incident=waiting).latest("pk")
        assert email.status == Q.COMMENT_ADDED
        assert (email.incident, email.comment) == (waiting, comment)
        assert comment.is_public
        assert comment.body == "It is web-01."
        assert (comment.author, comment.author_contact) == (alice.user, alice)
        waiting.refresh_from_db()
        assert waiting.status == Status.IN_PROGRESS
        assert Incident.objects.count() == 1

    def test_a_reply_by_in_reply_to_our_notification_is_matched_without_the_number(
        self, ingest, alice, waiting
    ):
        ours = Notification.objects.filter(subject_ref=waiting.number).latest("pk")
        ingest(
            make_email(
                subject="Re: your question",
                body="It is web-02.",
                headers={"In-Reply-To": ours.message_id, "References": ours.references},
            )
        )
        waiting.refresh_from_db()
        assert waiting.status == Status.IN_PROGRESS
        assert waiting.comments.latest("pk").body == "It is web-02."

    def test_a_reply_naming_the_thread_id_in_references_is_matched(
        self, ingest, alice, waiting, settings
    ):
        settings.EMAIL_MESSAGE_ID_DOMAIN = "desk.example.com"
        ingest(
            make_email(
                subject="Re: hello",
                headers={"References": f"<{waiting.number}@desk.example.com>"},
            )
        )
        waiting.refresh_from_db()
        assert waiting.status == Status.IN_PROGRESS

    def test_a_contact_without_a_portal_login_answers_too(self, ingest, carol, l2, l2_group):
        ticket = make_incident_in(
            Status.INFORMATION_NEEDED, contact=carol, group=l2_group, assignee=l2
        )
        ingest(make_email(sender="carol@a.test", subject=f"RE: {ticket.number}", body="Done."))
        ticket.refresh_from_db()
        comment = ticket.comments.latest("pk")
        assert ticket.status == Status.IN_PROGRESS
        assert (comment.author, comment.author_contact) == (None, carol)

    def test_a_colleague_of_the_same_organisation_may_answer(self, ingest, carol, waiting):
        ingest(make_email(sender="carol@a.test", subject=f"Re: {waiting.number}"))
        assert waiting.comments.latest("pk").author_contact == carol

    def test_the_quoted_message_is_left_out_of_the_comment(self, ingest, alice, waiting):
        body = (
            "It is web-01.\n\nOn Mon, 23 Nov 2026 at 10:00, Service Desk "
            "<servicedesk@localhost> wrote:\n> Which server is affected?\n"
        )
        email = ingest(make_email(subject=f"Re: {waiting.number}", body=body)).email
        assert waiting.comments.latest("pk").body == "It is web-01."
        assert "Which server" in email.body  # the record keeps everything

    def test_a_reply_on_a_ticket_being_worked_only_adds_the_comment(
        self, ingest, alice, l2, l2_group
    ):
        ticket = make_incident_in(Status.IN_PROGRESS, contact=alice, group=l2_group, assignee=l2)
        ingest(make_email(subject=f"Re: {ticket.number}", body="More detail."))
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROGRESS
        assert ticket.comments.latest("pk").body == "More detail."

    def test_a_reply_to_a_closed_ticket_opens_a_new_one(self, ingest, alice):
        closed = make_incident_in(Status.CLOSED, contact=alice)
        email = ingest(make_email(subject=f"Re: {closed.number}", body="It is back.")).email
        assert email.status == Q.TICKET_CREATED
        assert email.incident != closed
        assert f"A reply to {closed.number}, which is closed." in email.incident.description

    def test_a_reply_with_attachments_keeps_them_on_the_comment(self, ingest, alice, waiting):
        ingest(
            make_email(
                subject=f"Re: {waiting.number}",
                body="Log attached.",
                attachments=[("error.log", "text/plain", b"boom\n")],
            )
        )
        attachment = Attachment.objects.get(incident=waiting)
        assert attachment.comment == waiting.comments.latest("pk")
        assert attachment.original_name == "error.log"
        assert attachment.uploaded_by == alice.user


class TestSpoofing:
    def test_a_spoofed_sender_with_a_known_ticket_number_is_not_added_to_it(
        self, ingest, alice, l2, l2_group
    ):
        ticket = make_incident_in(
            Status.INFORMATION_NEEDED, contact=alice, group=l2_group, assignee=l2
        )
        comments = ticket.comments.count()
        email = ingest(
            make_email(
                sender="Mallory <mallory@evil.test>",
                subject=f"Re: [{ticket.number}] please close",
                body="Close it, all fine.",
            )
        ).email

        assert email.status == Q.QUARANTINED
        assert ticket.number in email.reason
        assert email.incident is None
        assert ticket.comments.count() == comments
        ticket.refresh_from_db()
        assert ticket.status == Status.INFORMATION_NEEDED
        assert not Incident.objects.exclude(pk=ticket.pk).exists()

    def test_a_contact_of_another_organisation_cannot_reply_to_the_ticket(
        self, ingest, alice, contact_b
    ):
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        email = ingest(make_email(sender="bob@b.test", subject=f"Re: {ticket.number}")).email
        assert email.status == Q.QUARANTINED
        assert not ticket.comments.exists()
        assert Incident.objects.count() == 1  # and no new ticket for Bob either

    def test_a_spoofed_in_reply_to_with_a_foreign_sender_is_quarantined(
        self, ingest, alice, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = make_incident_in(Status.REGISTERED, contact=alice)
        ours = Notification.objects.filter(subject_ref=ticket.number).latest("pk")
        email = ingest(
            make_email(sender="mallory@evil.test", headers={"In-Reply-To": ours.message_id})
        ).email
        assert email.status == Q.QUARANTINED
        assert not ticket.comments.exists()

    def test_an_unknown_ticket_number_is_just_a_subject(self, ingest, alice):
        email = ingest(make_email(subject="Re: INC-999999 from another system")).email
        assert email.status == Q.TICKET_CREATED


class TestAutomaticMail:
    @pytest.mark.parametrize(
        ("headers", "sender", "reason"),
        [
            ({"Auto-Submitted": "auto-replied"}, None, "Auto-Submitted: auto-replied"),
            ({"Auto-Submitted": "auto-generated; x"}, None, "Auto-Submitted: auto-generated"),
            ({"Precedence": "bulk"}, None, "Precedence: bulk"),
            ({"Precedence": "list"}, None, "Precedence: list"),
            ({"Precedence": "junk"}, None, "Precedence: junk"),
            ({"List-Id": "<users.lists.a.test>"}, None, "List-Id"),
            ({"Return-Path": "<>"}, None, "bounce"),
            ({"X-Autoreply": "yes"}, None, "X-Autoreply"),
            ({}, "MAILER-DAEMON@a.test", "bounce"),
        ],
        ids=[
            "auto-replied",
            "auto-generated",
            "precedence-bulk",
            "precedence-list",
            "precedence-junk",
            "list-id",
            "empty-return-path",
            "x-autoreply",
            "mailer-daemon",
        ],
    )
    def test_automatic_mail_is_stored_but_opens_nothing_and_is_never_answered(
        self, ingest, alice, headers, sender, reason
    ):
        email = ingest(make_email(sender=sender or "alice@a.test", headers=headers)).email
        assert email.status == Q.IGNORED_AUTO
        assert email.is_auto
        assert reason in email.reason
        assert not Incident.objects.exists()
        assert not Notification.objects.exists()
        assert mail.outbox == []

    def test_an_auto_reply_to_a_ticket_adds_nothing_and_sends_nothing_back(
        self, ingest, alice, l2, l2_group
    ):
        ticket = make_incident_in(
            Status.INFORMATION_NEEDED, contact=alice, group=l2_group, assignee=l2
        )
        sent_before = Notification.objects.count()
        mail.outbox.clear()
        email = ingest(
            make_email(
                subject=f"Out of office: Re: [{ticket.number}] Status",
                body="I am away until Monday.",
                headers={"Auto-Submitted": "auto-replied"},
            )
        ).email
        assert email.status == Q.IGNORED_AUTO
        assert Notification.objects.count() == sent_before
        assert mail.outbox == []
        ticket.refresh_from_db()
        assert ticket.status == Status.INFORMATION_NEEDED

    def test_auto_submitted_no_is_a_person_writing(self, ingest, alice):
        email = ingest(make_email(headers={"Auto-Submitted": "no"})).email
        assert email.status == Q.TICKET_CREATED

    def test_a_delivery_report_is_recognised(self, ingest, alice):
        raw = (
            b"From: Mail Delivery System <postmaster@a.test>\r\n"
            b"Message-ID: <dsn-1@a.test>\r\nSubject: Undelivered Mail\r\n"
            b'Content-Type: multipart/report; report-type=delivery-status; boundary="b"\r\n'
            b"\r\n--b\r\nContent-Type: text/plain\r\n\r\nCould not deliver.\r\n"
            b"--b\r\nContent-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--b--\r\n"
        )
        assert ingest(raw).email.status == Q.IGNORED_AUTO
        assert not Notification.objects.exists()

    def test_our_own_notification_coming_back_is_ignored(
        self, ingest, alice, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            ticket = make_incident_in(Status.REGISTERED, contact=alice)
        ours = Notification.objects.filter(subject_ref=ticket.number).latest("pk")
        raw = make_email(
            sender="Service Desk <servicedesk@localhost>",
            subject=ours.subject,
            message_id=ours.message_id,
        )
        email = ingest(raw).email
        assert email.status == Q.IGNORED_AUTO
        assert Incident.objects.count() == 1


class TestLoops:
    def test_a_sender_over_the_hourly_limit_is_held_in_the_quarantine(
        self, ingest, alice, settings
    ):
        settings.EMAIL_MAX_PER_SENDER_PER_HOUR = 3
        statuses = [ingest(make_email(subject=f"Loop {n}")).email.status for n in range(5)]
        assert statuses == [Q.TICKET_CREATED] * 3 + [Q.QUARANTINED] * 2
        assert Incident.objects.count() == 3
        assert Notification.objects.count() == 3
        assert "mail loop" in InboundEmail.objects.filter(status=Q.QUARANTINED).first().reason

    def test_the_limit_is_per_sender(self, ingest, alice, carol, settings):
        settings.EMAIL_MAX_PER_SENDER_PER_HOUR = 1
        ingest(make_email())
        ingest(make_email(sender="carol@a.test"))
        assert Incident.objects.count() == 2


class TestSanitising:
    HOSTILE_HTML = (
        "<html><body><p>Printer <b>on fire</b></p>"
        "<script>alert('stored-xss')</script>"
        '<img src="x" onerror="alert(1)">'
        '<a href="javascript:alert(2)" onclick="steal()">details</a>'
        '<a href="https://status.a.test/">status page</a>'
        "</body></html>"
    )

    def test_an_html_only_body_becomes_plain_text_without_the_script(self, ingest, alice):
        email = ingest(make_email(body=None, html=self.HOSTILE_HTML)).email
        incident = email.incident
        assert "Printer on fire" in incident.description
        assert "alert" not in incident.description
        assert "details" in incident.description

    def test_the_html_kept_for_reference_is_inert(self, ingest, alice):
        email = ingest(make_email(body=None, html=self.HOSTILE_HTML)).email
        for needle in ("<script", "onerror", "onclick", "javascript:", "alert("):
            assert needle not in email.body_html
        assert "https://status.a.test/" in email.body_html

    def test_a_plain_text_part_is_preferred_over_html(self, ingest, alice):
        email = ingest(make_email(body="Plain words.", html="<p>HTML words</p>")).email
        assert email.incident.description == "Plain words."


class TestAttachments:
    def test_attachments_are_kept_on_the_ticket(self, ingest, alice):
        pdf = b"%PDF-1.4 fake"
        email = ingest(make_email(attachments=[("invoice.pdf", "application/pdf", pdf)])).email
        attachment = Attachment.objects.get(incident=email.incident)
        assert (attachment.original_name, attachment.content_type) == (
            "invoice.pdf",
            "application/pdf",
        )
        assert attachment.size == len(pdf)
        with attachment.file.open("rb") as handle:
            assert handle.read() == pdf

    def test_an_oversized_attachment_is_kept_out_with_a_note(self, ingest, alice, settings):
        settings.ATTACHMENT_MAX_BYTES = 1000
        email = ingest(
            make_email(
                attachments=[
                    ("small.txt", "text/plain", b"ok"),
                    ("huge.bin", "application/octet-stream", b"x" * 5000),
                ]
            )
        ).email
        assert email.status == Q.TICKET_CREATED
        names = list(email.incident.attachments.values_list("original_name", flat=True))
        assert names == ["small.txt"]
        assert "“huge.bin”" in email.incident.description
        assert "was not kept" in email.incident.description

    def test_an_empty_body_with_only_an_attachment_opens_a_ticket(self, ingest, alice):
        email = ingest(
            make_email(body=None, attachments=[("screen.png", "image/png", b"\x89PNG....")])
        ).email
        assert email.status == Q.TICKET_CREATED
        assert email.incident.description == ""
        assert email.incident.attachments.get().original_name == "screen.png"

    def test_a_path_in_an_attachment_name_is_dropped(self, ingest, alice):
        email = ingest(
            make_email(attachments=[("../../etc/passwd", "text/plain", b"root:x")])
        ).email
        attachment = email.incident.attachments.get()
        assert attachment.original_name == "passwd"
        assert ".." not in attachment.file.name


class TestOversizedMessages:
    def test_a_60_mb_message_is_refused_with_a_bounce_and_nothing_but_the_record_is_kept(
        self, ingest, alice, private_media
    ):
        # 45 MiB of attachment is 60 MiB in base64, as it travels.
        big = b"A" * (45 * 1024 * 1024)
        raw = make_email(attachments=[("backup.tar", "application/x-tar", big)])
        assert 60 * 1024 * 1024 < len(raw) < 62 * 1024 * 1024
        result = ingest(raw)

        email = result.email
        assert email.status == Q.REJECTED
        assert email.size == len(raw)
        assert email.reason == (
            "Refused: the message is 60.8\xa0MB, more than the 25.0\xa0MB accepted."
        )
        assert not email.raw
        assert email.body == ""
        assert not Incident.objects.exists()
        assert not (private_media / "inbound-email").exists()
        bounce = Notification.objects.get(event="email_refused")
        assert bounce.recipient_email == "alice@a.test"
        assert bounce.subject == "Not delivered: Mail server down"
        [sent] = mail.outbox
        assert "could not be delivered" in sent.body
        assert sent.extra_headers["Auto-Submitted"] == "auto-generated"

    def test_the_same_oversized_message_twice_is_refused_once(self, ingest, alice, settings):
        settings.EMAIL_MAX_MESSAGE_BYTES = 2000
        raw = make_email(attachments=[("a.bin", "application/octet-stream", b"x" * 5000)])
        ingest(raw)
        assert ingest(raw).duplicate
        assert Notification.objects.filter(event="email_refused").count() == 1

    def test_an_oversized_auto_reply_gets_no_bounce(self, ingest, alice, settings):
        settings.EMAIL_MAX_MESSAGE_BYTES = 2000
        raw = make_email(
            headers={"Auto-Submitted": "auto-replied"},
            attachments=[("a.bin", "application/octet-stream", b"x" * 5000)],
        )
        assert ingest(raw).email.status == Q.REJECTED
        assert not Notification.objects.exists()

    def test_bounces_to_one_sender_are_bounded(self, ingest, alice, settings):
        settings.EMAIL_MAX_MESSAGE_BYTES = 2000
        settings.EMAIL_MAX_PER_SENDER_PER_HOUR = 2
        for _ in range(4):
            ingest(make_email(attachments=[("a.bin", "application/octet-stream", b"x" * 5000)]))
        assert InboundEmail.objects.filter(status=Q.REJECTED).count() == 4
        assert Notification.objects.filter(event="email_refused").count() == 2

    def test_a_stream_is_read_to_the_end_but_only_its_head_is_kept(self, settings):
        import io

        settings.EMAIL_MAX_MESSAGE_BYTES = 1000
        raw = b"From: a@b.test\r\nSubject: x\r\n\r\n" + b"y" * 5000
        read = intake.read_stream(io.BytesIO(raw), limit=1000)
        assert (read.data, read.size) == (None, len(raw))
        assert read.head == b"From: a@b.test\r\nSubject: x\r\n\r\n"


class TestHistory:
    def test_every_stored_message_has_a_history_row_with_its_outcome(self, ingest, alice):
        email = ingest(make_email(sender="stranger@x.test")).email
        row = email.history.get()
        assert row.history_type == "+"
        assert row.history_change_reason.startswith("Quarantined: Unknown sender")


def test_another_organisation_with_the_same_domain_does_not_matter(ingest, alice):
    """Matching is by the whole address, never by domain."""
    other = OrganisationFactory()
    ContactFactory(organisation=other, email="someone@a.test")
    email = ingest(make_email(sender="nobody@a.test")).email
    assert email.status == Q.QUARANTINED
