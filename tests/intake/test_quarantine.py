"""L1's quarantine: who may work it, what it lists (in a fixed number of queries), and
the three ways out (accept as a ticket, add to a ticket, discard), each recorded. Hostile
HTML from mail stays inert on the quarantine page and on the ticket page."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.intake.models import InboundEmail
from incidents.models import Channel, Incident, Status
from servicedesk.models import Notification
from tests.factories import ContactFactory, make_incident_in
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db

Q = InboundEmail.Status
EVERYONE = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "contact_b",
    "outsider",
]
WORKERS = {"l1", "desk_manager"}

HOSTILE_HTML = (
    "<p>Our <b>VPN</b> is down</p>"
    "<script>alert('stored-xss')</script>"
    '<img src="x" onerror="alert(1)">'
    '<a href="javascript:alert(2)" onclick="steal()">click here</a>'
)
HOSTILE_TEXT = "Plain text with markup: <script>alert('plain')</script> and <b onclick=x()>b</b>"


@pytest.fixture
def stranger_mail(ingest):
    """A quarantined message from an unknown sender, with an attachment."""
    return ingest(
        make_email(
            sender="Eve Stranger <eve@unknown.test>",
            subject="Please help",
            body="Our VPN is down.",
            attachments=[("trace.txt", "text/plain", b"trace\n")],
        )
    ).email


def url(name: str, email: InboundEmail, *args) -> str:
    return reverse(f"incidents:quarantine_{name}", args=[email.pk, *args])


class TestWhoMayWorkTheQuarantine:
    @pytest.mark.parametrize("actor", EVERYONE)
    def test_the_list(self, client, actors, actor):
        client.force_login(actors[actor])
        response = client.get(reverse("incidents:quarantine"))
        assert response.status_code == (200 if actor in WORKERS else 403)

    @pytest.mark.parametrize("actor", EVERYONE)
    def test_a_message_and_its_files(self, client, actors, actor, stranger_mail):
        client.force_login(actors[actor])
        expected = 200 if actor in WORKERS else 403
        assert client.get(url("detail", stranger_mail)).status_code == expected
        assert client.get(url("attachment", stranger_mail, 0)).status_code == expected
        assert client.get(url("original", stranger_mail)).status_code == expected

    @pytest.mark.parametrize("name", ["accept", "add", "discard"])
    @pytest.mark.parametrize("actor", sorted(set(EVERYONE) - WORKERS))
    def test_the_actions_are_refused_to_everyone_else(
        self, client, actors, actor, name, stranger_mail
    ):
        client.force_login(actors[actor])
        assert client.post(url(name, stranger_mail), {}).status_code == 403
        stranger_mail.refresh_from_db()
        assert stranger_mail.status == Q.QUARANTINED

    def test_anonymous_visitors_are_sent_to_the_login(self, client, stranger_mail):
        response = client.get(url("detail", stranger_mail))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    @pytest.mark.parametrize("name", ["accept", "add", "discard"])
    def test_the_actions_only_take_post(self, client, l1, name, stranger_mail):
        client.force_login(l1)
        assert client.get(url(name, stranger_mail)).status_code == 405

    def test_an_unknown_message_is_404(self, client, l1):
        client.force_login(l1)
        assert client.get(reverse("incidents:quarantine_detail", args=[999999])).status_code == 404

    def test_an_unknown_attachment_is_404(self, client, l1, stranger_mail):
        client.force_login(l1)
        assert client.get(url("attachment", stranger_mail, 5)).status_code == 404

    def test_the_navigation_offers_the_quarantine_to_l1_and_the_desk_manager(self, client, actors):
        quarantine = reverse("incidents:quarantine")
        for name in ("l1", "desk_manager", "l2"):
            client.force_login(actors[name])
            page = client.get(reverse("incidents:overview")).content.decode()
            assert (f'href="{quarantine}"' in page) is (name in WORKERS), name


class TestTheList:
    def test_it_lists_sender_subject_received_and_reason(self, client, l1, stranger_mail):
        client.force_login(l1)
        page = client.get(reverse("incidents:quarantine")).content.decode()
        assert "eve@unknown.test" in page
        assert "Please help" in page
        assert "Unknown sender" in page

    def test_automatic_and_refused_mail_have_their_own_tabs(self, client, l1, ingest, alice):
        ingest(make_email(subject="Away", headers={"Auto-Submitted": "auto-replied"}))
        client.force_login(l1)
        quarantined = client.get(reverse("incidents:quarantine")).content.decode()
        automatic = client.get(reverse("incidents:quarantine") + "?show=automatic")
        assert "Away" not in quarantined
        assert "Away" in automatic.content.decode()

    def test_query_count_stays_flat_from_5_to_300_messages(
        self, client, l1, django_assert_max_num_queries
    ):
        def add(count, start):
            InboundEmail.objects.bulk_create(
                InboundEmail(
                    message_id=f"<bulk-{n}@x.test>",
                    from_address=f"sender{n}@x.test",
                    subject=f"Message {n}",
                    status=Q.QUARANTINED,
                    reason="Unknown sender",
                )
                for n in range(start, start + count)
            )

        client.force_login(l1)
        add(5, 0)
        client.get(reverse("incidents:quarantine"))
        with CaptureQueriesContext(connection) as small:
            assert client.get(reverse("incidents:quarantine")).status_code == 200
        add(295, 5)
        with django_assert_max_num_queries(len(small)):
            response = client.get(reverse("incidents:quarantine"))
        assert len(response.context["rows"]) == 50
        assert response.context["next_cursor"]

    def test_show_more_pages_by_keyset_without_repeats(self, client, l1):
        InboundEmail.objects.bulk_create(
            InboundEmail(message_id=f"<k-{n}@x.test>", status=Q.QUARANTINED) for n in range(120)
        )
        client.force_login(l1)
        seen = []
        response = client.get(reverse("incidents:quarantine"))
        seen += [row.pk for row in response.context["rows"]]
        while cursor := response.context["next_cursor"]:
            response = client.get(
                reverse("incidents:quarantine") + f"?after={cursor}", headers={"HX-Request": "1"}
            )
            seen += [row.pk for row in response.context["rows"]]
        assert len(seen) == len(set(seen)) == 120


class TestAccept:
    def test_accepting_registers_a_ticket_for_the_chosen_contact(
        self, client, l1, stranger_mail, alice
    ):
        client.force_login(l1)
        response = client.post(
            url("accept", stranger_mail),
            {"contact": alice.pk, "kind": "incident", "title": "VPN down"},
        )
        incident = Incident.objects.get()
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:detail", args=[incident.number])
        assert (incident.contact, incident.channel, incident.title) == (
            alice,
            Channel.EMAIL,
            "VPN down",
        )
        assert incident.description == "Our VPN is down."
        assert incident.history.first().history_user == l1
        assert incident.attachments.get().original_name == "trace.txt"
        stranger_mail.refresh_from_db()
        assert (stranger_mail.status, stranger_mail.incident) == (Q.ACCEPTED, incident)
        assert (stranger_mail.handled_by, stranger_mail.handled_at is not None) == (l1, True)
        row = stranger_mail.history.first()
        assert row.history_user == l1
        assert row.history_change_reason == f"Accepted as {incident.number} for Alice Customer"

    def test_a_ticket_accepted_from_automatic_mail_sends_no_registration_mail(
        self, client, l1, ingest, alice, django_capture_on_commit_callbacks
    ):
        email = ingest(
            make_email(sender="monitor@a.test", headers={"Auto-Submitted": "auto-generated"})
        ).email
        client.force_login(l1)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("accept", email), {"contact": alice.pk, "kind": "incident", "title": "Disk"}
            )
        assert response.status_code == 302
        assert Incident.objects.count() == 1
        assert not Notification.objects.exists()

    def test_without_a_contact_the_form_says_so_and_keeps_the_input(
        self, client, l1, stranger_mail
    ):
        client.force_login(l1)
        response = client.post(
            url("accept", stranger_mail), {"contact": "", "kind": "request", "title": "Typed"}
        )
        assert response.status_code == 422
        form = response.context["accept_form"]
        assert form.errors["contact"] == ["Find and choose the contact the ticket is for."]
        page = response.content.decode()
        assert 'value="Typed"' in page
        assert not Incident.objects.exists()

    def test_a_contact_not_authorised_is_refused_next_to_the_field(
        self, client, l1, stranger_mail, org_a
    ):
        dave = ContactFactory(organisation=org_a, name="Dave Reader", is_authorised=False)
        client.force_login(l1)
        response = client.post(
            url("accept", stranger_mail), {"contact": dave.pk, "kind": "incident", "title": "x"}
        )
        assert response.status_code == 422
        assert response.context["accept_form"].errors["contact"] == [
            "Dave Reader is not authorised to open tickets."
        ]
        assert "Dave Reader" in response.content.decode()  # the chosen contact stays shown
        stranger_mail.refresh_from_db()
        assert stranger_mail.status == Q.QUARANTINED

    def test_a_message_already_handled_cannot_be_accepted_again(
        self, client, l1, stranger_mail, alice
    ):
        client.force_login(l1)
        data = {"contact": alice.pk, "kind": "incident", "title": "VPN"}
        client.post(url("accept", stranger_mail), data)
        response = client.post(url("accept", stranger_mail), data)
        assert response.status_code == 422
        assert "This message has already been handled (Accepted from quarantine)." in (
            response.content.decode()
        )
        assert Incident.objects.count() == 1

    def test_contacts_with_the_senders_address_are_offered(self, client, l1, ingest, org_a, org_b):
        ContactFactory(organisation=org_a, name="Shared A", email="shared@x.test")
        ContactFactory(organisation=org_b, name="Shared B", email="shared@x.test")
        email = ingest(make_email(sender="shared@x.test")).email
        client.force_login(l1)
        page = client.get(url("detail", email)).content.decode()
        assert "several organisations" in page
        assert "Shared A" in page and "Shared B" in page


class TestAddToTicket:
    def test_adding_puts_the_message_on_the_ticket_as_the_agents_note(
        self, client, l1, stranger_mail, alice
    ):
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        client.force_login(l1)
        response = client.post(url("add", stranger_mail), {"number": ticket.number})
        assert response.status_code == 302
        comment = ticket.comments.get()
        assert comment.author == l1
        assert not comment.is_public
        assert comment.body.startswith("Email from eve@unknown.test, subject “Please help”:")
        assert "Our VPN is down." in comment.body
        assert comment.attachments.get().original_name == "trace.txt"
        stranger_mail.refresh_from_db()
        assert (stranger_mail.status, stranger_mail.incident, stranger_mail.comment) == (
            Q.COMMENT_ADDED,
            ticket,
            comment,
        )
        assert stranger_mail.history.first().history_user == l1

    def test_it_may_be_made_public_and_found_by_its_bare_number(
        self, client, l1, stranger_mail, alice
    ):
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        client.force_login(l1)
        digits = str(int(ticket.number.split("-")[1]))
        client.post(url("add", stranger_mail), {"number": digits, "is_public": "on"})
        assert ticket.comments.get().is_public

    def test_an_unknown_number_is_an_error_next_to_the_field(self, client, l1, stranger_mail):
        client.force_login(l1)
        response = client.post(url("add", stranger_mail), {"number": "INC-424242"})
        assert response.status_code == 422
        assert response.context["add_form"].errors["number"] == ["There is no ticket INC-424242."]
        assert 'value="INC-424242"' in response.content.decode()

    def test_a_closed_ticket_takes_nothing(self, client, l1, stranger_mail, alice):
        ticket = make_incident_in(Status.CLOSED, contact=alice)
        client.force_login(l1)
        response = client.post(url("add", stranger_mail), {"number": ticket.number})
        assert response.status_code == 422
        assert "closed" in response.content.decode()
        stranger_mail.refresh_from_db()
        assert stranger_mail.status == Q.QUARANTINED


class TestDiscard:
    def test_discarding_keeps_the_record_with_who_and_why(
        self, client, desk_manager, stranger_mail
    ):
        client.force_login(desk_manager)
        response = client.post(url("discard", stranger_mail), {"reason": "Spam"})
        assert response.status_code == 302
        assert response["Location"] == reverse("incidents:quarantine")
        stranger_mail.refresh_from_db()
        assert stranger_mail.status == Q.DISCARDED
        assert stranger_mail.handled_by == desk_manager
        row = stranger_mail.history.first()
        assert (row.history_user, row.history_change_reason) == (desk_manager, "Discarded: Spam")
        assert not Incident.objects.exists()

    def test_a_discarded_message_leaves_the_list(self, client, l1, stranger_mail):
        client.force_login(l1)
        client.post(url("discard", stranger_mail), {})
        page = client.get(reverse("incidents:quarantine")).content.decode()
        assert "eve@unknown.test" not in page


class TestHostileContentStaysInert:
    def assert_inert(self, page: str) -> None:
        for needle in ("alert(", "onerror", "onclick", "javascript:", "steal()"):
            assert needle not in page, needle

    def test_on_the_quarantine_page(self, client, l1, ingest):
        email = ingest(
            make_email(
                sender="eve@unknown.test",
                subject="<script>x</script>",
                body=None,
                html=HOSTILE_HTML,
            )
        ).email
        client.force_login(l1)
        page = client.get(url("detail", email)).content.decode()
        assert "Our VPN is down" in page
        self.assert_inert(page)
        assert "<script>x</script>" not in page
        assert "&lt;script&gt;x&lt;/script&gt;" in page
        listing = client.get(reverse("incidents:quarantine")).content.decode()
        assert "<script>x</script>" not in listing

    def test_on_the_ticket_page_from_an_html_mail(self, client, l1, ingest, alice):
        email = ingest(make_email(body=None, html=HOSTILE_HTML)).email
        client.force_login(l1)
        page = client.get(reverse("incidents:detail", args=[email.incident.number]))
        text = page.content.decode()
        assert "Our VPN is down" in text
        self.assert_inert(text)

    def test_on_the_ticket_page_from_plain_text_that_looks_like_markup(
        self, client, l1, ingest, alice
    ):
        email = ingest(make_email(subject="<img src=x onerror=alert(1)>", body=HOSTILE_TEXT)).email
        client.force_login(l1)
        text = client.get(reverse("incidents:detail", args=[email.incident.number]))
        text = text.content.decode()
        assert "<script>alert" not in text
        assert "&lt;script&gt;alert(&#x27;plain&#x27;)&lt;/script&gt;" in text
        assert "<img src=x" not in text
        assert "<b onclick" not in text

    def test_in_a_reply_on_the_ticket_timeline(self, client, l1, ingest, alice):
        ticket = make_incident_in(Status.REGISTERED, contact=alice)
        ingest(make_email(subject=f"Re: {ticket.number}", body=None, html=HOSTILE_HTML))
        client.force_login(l1)
        text = client.get(reverse("incidents:detail", args=[ticket.number])).content.decode()
        assert "Our VPN is down" in text
        self.assert_inert(text)

    def test_attachments_are_always_downloads(self, client, l1, ingest):
        email = ingest(
            make_email(
                sender="eve@unknown.test",
                attachments=[("page.html", "text/html", b"<script>alert(1)</script>")],
            )
        ).email
        client.force_login(l1)
        response = client.get(url("attachment", email, 0))
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
