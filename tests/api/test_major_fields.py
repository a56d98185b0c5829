"""Major incidents over the ticket API (read-only): each ticket says whether it is a major
incident, which major incident it is part of, and a major incident's outage window. A
contact's token sees another organisation's major incident's number nowhere (as in the
portal); the fields cannot be written; the list costs the same queries with children."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from incidents import services
from incidents.models import Incident, Status
from tests.api.conftest import ApiClient
from tests.factories import IncidentFactory, ServiceFactory, make_incident_in

pytestmark = pytest.mark.django_db

TICKETS = "/api/v1/tickets"


@pytest.fixture
def family(desk_manager, contact_a, contact_b, l1):
    """Organisation A's major incident with a child of A and a child of B."""
    storage = ServiceFactory(name="Object storage")
    major = services.incident_declare_major(
        incident=make_incident_in(
            Status.IN_PROGRESS, contact=contact_a.contact, service=storage, actor=desk_manager
        ),
        manager=desk_manager,
        reason="Storage down",
        actor=desk_manager,
    )
    child_a = IncidentFactory(contact=contact_a.contact, service=storage)
    child_b = IncidentFactory(contact=contact_b.contact, service=storage)
    services.incident_link_children(parent=major, children=[child_a, child_b], actor=l1)
    major = services.incident_end_outage(incident=major, actor=desk_manager)
    return {"major": major, "a": child_a, "b": child_b}


def by_number(body: dict) -> dict:
    return {row["number"]: row for row in body["items"]}


def same_moment(text: str, moment: datetime) -> bool:
    """The API writes times to the millisecond."""
    return abs(datetime.fromisoformat(text) - moment) < timedelta(milliseconds=1)


class TestFields:
    def test_staff_see_the_flag_the_parent_and_the_outage_in_list_and_detail(
        self, agent_token, family
    ):
        major, child_a, child_b = family["major"], family["a"], family["b"]
        client = ApiClient(agent_token)
        rows = by_number(client.get(TICKETS).json())
        assert rows[major.number]["is_major"] is True
        assert rows[major.number]["parent"] is None
        assert same_moment(rows[major.number]["outage_started_at"], major.outage_started_at)
        assert same_moment(rows[major.number]["outage_ended_at"], major.outage_ended_at)
        for child in (child_a, child_b):
            assert rows[child.number]["is_major"] is False
            assert rows[child.number]["parent"] == major.number
            assert rows[child.number]["outage_started_at"] is None
        detail = client.get(f"{TICKETS}/{child_b.number}").json()
        assert detail["parent"] == major.number and detail["is_major"] is False
        detail = client.get(f"{TICKETS}/{major.number}").json()
        assert detail["is_major"] is True
        assert same_moment(detail["outage_ended_at"], major.outage_ended_at)

    def test_an_ordinary_ticket_says_so(self, agent_token, contact_a):
        ticket = IncidentFactory(contact=contact_a.contact)
        body = ApiClient(agent_token).get(f"{TICKETS}/{ticket.number}").json()
        assert body["is_major"] is False
        assert body["parent"] is None
        assert body["outage_started_at"] is None and body["outage_ended_at"] is None

    def test_a_contact_sees_its_own_organisations_major_incident_number(
        self, contact_a_token, family
    ):
        client = ApiClient(contact_a_token)
        rows = by_number(client.get(TICKETS).json())
        assert rows[family["a"].number]["parent"] == family["major"].number
        assert rows[family["major"].number]["is_major"] is True
        assert client.get(f"{TICKETS}/{family['a'].number}").json()["parent"] == (
            family["major"].number
        )

    def test_another_organisations_contact_never_learns_the_major_incidents_number(
        self, contact_b_token, family
    ):
        client = ApiClient(contact_b_token)
        body = client.get(TICKETS).json()
        assert [row["number"] for row in body["items"]] == [family["b"].number]
        assert body["items"][0]["parent"] is None
        detail = client.get(f"{TICKETS}/{family['b'].number}")
        assert detail.json()["parent"] is None
        assert family["major"].number not in detail.content.decode()

    def test_the_fields_are_read_only(self, agent_token, contact_a, family):
        response = ApiClient(agent_token).post(
            TICKETS,
            {
                "title": "Try to sneak in",
                "contact": contact_a.contact.pk,
                "is_major": True,
                "parent": family["major"].number,
                "outage_started_at": "2026-01-01T00:00:00Z",
            },
        )
        assert response.status_code == 201
        body = response.json()
        assert body["is_major"] is False and body["parent"] is None
        assert body["outage_started_at"] is None
        made = Incident.objects.get(number=body["number"])
        assert not made.is_major and made.parent_id is None


def test_the_schema_documents_the_fields_as_read_only_output(client):
    schema = client.get("/api/v1/openapi.json").json()
    schemas = schema["components"]["schemas"]
    ticket = schemas["TicketOut"]["properties"]
    assert ticket["is_major"]["type"] == "boolean"
    assert {"is_major", "parent", "outage_started_at", "outage_ended_at"} <= set(
        schemas["TicketOut"]["required"]
    )
    assert {"is_major", "parent", "outage_started_at"}.isdisjoint(schemas["TicketIn"]["properties"])


@pytest.mark.parametrize("token", ["agent_token", "contact_a_token"])
def test_the_list_costs_the_same_queries_with_or_without_children(request, token, family, l1):
    client = ApiClient(request.getfixturevalue(token))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(TICKETS).status_code == 200
        return len(captured)

    few = queries()
    major = family["major"]
    more = [IncidentFactory(contact=family["a"].contact, service=major.service) for _ in range(8)]
    services.incident_link_children(parent=major, children=more, actor=l1)
    assert queries() == few
