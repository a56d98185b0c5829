"""The changes API: the list (filters by status and type, keyset pages) and one change
(plan, risk, window, services, CIs, the CAB's decisions, links); staff tokens only (a
contact's token gets 403 on every change URL); lists cost the same number of queries
however many rows they show."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from changes import services
from changes.models import ChangeRequest, ChangeType, Status
from tests.api.conftest import ApiClient, issue_api_token
from tests.changes.factories import ChangeFactory, cab_user, policy
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

CHANGES = "/api/v1/changes"


def detail_url(number: str) -> str:
    return f"{CHANGES}/{number}"


@pytest.fixture
def staff_token(cab_member):
    """A CAB member: staff, not an agent."""
    return issue_api_token(user=cab_member, name="CAB tooling")


class TestList:
    def test_staff_list_changes_newest_first(self, agent_token):
        older = ChangeFactory(title="Older")
        newer = ChangeFactory(status=Status.SUBMITTED, change_type=ChangeType.EMERGENCY)
        response = ApiClient(agent_token).get(CHANGES)
        assert response.status_code == 200
        body = response.json()
        assert [c["number"] for c in body["items"]] == [newer.number, older.number]
        assert body["next_cursor"] is None
        row = body["items"][0]
        assert row["status"] == "submitted" and row["status_label"] == "Submitted"
        assert row["type"] == "emergency" and row["type_label"] == "Emergency"
        assert row["risk"] == newer.risk
        assert row["window"]["start"] is not None and row["window"]["end"] is not None
        assert row["submitted_at"] is not None
        assert "plan" not in row  # the detail has it

    def test_filters(self, staff_token):
        draft = ChangeFactory()
        submitted = ChangeFactory(status=Status.SUBMITTED)
        emergency = ChangeFactory(status=Status.SUBMITTED, change_type=ChangeType.EMERGENCY)
        client = ApiClient(staff_token)

        def numbers(query) -> set[str]:
            response = client.get(CHANGES, query)
            assert response.status_code == 200
            return {c["number"] for c in response.json()["items"]}

        assert numbers({"status": ["submitted"]}) == {submitted.number, emergency.number}
        assert numbers({"status": ["draft", "closed"]}) == {draft.number}
        assert numbers({"type": ["emergency"]}) == {emergency.number}
        assert numbers({"type": ["normal"], "status": ["submitted"]}) == {submitted.number}

    def test_cursor_pagination_walks_every_change_once(self, agent_token):
        made = {ChangeFactory().number for _ in range(5)}
        client = ApiClient(agent_token)
        seen: list[str] = []
        query: dict = {"limit": 2}
        while True:
            body = client.get(CHANGES, query).json()
            seen += [c["number"] for c in body["items"]]
            if body["next_cursor"] is None:
                break
            query["cursor"] = body["next_cursor"]
        assert sorted(seen) == sorted(made) and len(seen) == 5

    @pytest.mark.parametrize(
        "query",
        [{"status": "bogus"}, {"type": "quick"}, {"limit": 0}, {"limit": 201}, {"cursor": -1}],
    )
    def test_invalid_filters_are_400_with_field_errors(self, agent_token, query):
        response = ApiClient(agent_token).get(CHANGES, query)
        assert response.status_code == 400
        assert set(response.json()["errors"]) == set(query)

    def test_the_query_count_does_not_grow_with_the_rows(self, agent_token, l2):
        client = ApiClient(agent_token)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(CHANGES).status_code == 200
            return len(captured)

        ChangeFactory(implementer=l2)
        queries()
        few = queries()
        for status in [Status.DRAFT, Status.SUBMITTED, Status.APPROVED] * 3:
            ChangeFactory(status=status, implementer=l2)
        assert queries() == few
        assert few <= 5


class TestDetail:
    def test_the_plan_risk_window_services_approvals_and_links(
        self, agent_token, change_manager, contact_a
    ):
        web = ServiceFactory(name="Web hosting")
        server = ConfigurationItemFactory(name="web-01", service=web)
        approvers = [cab_user(first_name="Ada", last_name="Cab"), cab_user()]
        policy(ChangeType.NORMAL, approvers=approvers)
        problem = ProblemFactory()
        incident = IncidentFactory(contact=contact_a.contact)
        change = ChangeFactory(
            status=Status.CLOSED,
            title="Patch the web servers",
            configuration_items=[server],
            problems=[problem],
            incidents=[incident],
            impact="high",
            likelihood="low",
            tested=True,
            actor=change_manager,
        )
        response = ApiClient(agent_token).get(detail_url(change.number))
        assert response.status_code == 200
        body = response.json()
        assert body["title"] == "Patch the web servers" and body["status"] == "closed"
        assert body["plan"]["backout"] == change.backout_plan
        assert body["plan"]["implementation"] == change.implementation_plan
        assert body["risk_assessment"] == {
            "level": change.risk,
            "impact": "high",
            "likelihood": "low",
            "tested": True,
            "backout_tested": False,
        }
        assert body["window"]["start"] is not None
        assert body["services"] == [{"id": web.pk, "name": "Web hosting"}]
        assert body["configuration_items"] == [{"id": server.pk, "name": "web-01"}]
        assert [a["decision"] for a in body["approvals"]] == ["approved", "approved"]
        assert "Ada Cab" in {a["approver"] for a in body["approvals"]}
        assert body["problems"] == [problem.number]
        assert body["incidents"] == [incident.number]
        assert body["review"] == "Went to plan." and body["review_outcome"] == "successful"
        assert body["article"] is None
        assert body["closed_at"] is not None

    def test_a_draft_has_no_approvals_nor_outcome(self, agent_token):
        change = ChangeFactory()
        body = ApiClient(agent_token).get(detail_url(change.number)).json()
        assert body["approvals"] == [] and body["review_outcome"] is None

    def test_the_number_is_case_insensitive(self, agent_token):
        change = ChangeFactory()
        response = ApiClient(agent_token).get(detail_url(change.number.lower()))
        assert response.status_code == 200
        assert response.json()["number"] == change.number

    @pytest.mark.parametrize("number", ["CHG-999999", "PRB-000001", "CHG-", "x" * 300])
    def test_unknown_or_malformed_numbers_are_404(self, agent_token, number):
        ChangeFactory()
        assert ApiClient(agent_token).get(detail_url(number)).status_code == 404

    def test_the_detail_costs_the_same_with_more_links(self, agent_token, change_manager):
        change = ChangeFactory(problems=[ProblemFactory()])
        client = ApiClient(agent_token)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(detail_url(change.number)).status_code == 200
            return len(captured)

        queries()
        few = queries()
        services.change_update(
            change=change,
            actor=change_manager,
            problems=[ProblemFactory() for _ in range(4)],
            configuration_items=[ConfigurationItemFactory() for _ in range(4)],
        )
        assert queries() == few


class TestWhoMayRead:
    def test_every_staff_token_reads(self, agent_token, staff_token, reader_token):
        change = ChangeFactory()
        for token in (agent_token, staff_token, reader_token):
            assert ApiClient(token).get(CHANGES).status_code == 200
            assert ApiClient(token).get(detail_url(change.number)).status_code == 200

    @pytest.mark.parametrize("number", ["existing", "CHG-999999", "nonsense"])
    def test_a_contact_s_token_gets_403_whatever_the_number(self, contact_a_token, number):
        change = ChangeFactory()
        client = ApiClient(contact_a_token)
        assert client.get(CHANGES).status_code == 403
        asked = change.number if number == "existing" else number
        response = client.get(detail_url(asked))
        assert response.status_code == 403
        assert change.title not in response.content.decode()

    def test_a_token_of_a_user_without_a_role_is_refused(self, outsider):
        token = issue_api_token(user=outsider, name="Nobody")
        assert ApiClient(token).get(CHANGES).status_code == 401  # not staff: no valid token

    @pytest.mark.parametrize("token", [None, "sdk_" + "x" * 43])
    def test_no_or_a_bad_token_is_401(self, token):
        assert ApiClient(token).get(CHANGES).status_code == 401

    def test_a_wrong_method_is_json_405(self, agent_token):
        change = ChangeFactory()
        client = ApiClient(agent_token)
        assert client.post(CHANGES, {}).status_code == 405
        response = client.post(detail_url(change.number), {})
        assert response.status_code == 405
        assert response["Content-Type"].startswith("application/json")


class TestSchema:
    def test_the_change_operations_are_in_the_openapi_schema(self, client):
        schema = client.get("/api/v1/openapi.json").json()
        assert {"/api/v1/changes", "/api/v1/changes/{number}"} <= set(schema["paths"])
        assert set(schema["paths"]["/api/v1/changes"]) == {"get"}
        components = schema["components"]["schemas"]
        assert components["ChangeStatus"]["enum"] == list(Status.values)
        assert components["ChangeType"]["enum"] == list(ChangeType.values)
        assert set(components["ChangeDetailOut"]["required"]) >= {
            "plan",
            "risk_assessment",
            "services",
            "configuration_items",
            "approvals",
            "problems",
            "incidents",
        }
        # The tickets' and problems' statuses keep their names beside it.
        assert "registered" in components["Status"]["enum"]
        assert "known_error" in components["ProblemStatus"]["enum"]
        assert ChangeRequest.objects.count() == 0  # reading the schema touches no data
