"""One ticket in the portal: the public conversation, answering support, asking for a
higher urgency, and confirming (then rating) or rejecting a resolution."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Comment, SatisfactionRating, Status
from incidents.services import (
    incident_add_comment,
    incident_classify,
    incident_rate,
    incident_request_urgency,
)
from servicedesk.models import Priority, Urgency
from tests.factories import IncidentFactory, make_incident_in
from tests.portal.conftest import field_html

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def url(name: str, incident) -> str:
    return reverse(f"portal:{name}", args=[incident.number])


class TestPage:
    def test_shows_status_in_plain_words_and_the_public_conversation_only(
        self, client, contact_a, l1
    ):
        incident = make_incident_in("in_progress", contact=contact_a.contact)
        incident_add_comment(incident=incident, actor=l1, body="We are on it", is_public=True)
        incident_add_comment(incident=incident, actor=l1, body="Customer is grumpy")
        client.force_login(contact_a)
        page = client.get(url("ticket", incident)).content.decode()
        assert "We are working on it." in page
        assert "We are on it" in page
        assert "Customer is grumpy" not in page
        # No internal history either: escalation reasons, groups, assignees.
        assert incident.support_group.name not in page

    def test_a_completed_ticket_offers_confirm_and_reject(self, client, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(contact_a)
        page = client.get(url("ticket", incident)).content.decode()
        assert "Is your issue solved?" in page
        assert url("confirm", incident) in page
        assert url("reject", incident) in page
        assert "Fixed it." in page  # the resolution is a public comment

    def test_an_unauthorised_contact_reads_but_gets_no_forms_and_posting_is_refused(
        self, client, unauthorised_a, contact_a
    ):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(unauthorised_a)
        page = client.get(url("ticket", incident)).content.decode()
        assert "not authorised to change tickets" in page
        for name in ["comment", "confirm", "reject", "request_urgency", "rate"]:
            assert url(name, incident) not in page
        for name, data in [
            ("comment", {"body": "hello"}),
            ("confirm", {}),
            ("reject", {"reason": "no"}),
            ("request_urgency", {"urgency": 1, "reason": "now"}),
        ]:
            assert client.post(url(name, incident), data).status_code == 403
        incident.refresh_from_db()
        assert incident.status == Status.COMPLETED

    @pytest.mark.parametrize("name", ["comment", "confirm", "reject", "rate", "request_urgency"])
    def test_actions_refuse_get(self, client, contact_a, name):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        assert client.get(url(name, incident)).status_code == 405


class TestComment:
    def test_a_comment_with_files_is_public_and_downloadable(
        self, client, contact_a, settings, tmp_path
    ):
        settings.MEDIA_ROOT = tmp_path
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(
            url("comment", incident),
            {"body": "Here is the log", "files": [SimpleUploadedFile("boot.log", b"panic")]},
        )
        assert response.status_code == 302
        comment = Comment.objects.get(incident=incident)
        assert comment.is_public and comment.author == contact_a
        attachment = comment.attachments.get()
        page = client.get(url("ticket", incident)).content.decode()
        assert "Here is the log" in page
        download = reverse("incidents:attachment", args=[incident.number, attachment.pk])
        assert download in page
        assert b"".join(client.get(download).streaming_content) == b"panic"

    def test_a_reply_to_information_needed_moves_the_ticket_to_in_progress(self, client, contact_a):
        incident = make_incident_in("information_needed", contact=contact_a.contact)
        client.force_login(contact_a)
        page = client.get(url("ticket", incident)).content.decode()
        assert "Answer support" in page
        client.post(url("comment", incident), {"body": "It is nw-web-02."})
        incident.refresh_from_db()
        assert incident.status == Status.IN_PROGRESS

    def test_an_empty_comment_shows_the_error_next_to_the_field(self, client, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("comment", incident), {"body": "  "})
        assert response.status_code == 422
        assert "This field is required." in field_html(response.content.decode(), "body")

    def test_an_oversized_file_is_refused_and_the_text_stays(self, client, contact_a, settings):
        settings.ATTACHMENT_MAX_BYTES = 3
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(
            url("comment", incident),
            {"body": "Keep me", "files": [SimpleUploadedFile("big.bin", b"12345")]},
        )
        page = response.content.decode()
        assert response.status_code == 422
        assert "larger than" in field_html(page, "files")
        assert "Keep me" in field_html(page, "body")
        assert not Comment.objects.filter(incident=incident).exists()

    def test_htmx_gets_the_ticket_fragment_back(self, client, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("comment", incident), {"body": "Via htmx"}, headers=HTMX)
        page = response.content.decode()
        assert response.status_code == 200
        assert page.lstrip().startswith('<article id="ticket"')
        assert "Via htmx" in page and "your message was added" in page

    def test_a_closed_ticket_takes_no_more_comments(self, client, contact_a):
        incident = make_incident_in("closed", contact=contact_a.contact)
        client.force_login(contact_a)
        assert url("comment", incident) not in client.get(url("ticket", incident)).content.decode()
        response = client.post(url("comment", incident), {"body": "One more thing"})
        assert response.status_code == 422
        assert "further work needs a new ticket" in response.content.decode()


class TestUrgencyRequest:
    def test_the_request_is_recorded_but_the_priority_waits_for_support(
        self, client, contact_a, l1
    ):
        incident = IncidentFactory(contact=contact_a.contact, urgency=Urgency.MEDIUM)
        priority = incident.priority
        client.force_login(contact_a)
        response = client.post(
            url("request_urgency", incident),
            {"urgency": Urgency.VERY_HIGH, "reason": "The shop is down now."},
        )
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.requested_urgency == Urgency.VERY_HIGH
        assert (incident.urgency, incident.priority) == (Urgency.MEDIUM, priority)
        comment = Comment.objects.get(incident=incident)
        assert comment.is_public and "The shop is down now." in comment.body
        assert "Very high" in comment.body
        page = client.get(url("ticket", incident)).content.decode()
        assert "You asked to raise it to Very high" in page

        # Support sees it on the ticket page and applies it with one click.
        client.force_login(l1)
        staff_page = client.get(reverse("incidents:detail", args=[incident.number]))
        assert "Contact asks for Very high" in staff_page.content.decode()
        assert "Apply requested urgency" in staff_page.content.decode()
        classify = client.post(
            reverse("incidents:classify", args=[incident.number]),
            {
                "version": incident.version,
                "kind": incident.kind,
                "category": incident.category,
                "service": "",
                "configuration_item": "",
                "impact": incident.impact,
                "urgency": incident.requested_urgency,
            },
        )
        assert classify.status_code == 302
        incident.refresh_from_db()
        assert incident.urgency == Urgency.VERY_HIGH
        assert incident.urgency_confirmed
        assert incident.requested_urgency is None
        assert incident.priority < priority

    def test_only_higher_urgencies_are_offered_and_accepted(self, client, contact_a):
        incident = IncidentFactory(contact=contact_a.contact, urgency=Urgency.HIGH)
        client.force_login(contact_a)
        field = field_html(client.get(url("ticket", incident)).content.decode(), "urgency")
        assert 'value="1"' in field
        assert 'value="2"' not in field and 'value="3"' not in field
        response = client.post(url("request_urgency", incident), {"urgency": 3, "reason": "x"})
        assert response.status_code == 422
        assert "Select a valid choice" in field_html(response.content.decode(), "urgency")

    def test_a_reason_is_required(self, client, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("request_urgency", incident), {"urgency": 1, "reason": ""})
        assert response.status_code == 422
        assert "This field is required." in field_html(response.content.decode(), "reason")
        incident.refresh_from_db()
        assert incident.requested_urgency is None

    def test_the_service_checks_who_asks_and_the_state(self, contact_a, contact_b, l1):
        incident = IncidentFactory(contact=contact_a.contact, urgency=Urgency.MEDIUM)
        for actor in [contact_b, l1]:
            with pytest.raises(PermissionDenied):
                incident_request_urgency(incident=incident, urgency=1, reason="x", actor=actor)
        with pytest.raises(ValidationError) as error:
            incident_request_urgency(incident=incident, urgency=4, reason="x", actor=contact_a)
        assert "urgency" in error.value.error_dict
        closed = make_incident_in("closed", contact=contact_a.contact)
        with pytest.raises(ValidationError):
            incident_request_urgency(incident=closed, urgency=1, reason="x", actor=contact_a)

    def test_the_request_does_not_make_the_agents_forms_stale(self, contact_a):
        incident = IncidentFactory(contact=contact_a.contact)
        version = incident.version
        incident_request_urgency(incident=incident, urgency=1, reason="Now", actor=contact_a)
        assert incident.version == version

    def test_any_classification_of_the_urgency_settles_the_request(self, contact_a, l1):
        incident = IncidentFactory(contact=contact_a.contact)
        incident_request_urgency(incident=incident, urgency=1, reason="Now", actor=contact_a)
        incident_classify(incident=incident, actor=l1, urgency=Urgency.HIGH)
        assert incident.requested_urgency is None
        assert not incident.urgency_request_pending


class TestConfirmAndRate:
    def test_confirm_closes_then_one_click_rates_once(self, client, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("confirm", incident))
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == Status.CLOSED
        assert incident.history.first().history_user == contact_a

        page = client.get(url("ticket", incident)).content.decode()
        assert "The ticket is now closed" in page
        assert url("rate", incident) in page
        assert page.count('name="score"') == 5

        response = client.post(url("rate", incident), {"score": 4, "comment": "Quick, thanks"})
        assert response.status_code == 302
        rating = SatisfactionRating.objects.get(incident=incident)
        assert (rating.score, rating.comment, rating.rated_by) == (4, "Quick, thanks", contact_a)
        page = client.get(url("ticket", incident)).content.decode()
        assert "you rated this ticket 4 out of 5" in page
        assert url("rate", incident) not in page

        again = client.post(url("rate", incident), {"score": 1})
        assert again.status_code == 302
        assert SatisfactionRating.objects.get(incident=incident).score == 4
        assert "already been rated" in client.get(url("ticket", incident)).content.decode()

    def test_confirm_and_rate_by_htmx(self, client, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(contact_a)
        page = client.post(url("confirm", incident), headers=HTMX).content.decode()
        assert 'data-status="closed"' in page and 'name="score"' in page
        page = client.post(url("rate", incident), {"score": 5}, headers=HTMX).content.decode()
        assert "Thank you for your rating" in page

    def test_a_score_outside_1_to_5_is_refused(self, client, contact_a):
        incident = make_incident_in("closed", contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("rate", incident), {"score": 9})
        assert response.status_code == 422
        assert not SatisfactionRating.objects.exists()

    def test_an_open_ticket_cannot_be_rated(self, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        with pytest.raises(ValidationError):
            incident_rate(incident=incident, score=5, actor=contact_a)

    def test_only_the_customers_authorised_contacts_rate(
        self, contact_a, contact_b, l1, unauthorised_a
    ):
        incident = make_incident_in("closed", contact=contact_a.contact)
        for actor in [contact_b, l1, unauthorised_a]:
            with pytest.raises(PermissionDenied):
                incident_rate(incident=incident, score=5, actor=actor)

    def test_confirming_a_ticket_that_is_not_completed_says_so(self, client, contact_a):
        incident = make_incident_in("in_progress", contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("confirm", incident), follow=True)
        assert "not possible while the ticket is In progress" in response.content.decode()
        incident.refresh_from_db()
        assert incident.status == Status.IN_PROGRESS
        response = client.post(url("confirm", incident), headers=HTMX)
        assert response.status_code == 422
        assert "not possible while" in response.content.decode()


class TestReject:
    def test_reject_needs_a_reason(self, client, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("reject", incident), {"reason": ""})
        page = response.content.decode()
        assert response.status_code == 422
        assert "Tell us what is still wrong" in field_html(page, "reason")
        assert '<details class="reject" open>' in page
        incident.refresh_from_db()
        assert incident.status == Status.COMPLETED

    def test_reject_with_a_reason_sends_it_back(self, client, contact_a):
        incident = make_incident_in("completed", contact=contact_a.contact)
        client.force_login(contact_a)
        response = client.post(url("reject", incident), {"reason": "Still 502 on /shop"})
        assert response.status_code == 302
        incident.refresh_from_db()
        assert incident.status == Status.REJECTED_BY_USER
        assert Comment.objects.filter(
            incident=incident, is_public=True, body="Still 502 on /shop"
        ).exists()
        page = client.get(url("ticket", incident)).content.decode()
        assert "we are working on it again" in page


def test_priority_labels_are_never_shown_to_customers(client, contact_a):
    incident = IncidentFactory(contact=contact_a.contact)
    client.force_login(contact_a)
    page = client.get(url("ticket", incident)).content.decode()
    assert str(Priority(incident.priority).label) not in page
