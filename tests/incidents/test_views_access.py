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
    "incidents:tickets": STAFF,  # the ticket list (tests/incidents/test_ticket_list.py)
    "incidents:tickets_export": STAFF,
    "search": STAFF,  # the global search (tests/search/ has the rest)
    "portal:search": ["contact_a", "contact_b"],
    "incidents:log_call": AGENTS,
    "incidents:priority_preview": AGENTS,
    "incidents:contact_search": AGENTS,
    "incidents:configuration_items": AGENTS,
    "incidents:log_call_major": AGENTS,  # the open major incident on the chosen service
    "incidents:assignee_choices": AGENTS,
    "incidents:article_suggestions": AGENTS,  # knowledge articles beside log a call
    "incidents:canned_list": AGENTS,  # canned responses (test_views_canned.py has the rest)
    "incidents:canned_new": AGENTS,
    "portal:kb": ["contact_a", "contact_b"],  # the portal's help articles
    "portal:home": ["contact_a", "contact_b"],
    # The knowledge base's staff pages (tests/knowledge/test_views_access.py has the rest).
    "knowledge:home": STAFF,
    "knowledge:new": STAFF,
    # The desk manager's dashboard (tests/incidents/test_dashboard_views.py has the rest).
    "dashboard:index": ["desk_manager"],
    "dashboard:export": ["desk_manager"],
    "dashboard:reports": ["desk_manager"],  # the customer SLA reports (test_sla_report_views.py)
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
    "url_name",
    ["search", "portal:search", "incidents:search", "incidents:assignee_choices", "incidents:jump"],
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


# ----- major incidents (incidents/views/major.py) -------------------------------------------

#: Who coordinates the major incident below: the service desk manager (who declared it and
#: is its manager). An L2 agent with incidents.declare_major and the named manager do too.
COORDINATORS = ["desk_manager"]

#: url name → (method, who gets through with a valid request; everyone else 403).
MAJOR_ROUTES = {
    "incidents:major_declare": ("get", ["desk_manager"]),
    "incidents:major_candidates": ("get", AGENTS),
    "incidents:major_link": ("post", AGENTS),
    "incidents:major_join": ("post", AGENTS),
    "incidents:major_manager": ("post", COORDINATORS),
    "incidents:major_unlink": ("post", COORDINATORS),
    "incidents:major_outage": ("post", COORDINATORS),
    "incidents:major_end_outage": ("post", COORDINATORS),
    "incidents:major_post_update": ("post", COORDINATORS),
}


@pytest.fixture
def major_case(desk_manager, contact_a, l1):
    """A major incident on a service with one child, and a new ticket on that service."""
    from incidents import services
    from tests.factories import ServiceFactory

    service = ServiceFactory()
    major = services.incident_declare_major(
        incident=make_incident_in("in_progress", service=service, contact=contact_a.contact),
        manager=desk_manager,
        reason="Down",
        actor=desk_manager,
    )
    child = IncidentFactory(service=service, contact=contact_a.contact)
    services.incident_link_child(parent=major, child=child, actor=l1)
    new = IncidentFactory(service=service, contact=contact_a.contact)
    return {"major": major, "child": child, "new": new, "agent": l1}


def major_request(url_name: str, case: dict) -> tuple[str, dict]:
    """The URL and the data of a valid request to the route."""
    major, child, new = case["major"], case["child"], case["new"]
    if url_name == "incidents:major_declare":
        return reverse(url_name, args=[new.number]), {}
    if url_name == "incidents:major_join":
        return reverse(url_name, args=[new.number]), {"parent": major.number}
    if url_name == "incidents:major_unlink":
        return reverse(url_name, args=[major.number, child.number]), {}
    data = {
        "incidents:major_candidates": {"q": new.number},
        "incidents:major_link": {"numbers": new.number},
        "incidents:major_outage": {
            "version": major.version,
            "outage_started_at": "2026-11-02T09:00",
            "outage_ended_at": "",
        },
        "incidents:major_end_outage": {"version": major.version},
        "incidents:major_manager": {"version": major.version, "manager": case["agent"].pk},
        "incidents:major_post_update": {"text": "Working on it"},
    }[url_name]
    return reverse(url_name, args=[major.number]), data


def test_the_major_matrix_covers_every_major_route():
    from incidents import urls

    names = {f"incidents:{p.name}" for p in urls.urlpatterns if p.name.startswith("major_")}
    assert names == set(MAJOR_ROUTES)


@pytest.mark.parametrize("url_name", MAJOR_ROUTES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_major_incident_permission_matrix(client, actors, major_case, actor, url_name):
    method, allowed = MAJOR_ROUTES[url_name]
    address, data = major_request(url_name, major_case)
    client.force_login(actors[actor])
    response = getattr(client, method)(address, data)
    if actor in allowed:
        assert response.status_code == (200 if method == "get" else 302)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("url_name", MAJOR_ROUTES)
def test_an_l2_agent_with_the_permission_coordinates_too(client, l2, major_case, url_name):
    from django.contrib.auth.models import Permission

    l2.user_permissions.add(Permission.objects.get(codename="declare_major"))
    method, _allowed = MAJOR_ROUTES[url_name]
    address, data = major_request(url_name, major_case)
    client.force_login(l2)
    response = getattr(client, method)(address, data)
    assert response.status_code == (200 if method == "get" else 302)


@pytest.mark.parametrize(
    "url_name",
    [
        "incidents:major_unlink",
        "incidents:major_outage",
        "incidents:major_end_outage",
        "incidents:major_post_update",
        "incidents:major_manager",
    ],
)
def test_the_named_manager_coordinates_without_the_permission(
    client, l3, desk_manager, major_case, url_name
):
    from incidents.models import Incident

    Incident.objects.filter(pk=major_case["major"].pk).update(major_manager=l3)
    address, data = major_request(url_name, major_case)
    client.force_login(l3)
    assert client.post(address, data).status_code == 302


# ----- canned responses (incidents/views/canned.py) -----------------------------------------

#: url name → (method, who gets through, the status they get; everyone else 403). The
#: response is a support group's that every agent is a member of: members use it, only
#: the service desk manager changes it (another agent's or group's is 404: see
#: test_views_canned.py).
CANNED_ROUTES = {
    "incidents:canned_list": ("get", AGENTS, 200),
    "incidents:canned_new": ("post", AGENTS, 302),
    "incidents:canned_edit": ("get", ["desk_manager"], 200),
    "incidents:canned_delete": ("post", ["desk_manager"], 302),
    "incidents:canned_picker": ("get", AGENTS, 200),
    "incidents:canned_insert": ("get", AGENTS, 200),
}


@pytest.fixture
def canned_case(actors, ticket):
    from incidents.canned import canned_response_create
    from tests.factories import SupportGroupFactory

    group = SupportGroupFactory(members=[actors[name] for name in AGENTS])
    response = canned_response_create(
        title="Ours",
        body="{contact_salutation} {ticket_number}",
        translations={},
        group=group,
        actor=actors["desk_manager"],
    )
    return {"ticket": ticket, "response": response}


def canned_request(url_name: str, case: dict) -> tuple[str, dict]:
    number, pk = case["ticket"].number, case["response"].pk
    if url_name == "incidents:canned_list":
        return reverse(url_name), {}
    if url_name == "incidents:canned_new":
        return reverse(url_name), {"title": "Mine", "body": "Hello {contact_name}"}
    if url_name in ("incidents:canned_edit", "incidents:canned_delete"):
        return reverse(url_name, args=[pk]), {}
    if url_name == "incidents:canned_picker":
        return reverse(url_name, args=[number]), {}
    return reverse(url_name, args=[number, pk]), {}


def test_the_canned_matrix_covers_every_canned_route():
    from incidents import urls

    names = {f"incidents:{p.name}" for p in urls.urlpatterns if p.name.startswith("canned_")}
    assert names == set(CANNED_ROUTES)


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("url_name", CANNED_ROUTES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_canned_response_permission_matrix(client, actors, canned_case, actor, url_name, htmx):
    method, allowed, status = CANNED_ROUTES[url_name]
    address, data = canned_request(url_name, canned_case)
    client.force_login(actors[actor])
    headers = {"HX-Request": "true"} if htmx else {}
    response = getattr(client, method)(address, data, headers=headers)
    assert response.status_code == (status if actor in allowed else 403)


# ----- following a ticket (incidents/views/watch.py) ----------------------------------------

FOLLOW_ROUTES = ["incidents:follow", "incidents:unfollow"]


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("url_name", FOLLOW_ROUTES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_follow_permission_matrix(client, actors, ticket, actor, url_name, htmx):
    """Any staff role follows a ticket it may see; contacts and strangers never do."""
    client.force_login(actors[actor])
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.post(reverse(url_name, args=[ticket.number]), headers=headers)
    if actor in STAFF:
        assert response.status_code == (200 if htmx else 302)
    else:
        assert response.status_code == 403
    assert ticket.watches.exclude(user__in=[actors[name] for name in STAFF]).count() == 0


@pytest.mark.parametrize("url_name", FOLLOW_ROUTES)
def test_follow_refuses_get_and_unknown_tickets(client, l1, ticket, url_name):
    client.force_login(l1)
    assert client.get(reverse(url_name, args=[ticket.number])).status_code == 405
    assert client.post(reverse(url_name, args=["INC-999999"])).status_code == 404


# ----- a bulk action job's page (servicedesk/bulk_views.py) ---------------------------------


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize("actor", EVERYONE)
def test_bulk_job_permission_matrix(client, actors, ticket, actor, htmx):
    """Its starter (l1 here) and the service desk managers; other staff do not learn it
    exists (404); contacts and strangers are refused (403)."""
    from servicedesk.bulk import bulk_action
    from servicedesk.bulk_jobs import bulk_job_start

    starter = actors["l1"]
    job = bulk_job_start(
        list_name="tickets",
        action=bulk_action("tickets", "priority", starter),
        ids=[ticket.pk],
        data={"priority-urgency": ["1"], "priority-impact": ["1"], "priority-reason": ["x"]},
        actor=starter,
    )
    client.force_login(actors[actor])
    headers = {"HX-Request": "true"} if htmx else {}
    response = client.get(reverse("bulk_job", args=[job.pk]), headers=headers)
    expected = {"l1": 200, "desk_manager": 200}.get(actor, 404 if actor in STAFF else 403)
    assert response.status_code == expected
