"""Related tickets (both ways) and merging one ticket into another."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents import services
from incidents.models import Attachment, ClosureCode, Comment, Incident, Status, TicketLink
from servicedesk.models import Contact
from tests.factories import ContactFactory, IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

AGENTS = ["l1", "l2", "l3", "desk_manager"]
OTHERS = [
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "contact_b",
    "outsider",
]


@pytest.fixture
def pair(contact_a):
    contact = Contact.objects.get(user=contact_a)
    return IncidentFactory(contact=contact), IncidentFactory(contact=contact)


class TestRelated:
    def test_a_link_is_seen_from_both_tickets_and_made_once(self, pair, l1):
        one, other = pair
        link = services.incident_link_related(incident=one, other=other, actor=l1)
        again = services.incident_link_related(incident=other, other=one, actor=l1)
        assert again == link and TicketLink.objects.count() == 1
        assert list(TicketLink.objects.of(other)) == [link]
        assert link.other(other) == one

    def test_not_to_itself(self, pair, l1):
        one, _other = pair
        with pytest.raises(ValidationError):
            services.incident_link_related(incident=one, other=one, actor=l1)

    def test_only_agents(self, pair, problem_manager):
        one, other = pair
        with pytest.raises(PermissionDenied):
            services.incident_link_related(incident=one, other=other, actor=problem_manager)

    def test_the_panel_links_and_unlinks(self, client, pair, l1):
        one, other = pair
        client.force_login(l1)
        response = client.post(
            reverse("incidents:link_related", args=[one.number]), {"number": other.number}
        )
        assert response.status_code == 302
        page = client.get(reverse("incidents:detail", args=[other.number])).content.decode()
        assert 'id="related"' in page and one.number in page
        link = TicketLink.objects.get()
        client.post(reverse("incidents:unlink_related", args=[other.number, link.pk]))
        assert not TicketLink.objects.exists()

    def test_an_unknown_number_is_refused_saying_so(self, client, pair, l1):
        one, _other = pair
        client.force_login(l1)
        response = client.post(
            reverse("incidents:link_related", args=[one.number]),
            {"number": "INC-999999"},
            follow=True,
        )
        assert "There is no such ticket." in response.content.decode()


class TestMerge:
    def test_comments_and_files_move_and_the_contact_is_told_once(
        self, pair, l1, settings, tmp_path, django_capture_on_commit_callbacks
    ):
        settings.MEDIA_ROOT = tmp_path
        kept, merged = pair
        services.incident_add_comment(
            incident=merged,
            actor=l1,
            body="Screenshot attached",
            is_public=False,
            files=[SimpleUploadedFile("shot.png", b"png")],
        )
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            done = services.incident_merge(
                incident=merged, into=kept, reason="Same outage as your first call.", actor=l1
            )
        assert (done.status, done.closure_code, done.duplicate_of) == (
            Status.COMPLETED,
            ClosureCode.DUPLICATE,
            kept,
        )
        assert Attachment.objects.get().incident == kept
        assert Comment.objects.filter(incident=kept, body="Screenshot attached").exists()
        note = Comment.objects.filter(incident=kept, body__startswith="Merged from").get()
        assert merged.number in note.body and not note.is_public
        told = [m for m in mail.outbox if m.to == [merged.contact.email]]
        assert len(told) == 1 and "Same outage as your first call." in told[0].body
        assert f"The same matter is handled in your ticket {kept.number}." in told[0].body

    def test_only_a_ticket_of_the_same_organisation_that_is_open(self, pair, l1):
        kept, merged = pair
        stranger = IncidentFactory(contact=ContactFactory())
        with pytest.raises(ValidationError):
            services.incident_merge(incident=merged, into=stranger, reason="", actor=l1)
        closed = make_incident_in(Status.CLOSED, contact=kept.contact)
        with pytest.raises(ValidationError):
            services.incident_merge(incident=merged, into=closed, reason="", actor=l1)
        assert Incident.objects.get(pk=merged.pk).status == Status.REGISTERED

    def test_a_ticket_being_worked_is_not_merged_and_nothing_moves(self, pair, l1, l1_group):
        kept, _merged = pair
        working = make_incident_in(Status.IN_PROGRESS, contact=kept.contact, group=l1_group)
        services.incident_add_comment(incident=working, actor=l1, body="Note", is_public=False)
        with pytest.raises(ValidationError):
            services.incident_merge(incident=working, into=kept, reason="", actor=l1)
        assert Comment.objects.filter(incident=working, body="Note").exists()

    def test_the_page_merges_and_keeps_what_was_typed_when_refused(self, client, pair, l1):
        kept, merged = pair
        client.force_login(l1)
        refused = client.post(
            reverse("incidents:merge", args=[merged.number]),
            {"into": merged.number, "reason": "Typed words"},
        )
        assert refused.status_code == 422
        page = refused.content.decode()
        assert "cannot be a duplicate of itself" in page and "Typed words" in page
        done = client.post(
            reverse("incidents:merge", args=[merged.number]), {"into": kept.number, "reason": ""}
        )
        assert done.status_code == 302
        assert done["Location"] == reverse("incidents:detail", args=[kept.number])
        assert Incident.objects.get(pk=merged.pk).duplicate_of == kept


@pytest.mark.parametrize("route", ["link_related", "merge"])
@pytest.mark.parametrize("actor", AGENTS + OTHERS)
def test_permission_matrix(client, actors, pair, actor, route):
    one, other = pair
    client.force_login(actors[actor])
    response = client.post(
        reverse(f"incidents:{route}", args=[one.number]),
        {"number": other.number, "into": other.number},
    )
    if actor in AGENTS:
        assert response.status_code == 302
    elif actor == "contact_a":
        assert response.status_code == 403  # their own ticket, but not theirs to link
    else:
        assert response.status_code in (403, 404)


def test_unlink_of_another_ticket_s_link_is_404(client, pair, l1):
    one, other = pair
    third = IncidentFactory(contact=one.contact)
    link = services.incident_link_related(incident=one, other=other, actor=l1)
    client.force_login(l1)
    response = client.post(reverse("incidents:unlink_related", args=[third.number, link.pk]))
    assert response.status_code == 404 and TicketLink.objects.exists()
