"""The permission matrix of the staff and portal pages: every page × every actor,
plus the 403/404/405 cases of every endpoint."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.services import incident_add_comment
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db

STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
AGENTS = ["l1", "l2", "l3", "desk_manager"]
EVERYONE = [*STAFF, "contact_a", "contact_b", "outsider"]

PAGES = {
    # url name: who gets 200 (everyone else 403)
    "incidents:triage": AGENTS,
    "incidents:queue_l2": AGENTS,
    "incidents:queue_l3": AGENTS,
    "incidents:mine": AGENTS,
    "incidents:overview": STAFF,
    "incidents:search": STAFF,
    "incidents:log_call": AGENTS,
    "incidents:priority_preview": AGENTS,
    "incidents:contact_search": AGENTS,
    "incidents:configuration_items": AGENTS,
    "incidents:assignee_choices": AGENTS,
    "incidents:article_suggestions": AGENTS,  # knowledge articles beside log a call
    "portal:kb": ["contact_a", "contact_b"],  # the portal's help articles
    "portal:home": ["contact_a", "contact_b"],
    # The knowledge base's staff pages (tests/knowledge/test_views_access.py has the rest).
    "knowledge:home": STAFF,
    "knowledge:new": STAFF,
    # The desk manager's dashboard (tests/incidents/test_dashboard_views.py has the rest).
    "dashboard:index": ["desk_manager"],
    "dashboard:export": ["desk_manager"],
}


@pytest.mark.parametrize("url_name", PAGES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_page_permission_matrix(client, actors, actor, url_name):
    client.force_login(actors[actor])
    response = client.get(reverse(url_name))
    assert response.status_code == (200 if actor in PAGES[url_name] else 403)


@pytest.fixture
def ticket(contact_a):
    """A ticket of organisation A with one internal and one public attachment."""
    incident = IncidentFactory(contact=contact_a.contact)
    return incident


@pytest.mark.parametrize("actor", EVERYONE)
def test_ticket_page_is_for_staff_only(client, actors, ticket, actor):
    client.force_login(actors[actor])
    response = client.get(reverse("incidents:detail", args=[ticket.number]))
    assert response.status_code == (200 if actor in STAFF else 403)


@pytest.mark.parametrize(
    ("actor", "expected"), [("contact_a", 200), ("contact_b", 404), ("l1", 403), ("outsider", 403)]
)
def test_portal_ticket_is_only_for_its_organisation(client, actors, ticket, actor, expected):
    client.force_login(actors[actor])
    response = client.get(reverse("portal:ticket", args=[ticket.number]))
    assert response.status_code == expected


def test_unknown_ticket_number_is_404(client, l1):
    client.force_login(l1)
    assert client.get(reverse("incidents:detail", args=["INC-999999"])).status_code == 404


def test_unknown_action_is_404(client, l1, ticket):
    client.force_login(l1)
    url = reverse("incidents:action", args=[ticket.number, "teleport"])
    assert client.get(url).status_code == 404


def test_action_not_open_to_this_user_is_403(client, l1, ticket):
    """A registered ticket cannot be confirmed, and L1 could not confirm it anyway."""
    client.force_login(l1)
    url = reverse("incidents:action", args=[ticket.number, "confirm"])
    assert client.post(url, {"version": ticket.version}).status_code == 403


def test_non_agent_staff_cannot_act_on_tickets(client, problem_manager, ticket):
    client.force_login(problem_manager)
    url = reverse("incidents:action", args=[ticket.number, "assign"])
    assert client.get(url).status_code == 403
    assert (
        client.post(reverse("incidents:comment", args=[ticket.number]), {"body": "hi"}).status_code
        == 403
    )


@pytest.mark.parametrize(
    "url_name", ["incidents:classify", "incidents:confirm_urgency", "incidents:comment"]
)
def test_changing_endpoints_refuse_get(client, l1, ticket, url_name):
    client.force_login(l1)
    assert client.get(reverse(url_name, args=[ticket.number])).status_code == 405


def test_action_refuses_put(client, l1, ticket):
    client.force_login(l1)
    url = reverse("incidents:action", args=[ticket.number, "assign"])
    assert client.put(url).status_code == 405


class TestAttachments:
    @pytest.fixture
    def files(self, ticket, l1, contact_a, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        internal = incident_add_comment(
            incident=ticket,
            actor=l1,
            body="Log attached",
            is_public=False,
            files=[SimpleUploadedFile("debug.log", b"secret internals")],
        ).attachments.get()
        public = incident_add_comment(
            incident=ticket,
            actor=contact_a,
            body="Screenshot",
            files=[SimpleUploadedFile("screen.png", b"\x89PNG...")],
        ).attachments.get()
        return {"internal": internal, "public": public}

    @pytest.mark.parametrize(
        ("actor", "which", "expected"),
        [
            ("l1", "internal", 200),
            ("l3", "public", 200),
            ("problem_manager", "internal", 200),
            ("contact_a", "public", 200),
            ("contact_a", "internal", 404),
            ("contact_b", "public", 404),
            ("outsider", "public", 404),
        ],
    )
    def test_attachment_download_permissions(
        self, client, actors, ticket, files, actor, which, expected
    ):
        client.force_login(actors[actor])
        url = reverse("incidents:attachment", args=[ticket.number, files[which].pk])
        response = client.get(url)
        assert response.status_code == expected
        if expected == 200:
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Type"] == "application/octet-stream"

    def test_stored_file_name_never_comes_from_the_user(self, ticket, l1, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        comment = incident_add_comment(
            incident=ticket,
            actor=l1,
            body="x",
            files=[SimpleUploadedFile("../../etc/passwd", b"x")],
        )
        stored = comment.attachments.get()
        assert "passwd" not in stored.file.name
        assert stored.file.name.startswith(f"attachments/{ticket.pk}/")

    def test_oversized_upload_is_refused_next_to_the_field(self, client, l1, ticket, settings):
        settings.ATTACHMENT_MAX_BYTES = 10
        client.force_login(l1)
        response = client.post(
            reverse("incidents:comment", args=[ticket.number]),
            {"body": "Keep this text", "files": SimpleUploadedFile("big.bin", b"x" * 11)},
        )
        assert response.status_code == 422
        assert "larger than" in response.content.decode()
        assert "Keep this text" in response.content.decode()
        assert ticket.comments.count() == 0


def test_contact_of_closed_ticket_still_404_for_other_org(client, contact_b):
    closed = make_incident_in("closed")
    client.force_login(contact_b)
    assert client.get(reverse("portal:ticket", args=[closed.number])).status_code == 404


@pytest.mark.parametrize(
    "url_name", ["incidents:search", "incidents:assignee_choices", "incidents:jump"]
)
def test_read_only_endpoints_refuse_post(client, l1, url_name):
    client.force_login(l1)
    assert client.post(reverse(url_name)).status_code == 405


@pytest.mark.parametrize("key", ["confirm_by_phone", "reject_by_phone"])
@pytest.mark.parametrize("actor", EVERYONE)
def test_answering_by_phone_is_for_agents_only(client, actors, actor, key):
    completed = make_incident_in("completed")
    client.force_login(actors[actor])
    response = client.get(reverse("incidents:action", args=[completed.number, key]))
    assert response.status_code == (200 if actor in AGENTS else 403)


class TestSourceEmail:
    """The stored message a ticket came from (issue 7, defect 8): staff who may see the
    ticket download it; contacts, even of the ticket's organisation, never do."""

    @pytest.fixture
    def source(self, ticket, settings, tmp_path):
        from django.core.files.base import ContentFile

        from incidents.intake.models import InboundEmail

        settings.MEDIA_ROOT = tmp_path
        email = InboundEmail(
            message_id="<src@x.test>", from_address="eve@x.test", status="accepted", incident=ticket
        )
        email.raw.save("m.eml", ContentFile(b"Subject: hi\r\n\r\nbody"), save=False)
        email.save()
        return email

    @pytest.mark.parametrize("actor", EVERYONE)
    def test_source_email_permission_matrix(self, client, actors, ticket, source, actor):
        client.force_login(actors[actor])
        response = client.get(reverse("incidents:source_email", args=[ticket.number, source.pk]))
        assert response.status_code == (200 if actor in STAFF else 403)

    def test_source_email_refuses_post(self, client, l1, ticket, source):
        client.force_login(l1)
        url = reverse("incidents:source_email", args=[ticket.number, source.pk])
        assert client.post(url).status_code == 405
