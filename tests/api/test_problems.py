"""The problems API: list, detail (the known error, the RCA, the linked incidents) and
linking an incident; staff tokens only (a contact's token gets 403 on every problem URL),
writes by the token user's roles; lists cost the same number of queries however many
rows they show."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from incidents.models import IncidentQuerySet
from problems import services
from problems.models import Problem, ProblemIncident, Status
from tests.api.conftest import ApiClient, issue_api_token
from tests.factories import (
    ConfigurationItemFactory,
    IncidentFactory,
    ServiceFactory,
)
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

PROBLEMS = "/api/v1/problems"


def detail_url(number: str) -> str:
    return f"{PROBLEMS}/{number}"


def link_url(number: str) -> str:
    return f"{PROBLEMS}/{number}/incidents"


@pytest.fixture
def tokens(agent_token, reader_token, contact_a_token, kb_manager):
    """agent: L1; reader: a problem manager (reads and links); kb: a knowledge manager
    (reads only)."""
    return {
        "agent": agent_token,
        "problem_manager": reader_token,
        "kb": issue_api_token(user=kb_manager, name="Knowledge"),
        "contact_a": contact_a_token,
        "bad": "sdk_" + "x" * 43,
        "none": None,
    }


@pytest.fixture
def ticket(contact_a):
    return IncidentFactory(contact=contact_a.contact, title="Mail stuck")


@pytest.fixture
def known_error(problem_manager):
    return ProblemFactory(
        title="Mail queue stalls", status=Status.KNOWN_ERROR, actor=problem_manager
    )


class TestList:
    def test_staff_list_problems_newest_first(self, agent_token, known_error):
        newer = ProblemFactory(status=Status.NEW)
        response = ApiClient(agent_token).get(PROBLEMS)
        assert response.status_code == 200
        body = response.json()
        assert [p["number"] for p in body["items"]] == [newer.number, known_error.number]
        assert body["next_cursor"] is None
        row = body["items"][1]
        assert row["status"] == "known_error" and row["is_known_error"] is True
        assert row["status_label"] == "Known error"
        assert row["known_error_at"] is not None

    def test_filters(self, agent_token):
        mail = ServiceFactory(name="Mail")
        item = ConfigurationItemFactory()  # on a service of its own (a CI brings its service)
        on_mail = ProblemFactory(status=Status.KNOWN_ERROR, service=mail)
        on_item = ProblemFactory(status=Status.RESOLVED, configuration_item=item)
        fresh = ProblemFactory(status=Status.NEW, service=mail)
        closed = ProblemFactory(status=Status.CLOSED)
        client = ApiClient(agent_token)

        def numbers(query) -> set[str]:
            response = client.get(PROBLEMS, query)
            assert response.status_code == 200
            return {p["number"] for p in response.json()["items"]}

        assert numbers({"status": ["new", "closed"]}) == {fresh.number, closed.number}
        assert numbers({"known_error": "true"}) == {on_mail.number, on_item.number}
        assert numbers({"known_error": "false"}) == {fresh.number, closed.number}
        assert numbers({"service": mail.pk}) == {on_mail.number, fresh.number}
        assert numbers({"configuration_item": item.pk}) == {on_item.number}
        assert numbers({"service": mail.pk, "known_error": "true"}) == {on_mail.number}

    def test_cursor_pagination_walks_every_problem_once(self, agent_token):
        made = {ProblemFactory().number for _ in range(5)}
        client = ApiClient(agent_token)
        seen: list[str] = []
        query: dict = {"limit": 2}
        while True:
            body = client.get(PROBLEMS, query).json()
            seen += [p["number"] for p in body["items"]]
            if body["next_cursor"] is None:
                break
            query["cursor"] = body["next_cursor"]
        assert sorted(seen) == sorted(made) and len(seen) == 5

    @pytest.mark.parametrize(
        "query",
        [{"status": "bogus"}, {"limit": 0}, {"limit": 201}, {"service": 0}, {"cursor": -1}],
    )
    def test_invalid_filters_are_400_with_field_errors(self, agent_token, query):
        response = ApiClient(agent_token).get(PROBLEMS, query)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)

    def test_the_query_count_does_not_grow_with_the_rows(self, agent_token, problem_manager, l2):
        client = ApiClient(agent_token)
        mail = ServiceFactory()

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(PROBLEMS).status_code == 200
            return len(captured)

        ProblemFactory(service=mail, investigator=l2)
        few = queries()
        for _ in range(10):
            ProblemFactory(
                status=Status.KNOWN_ERROR,
                service=mail,
                configuration_item=ConfigurationItemFactory(service=mail),
                investigator=l2,
            )
        assert queries() == few
        assert few <= 5


class TestDetail:
    def test_the_known_error_its_rca_and_its_incidents(
        self, agent_token, problem_manager, contact_a
    ):
        first, second = IncidentFactory(contact=contact_a.contact), IncidentFactory()
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION, incidents=[first])
        services.problem_link_incident(problem=problem, incident=second, actor=problem_manager)
        services.why_add(problem=problem, answer="The queue filled up", actor=problem_manager)
        services.why_add(problem=problem, answer="Nobody rotates it", actor=problem_manager)
        services.cause_add(
            problem=problem, category="process", text="No log rotation", actor=problem_manager
        )
        when = timezone.now() - timedelta(days=2)
        services.event_add(
            problem=problem, occurred_at=when, text="Agent 2.3 deployed", actor=problem_manager
        )
        services.problem_record_known_error(
            problem=problem,
            actor=problem_manager,
            root_cause="The agent leaks memory",
            workaround="Restart the agent",
        )
        article = services.problem_write_article(problem=problem, actor=problem_manager)

        response = ApiClient(agent_token).get(detail_url(problem.number))
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "known_error" and body["is_known_error"] is True
        assert body["workaround"] == "Restart the agent"
        assert body["root_cause"] == "The agent leaks memory"
        assert body["article"] == article.number
        assert body["incidents"] == [first.number, second.number]
        assert [w["answer"] for w in body["rca"]["whys"]] == [
            "The queue filled up",
            "Nobody rotates it",
        ]
        assert body["rca"]["causes"] == [
            {"category": "process", "text": "No log rotation", "confirmed": False}
        ]
        assert [e["text"] for e in body["rca"]["timeline"]] == ["Agent 2.3 deployed"]

    def test_the_number_is_case_insensitive(self, agent_token, known_error):
        response = ApiClient(agent_token).get(detail_url(known_error.number.lower()))
        assert response.status_code == 200
        assert response.json()["number"] == known_error.number

    @pytest.mark.parametrize("number", ["PRB-999999", "INC-000001", "PRB-", "x" * 300])
    def test_unknown_or_malformed_numbers_are_404(self, agent_token, known_error, number):
        assert ApiClient(agent_token).get(detail_url(number)).status_code == 404


class TestLink:
    def test_an_agent_links_an_incident(self, agent_token, l1, known_error, ticket):
        response = ApiClient(agent_token).post(
            link_url(known_error.number), {"incident": ticket.number.lower()}
        )
        assert response.status_code == 201
        body = response.json()
        assert body["problem"] == known_error.number and body["incident"] == ticket.number
        assert body["linked_by"] == (l1.get_full_name() or l1.username)
        assert ProblemIncident.objects.get(incident=ticket).problem == known_error

    def test_linking_again_changes_nothing_and_says_200(self, agent_token, known_error, ticket):
        client = ApiClient(agent_token)
        client.post(link_url(known_error.number), {"incident": ticket.number})
        response = client.post(link_url(known_error.number), {"incident": ticket.number})
        assert response.status_code == 200
        assert ProblemIncident.objects.count() == 1

    def test_linking_moves_the_incident_from_another_problem(
        self, agent_token, known_error, ticket
    ):
        other = ProblemFactory(incidents=[ticket])
        response = ApiClient(agent_token).post(
            link_url(known_error.number), {"incident": ticket.number}
        )
        assert response.status_code == 201
        assert ProblemIncident.objects.get(incident=ticket).problem == known_error
        assert not other.incident_links.exists()

    def test_a_closed_problem_takes_no_incidents(self, agent_token, ticket):
        closed = ProblemFactory(status=Status.CLOSED)
        response = ApiClient(agent_token).post(link_url(closed.number), {"incident": ticket.number})
        assert response.status_code == 400
        assert "closed or cancelled" in response.json()["detail"]
        assert not ProblemIncident.objects.exists()

    @pytest.mark.parametrize("incident", ["INC-999999", "PRB-000001", "nonsense", ""])
    def test_an_unknown_or_malformed_incident_is_400_naming_the_field(
        self, agent_token, known_error, incident
    ):
        response = ApiClient(agent_token).post(link_url(known_error.number), {"incident": incident})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["incident"]
        assert not ProblemIncident.objects.exists()

    def test_a_missing_body_is_400(self, agent_token, known_error):
        response = ApiClient(agent_token).post(link_url(known_error.number), {})
        assert response.status_code == 400
        assert list(response.json()["errors"]) == ["incident"]

    def test_an_unknown_problem_is_404(self, agent_token, ticket):
        response = ApiClient(agent_token).post(link_url("PRB-999999"), {"incident": ticket.number})
        assert response.status_code == 404

    def test_an_incident_the_token_may_not_see_is_not_linked(
        self, agent_token, known_error, ticket, monkeypatch
    ):
        """The incident is found through incidents.access (who may see which ticket)."""
        monkeypatch.setattr(IncidentQuerySet, "visible_to", lambda self, user: self.none())
        response = ApiClient(agent_token).post(
            link_url(known_error.number), {"incident": ticket.number}
        )
        assert response.status_code == 400
        assert response.json()["errors"] == {"incident": ["No such incident."]}
        assert not ProblemIncident.objects.exists()


class TestWhoMay:
    EXPECTED = {
        # caller: (list, detail, detail of a missing number, link)
        "agent": (200, 200, 404, 201),
        "problem_manager": (200, 200, 404, 201),
        "kb": (200, 200, 404, 403),
        "contact_a": (403, 403, 403, 403),
        "bad": (401, 401, 401, 401),
        "none": (401, 401, 401, 401),
    }

    @pytest.mark.parametrize("caller", list(EXPECTED))
    def test_matrix(self, tokens, caller, known_error, ticket):
        client = ApiClient(tokens[caller])
        got = (
            client.get(PROBLEMS).status_code,
            client.get(detail_url(known_error.number)).status_code,
            client.get(detail_url("PRB-999999")).status_code,
            client.post(link_url(known_error.number), {"incident": ticket.number}).status_code,
        )
        assert got == self.EXPECTED[caller]
        assert ProblemIncident.objects.exists() == (self.EXPECTED[caller][3] == 201)

    def test_a_contacts_token_learns_nothing_about_problems(
        self, contact_a_token, known_error, ticket
    ):
        """Even its own organisation's ticket: the same 403 for a problem that exists
        and one that does not, naming neither."""
        services.problem_link_incident(
            problem=known_error, incident=ticket, actor=known_error.owner
        )
        client = ApiClient(contact_a_token)
        answers = [
            client.get(PROBLEMS),
            client.get(PROBLEMS, {"known_error": "true"}),
            client.get(detail_url(known_error.number)),
            client.get(detail_url("PRB-999999")),
            client.post(link_url(known_error.number), {"incident": ticket.number}),
            client.post(link_url("PRB-999999"), {"incident": ticket.number}),
        ]
        assert {a.status_code for a in answers} == {403}
        assert len({a.content for a in answers}) == 1
        assert known_error.number not in answers[2].content.decode()

    def test_a_wrong_method_is_json_405(self, agent_token, known_error):
        client = ApiClient(agent_token)
        assert client.delete(PROBLEMS).status_code == 405
        assert client.post(detail_url(known_error.number), {}).status_code == 405
        response = client.get(link_url(known_error.number))
        assert response.status_code == 405
        assert response["Content-Type"].startswith("application/json")


class TestSchema:
    def test_the_problem_operations_are_in_the_openapi_schema(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert {
            "/api/v1/problems",
            "/api/v1/problems/{number}",
            "/api/v1/problems/{number}/incidents",
        } <= set(schema["paths"])
        assert set(schema["paths"]["/api/v1/problems/{number}/incidents"]) == {"post"}
        components = schema["components"]["schemas"]
        assert components["ProblemStatus"]["enum"] == list(Status.values)
        # The tickets' Status keeps its name and values beside it.
        assert "registered" in components["Status"]["enum"]
        assert set(components["ProblemDetailOut"]["required"]) >= {"workaround", "rca", "incidents"}
        assert Problem.objects.count() == 0  # reading the schema touches no data
