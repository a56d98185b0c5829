"""The ticket API: list, detail, create, comment; who may do what; every URL of another
organisation's ticket is a 404 for a contact; lists cost the same number of queries
however many rows they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents import services
from incidents.models import Channel, Comment, Incident, Kind, Status
from servicedesk.models import ApiToken, Urgency
from tests.api.conftest import ApiClient, issue_api_token
from tests.factories import (
    ConfigurationItemFactory,
    ContactFactory,
    IncidentFactory,
    ServiceFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets"


def detail_url(number: str) -> str:
    return f"{TICKETS}/{number}"


def comments_url(number: str) -> str:
    return f"{TICKETS}/{number}/comments"


@pytest.fixture
def ticket_a(contact_a, desk_manager):
    return IncidentFactory(contact=contact_a.contact, actor=desk_manager, title="Mail down")


@pytest.fixture
def ticket_b(contact_b, desk_manager):
    return IncidentFactory(contact=contact_b.contact, actor=desk_manager, title="VPN flaky")


@pytest.fixture
def tokens(agent_token, reader_token, contact_a_token, contact_b_token):
    return {
        "agent": agent_token,
        "reader": reader_token,
        "contact_a": contact_a_token,
        "contact_b": contact_b_token,
        "bad": "sdk_" + "x" * 43,
        "none": None,
    }


class TestList:
    def test_a_contact_lists_its_organisation_only(self, contact_a_token, ticket_a, ticket_b):
        response = ApiClient(contact_a_token).get(TICKETS)
        assert response.status_code == 200
        assert [t["number"] for t in response.json()["items"]] == [ticket_a.number]

    def test_staff_list_every_organisation_newest_first(self, reader_token, ticket_a, ticket_b):
        items = ApiClient(reader_token).get(TICKETS).json()["items"]
        assert [t["number"] for t in items] == [ticket_b.number, ticket_a.number]

    def test_a_row_says_what_a_queue_shows(self, agent_token, ticket_a, l1, l1_group):
        services.incident_assign(incident=ticket_a, group=l1_group, assignee=l1, actor=l1)
        row = ApiClient(agent_token).get(TICKETS).json()["items"][0]
        assert row["number"] == ticket_a.number
        assert row["status"] == "assigned"
        assert row["organisation"]["name"] == "Organisation A"
        assert row["contact"]["name"] == "Alice Customer"
        assert row["support_group"] == "Service desk"
        assert row["assignee"] == l1.get_full_name()
        assert row["priority_label"] == ticket_a.get_priority_display()

    def test_contacts_do_not_see_who_works_on_it(self, contact_a_token, ticket_a, l1, l1_group):
        services.incident_assign(incident=ticket_a, group=l1_group, assignee=l1, actor=l1)
        row = ApiClient(contact_a_token).get(TICKETS).json()["items"][0]
        assert row["support_group"] is None
        assert row["assignee"] is None

    def test_filters(self, reader_token, contact_a, contact_b, desk_manager, org_b):
        incident = IncidentFactory(contact=contact_a.contact, urgency=Urgency.VERY_HIGH)
        request = IncidentFactory(contact=contact_a.contact, kind=Kind.REQUEST)
        assigned = make_incident_in(Status.ASSIGNED, contact=contact_b.contact)
        client = ApiClient(reader_token)

        def numbers(**query):
            response = client.get(TICKETS, query)
            assert response.status_code == 200, response.json()
            return {t["number"] for t in response.json()["items"]}

        assert numbers(kind="request") == {request.number}
        assert numbers(status="assigned") == {assigned.number}
        assert numbers(status=["assigned", "registered"]) == {
            incident.number,
            request.number,
            assigned.number,
        }
        assert numbers(priority=incident.priority) >= {incident.number}
        assert request.number not in numbers(priority=incident.priority)
        assert numbers(organisation=org_b.pk) == {assigned.number}
        future = (timezone.now() + timedelta(hours=1)).isoformat()
        assert numbers(updated_since=future) == set()
        past = (timezone.now() - timedelta(hours=1)).isoformat()
        assert len(numbers(updated_since=past)) == 3

    def test_cursor_pagination_walks_every_ticket_once(self, reader_token, contact_a):
        created = {IncidentFactory(contact=contact_a.contact).number for _ in range(7)}
        client = ApiClient(reader_token)
        seen, cursor, pages = [], None, 0
        while True:
            query = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            page = client.get(TICKETS, query).json()
            seen += [t["number"] for t in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert pages == 3
        assert sorted(seen) == sorted(created)
        assert len(seen) == len(set(seen))

    @pytest.mark.parametrize(
        "query",
        [
            {"limit": 0},
            {"limit": 201},
            {"status": "open-ish"},
            {"kind": "problem"},
            {"priority": 9},
            {"cursor": -1},
            {"cursor": 2**70},
            {"organisation": "A"},
            {"updated_since": "yesterday"},
            {"updated_since": "9999-12-31T23:59:59-01:00"},
        ],
    )
    def test_invalid_filters_are_400_with_field_errors(self, reader_token, query):
        response = ApiClient(reader_token).get(TICKETS, query)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)

    @pytest.mark.parametrize("who", ["reader", "contact_a"])
    def test_the_query_count_does_not_grow_with_the_rows(self, tokens, who, contact_a, l1_group):
        client = ApiClient(tokens[who])

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(TICKETS).status_code == 200
            return len(captured)

        make_incident_in(Status.ASSIGNED, contact=contact_a.contact, group=l1_group)
        few = queries()
        for _ in range(12):
            make_incident_in(Status.ASSIGNED, contact=contact_a.contact, group=l1_group)
        ServiceFactory()
        assert queries() == few
        assert few <= 6


class TestDetail:
    def test_contacts_see_public_comments_only(self, contact_a_token, ticket_a, l1, l1_group):
        services.incident_add_comment(incident=ticket_a, body="Internal", actor=l1)
        services.incident_add_comment(incident=ticket_a, body="Public", actor=l1, is_public=True)
        body = ApiClient(contact_a_token).get(detail_url(ticket_a.number)).json()
        assert [c["body"] for c in body["comments"]] == ["Public"]
        assert body["description"] == ticket_a.description

    def test_staff_see_every_comment(self, reader_token, ticket_a, l1, l1_group):
        services.incident_add_comment(incident=ticket_a, body="Internal", actor=l1)
        body = ApiClient(reader_token).get(detail_url(ticket_a.number)).json()
        assert [(c["body"], c["is_public"]) for c in body["comments"]] == [("Internal", False)]

    def test_the_number_is_case_insensitive(self, contact_a_token, ticket_a):
        response = ApiClient(contact_a_token).get(detail_url(ticket_a.number.lower()))
        assert response.status_code == 200

    @pytest.mark.parametrize("number", ["INC-999999", "nonsense", "INC-1%00", "INC-" + "9" * 30])
    def test_unknown_or_malformed_numbers_are_404(self, reader_token, number):
        response = ApiClient(reader_token).get(detail_url(number))
        assert response.status_code == 404
        assert response.json()["detail"] == "Not found."


class TestCreate:
    def test_a_contact_opens_a_ticket_for_itself_through_the_portal_channel(
        self, contact_a_token, contact_a
    ):
        response = ApiClient(contact_a_token).post(
            TICKETS, {"title": "Printer on fire", "urgency": Urgency.HIGH, "kind": "incident"}
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        incident = Incident.objects.get(number=body["number"])
        assert incident.contact == contact_a.contact
        assert incident.channel == Channel.PORTAL
        assert body["urgency_confirmed"] is False  # a customer's high urgency waits for L1
        assert incident.history.first().history_user == contact_a

    def test_a_contact_cannot_open_tickets_for_someone_else(self, contact_a_token, contact_b):
        response = ApiClient(contact_a_token).post(
            TICKETS, {"title": "x", "contact": contact_b.contact.pk}
        )
        assert response.status_code == 400
        assert "contact" in response.json()["errors"]
        assert Incident.objects.count() == 0

    def test_an_unauthorised_contact_may_read_but_not_open(self, contact_a_token, contact_a):
        contact_a.contact.is_authorised = False
        contact_a.contact.save()
        client = ApiClient(contact_a_token)
        assert client.get(TICKETS).status_code == 200
        assert client.post(TICKETS, {"title": "x"}).status_code == 403

    def test_an_agent_opens_a_ticket_for_a_contact(self, agent_token, contact_b, l1):
        service = ServiceFactory()
        item = ConfigurationItemFactory(service=service)
        response = ApiClient(agent_token).post(
            TICKETS,
            {
                "title": "Router reboot loop",
                "description": "Since 10:00",
                "contact": contact_b.contact.pk,
                "configuration_item": item.pk,
                "category": "outage",
                "urgency": 1,
            },
        )
        assert response.status_code == 201, response.json()
        incident = Incident.objects.get(number=response.json()["number"])
        assert incident.channel == Channel.AGENT
        assert incident.contact == contact_b.contact
        assert (incident.service, incident.configuration_item) == (service, item)
        assert incident.urgency_confirmed
        assert incident.history.first().history_user == l1

    @pytest.mark.parametrize(
        ("body", "field"),
        [
            ({"title": "x"}, "contact"),
            ({"title": "x", "contact": 10**9}, "contact"),
            ({"title": "x", "contact": "CONTACT", "service": 10**9}, "service"),
            (
                {"title": "x", "contact": "CONTACT", "configuration_item": 10**9},
                "configuration_item",
            ),
            ({"title": "", "contact": "CONTACT"}, "title"),
            ({"title": "a\x00b", "contact": "CONTACT"}, "title"),
            ({"title": "x", "contact": "CONTACT", "urgency": 0}, "urgency"),
            ({"title": "x", "contact": "CONTACT", "category": "party"}, "category"),
            ({"title": "x", "contact": "CONTACT", "kind": "problem"}, "kind"),
        ],
    )
    def test_invalid_input_is_400_with_field_errors_and_nothing_stored(
        self, agent_token, contact_b, body, field
    ):
        if body.get("contact") == "CONTACT":
            body = body | {"contact": contact_b.contact.pk}
        response = ApiClient(agent_token).post(TICKETS, body)
        assert response.status_code == 400
        assert field in response.json()["errors"]
        assert Incident.objects.count() == 0

    def test_a_contact_cannot_name_another_organisations_configuration_item(
        self, contact_a_token, org_b
    ):
        theirs = ConfigurationItemFactory(organisation=org_b)
        response = ApiClient(contact_a_token).post(
            TICKETS, {"title": "x", "configuration_item": theirs.pk}
        )
        assert response.status_code == 400
        assert Incident.objects.count() == 0

    def test_staff_who_do_not_work_tickets_cannot_open_them(self, reader_token, contact_a):
        response = ApiClient(reader_token).post(
            TICKETS, {"title": "x", "contact": contact_a.contact.pk}
        )
        assert response.status_code == 403
        assert Incident.objects.count() == 0


class TestComment:
    def test_a_contacts_comment_is_public_and_answers_information_needed(
        self, contact_a_token, contact_a
    ):
        ticket = make_incident_in(Status.INFORMATION_NEEDED, contact=contact_a.contact)
        response = ApiClient(contact_a_token).post(
            comments_url(ticket.number), {"body": "It is db01.", "is_public": False}
        )
        assert response.status_code == 201
        assert response.json()["is_public"] is True
        ticket.refresh_from_db()
        assert ticket.status == Status.IN_PROGRESS

    def test_an_agent_chooses_internal_or_public(self, agent_token, ticket_a):
        client = ApiClient(agent_token)
        client.post(comments_url(ticket_a.number), {"body": "note"})
        client.post(comments_url(ticket_a.number), {"body": "hello", "is_public": True})
        assert list(ticket_a.comments.values_list("body", "is_public")) == [
            ("note", False),
            ("hello", True),
        ]

    def test_a_closed_ticket_takes_no_comments(self, agent_token, contact_a):
        ticket = make_incident_in(Status.CLOSED, contact=contact_a.contact)
        before = Comment.objects.count()
        response = ApiClient(agent_token).post(comments_url(ticket.number), {"body": "late"})
        assert response.status_code == 400
        assert Comment.objects.count() == before

    @pytest.mark.parametrize("body", [{}, {"body": ""}, {"body": "   "}, {"body": 5}])
    def test_an_empty_comment_is_400(self, agent_token, ticket_a, body):
        response = ApiClient(agent_token).post(comments_url(ticket_a.number), body)
        assert response.status_code == 400
        assert ticket_a.comments.count() == 0


class TestPermissionMatrix:
    """Every endpoint × every kind of caller."""

    EXPECTED = {
        # caller: (list, detail A, create, comment A)
        "agent": (200, 200, 201, 201),
        "reader": (200, 200, 403, 403),
        "contact_a": (200, 200, 201, 201),
        "contact_b": (200, 404, 201, 404),
        "bad": (401, 401, 401, 401),
        "none": (401, 401, 401, 401),
    }

    @pytest.mark.parametrize("caller", list(EXPECTED))
    def test_matrix(self, tokens, caller, ticket_a, contact_a):
        client = ApiClient(tokens[caller])
        create = {"title": "From the API"}
        if caller in ("agent", "reader"):
            create["contact"] = contact_a.contact.pk
        got = (
            client.get(TICKETS).status_code,
            client.get(detail_url(ticket_a.number)).status_code,
            client.post(TICKETS, create).status_code,
            client.post(comments_url(ticket_a.number), {"body": "Hi"}).status_code,
        )
        assert got == self.EXPECTED[caller]

    def test_contact_b_lists_none_of_as_tickets_even_when_asking_for_them(
        self, contact_b_token, ticket_a, org_a
    ):
        response = ApiClient(contact_b_token).get(TICKETS, {"organisation": org_a.pk})
        assert response.json()["items"] == []


class TestIsolation:
    """Every API URL of organisation A's ticket, asked with organisation B's contact
    token, answers 404 (not 403: B cannot even learn that the number exists), stores
    nothing, and says nothing about the ticket."""

    def urls(self, number):
        return [
            ("get", detail_url(number), None),
            ("get", detail_url(number.lower()), None),
            ("post", comments_url(number), {"body": "Let me in"}),
            ("post", comments_url(number.lower()), {"body": "Let me in", "is_public": True}),
        ]

    @pytest.mark.parametrize("status", [Status.REGISTERED, Status.INFORMATION_NEEDED])
    def test_every_ticket_url_of_another_organisation_is_404(
        self, contact_b_token, contact_a, status
    ):
        ticket = make_incident_in(status, contact=contact_a.contact)
        comments_before = Comment.objects.count()
        client = ApiClient(contact_b_token)
        for method, url, body in self.urls(ticket.number):
            response = getattr(client, method)(url, body)
            assert response.status_code == 404, (method, url)
            assert ticket.number not in response.content.decode()
        assert Comment.objects.count() == comments_before
        ticket.refresh_from_db()
        assert ticket.status == status

    def test_invalid_input_gets_the_same_answer_as_for_a_number_that_does_not_exist(
        self, contact_b_token, contact_a
    ):
        """Input is validated before the ticket is looked up: the 400 tells nothing."""
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
        client = ApiClient(contact_b_token)
        theirs = client.post(comments_url(ticket.number), {})
        missing = client.post(comments_url("INC-999999"), {})
        assert theirs.status_code == missing.status_code == 400
        assert theirs.content == missing.content

    def test_the_same_urls_work_for_the_own_organisation(self, contact_a_token, contact_a):
        ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
        client = ApiClient(contact_a_token)
        for method, url, body in self.urls(ticket.number):
            expected = 201 if method == "post" else 200
            assert getattr(client, method)(url, body).status_code == expected, url


class TestTokens:
    def test_only_the_hash_is_stored(self, contact_a):
        plaintext = issue_api_token(contact=contact_a.contact)
        token = ApiToken.objects.get()
        assert plaintext not in (token.token_hash, token.prefix)
        assert plaintext.startswith(token.prefix)
        assert len(token.token_hash) == 64

    def test_use_is_recorded(self, contact_a_token):
        ApiClient(contact_a_token).get(TICKETS)
        assert ApiToken.objects.get().last_used_at is not None

    def test_a_revoked_token_is_refused(self, contact_a_token):
        ApiToken.objects.update(is_active=False)
        assert ApiClient(contact_a_token).get(TICKETS).status_code == 401

    def test_an_inactive_contact_or_user_is_refused(self, contact_a_token, contact_a):
        contact = contact_a.contact
        contact.is_active = False
        contact.save()
        assert ApiClient(contact_a_token).get(TICKETS).status_code == 401

    def test_a_staff_token_stops_working_when_the_user_loses_every_role(
        self, reader_token, problem_manager
    ):
        problem_manager.groups.clear()
        assert ApiClient(reader_token).get(TICKETS).status_code == 401

    def test_a_session_is_not_a_token(self, client, l1):
        client.force_login(l1)
        response = client.get(TICKETS)
        assert response.status_code == 401  # not a redirect to the login page
        assert response["Content-Type"].startswith("application/json")

    def test_token_requests_need_no_csrf_token(self, agent_token, ticket_a):
        client = ApiClient(agent_token, enforce_csrf_checks=True)
        response = client.post(comments_url(ticket_a.number), {"body": "From a script"})
        assert response.status_code == 201

    def test_a_contact_without_a_portal_login_cannot_get_a_token(self):
        from django.core.exceptions import ValidationError

        token = ApiToken(name="x", contact=ContactFactory())
        with pytest.raises(ValidationError):
            token.full_clean()


class TestJsonOnly:
    @pytest.mark.parametrize("path", ["/api/v1/", "/api/v1/nope", "/api/v1/tickets/"])
    def test_unknown_urls_are_json_404(self, path, reader_token):
        response = ApiClient(reader_token).get(path)
        assert response.status_code == 404
        assert response["Content-Type"].startswith("application/json")

    def test_a_wrong_method_is_json_405(self, reader_token):
        response = ApiClient(reader_token).delete(TICKETS)
        assert response.status_code == 405
        assert response.json()["detail"] == "Method not allowed."
        assert "GET" in response["Allow"]

    def test_the_schema_is_public_and_openapi_3(self, client):
        response = client.get("/api/v1/openapi.json")
        assert response.status_code == 200
        schema = response.json()
        assert schema["openapi"].startswith("3.")
        assert {"/api/v1/alerts", "/api/v1/tickets", "/api/v1/tickets/{number}"} <= set(
            schema["paths"]
        )

    def test_the_docs_page_is_for_logged_in_people_and_needs_no_cdn(self, client, l1):
        assert client.get("/api/v1/docs").status_code == 302
        client.force_login(l1)
        page = client.get("/api/v1/docs").content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in page
        assert "cdn" not in page.lower()
