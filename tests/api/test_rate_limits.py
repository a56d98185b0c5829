"""API rate limits: requests per API token and alerts per alert source, configurable in
settings; beyond them 429 with Retry-After, counted per token, not per client."""

import pytest

from tests.api.conftest import ApiClient, issue_api_token
from tests.api.test_alerts import alert

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def rates(settings):
    settings.API_RATE_PER_TOKEN = "5/min"
    settings.ALERTS_RATE_PER_SOURCE = "3/min"


def test_a_token_beyond_its_rate_gets_429_with_retry_after(agent_token):
    client = ApiClient(agent_token)
    answers = [client.get("/api/v1/tickets") for _ in range(5)]
    assert {answer.status_code for answer in answers} == {200}
    refused = client.get("/api/v1/tickets")
    assert refused.status_code == 429
    assert refused["Content-Type"].startswith("application/json")
    assert "Too many requests" in refused.json()["detail"]
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Every operation counts against the same token.
    assert client.get("/api/v1/tickets/INC-999999").status_code == 429


def test_each_token_has_its_own_allowance(agent_token, reader_token):
    agent = ApiClient(agent_token)
    for _ in range(6):
        agent.get("/api/v1/tickets")
    assert agent.get("/api/v1/tickets").status_code == 429
    assert ApiClient(reader_token).get("/api/v1/tickets").status_code == 200


def test_a_bad_token_is_refused_with_401_and_uses_no_allowance(agent_token):
    for _ in range(10):
        assert ApiClient("sdk_not-a-real-token").get("/api/v1/tickets").status_code == 401
    assert ApiClient(agent_token).get("/api/v1/tickets").status_code == 200


def test_the_rate_is_read_from_settings(settings, agent_token):
    settings.API_RATE_PER_TOKEN = "2/min"
    client = ApiClient(agent_token)
    assert [client.get("/api/v1/tickets").status_code for _ in range(3)] == [200, 200, 429]


def test_an_alert_source_beyond_its_rate_gets_429(alert_token, monitored_service):
    client = ApiClient(alert_token)
    codes = [client.post("/api/v1/alerts", alert(key=f"disk-{n}")).status_code for n in range(3)]
    assert codes == [201, 201, 201]
    refused = client.post("/api/v1/alerts", alert(key="disk-4"))
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_the_openapi_schema_documents_the_429(client):
    schema = client.get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            assert "429" in operation["responses"], (method, path)


def test_alerts_and_tokens_are_counted_apart(alert_token, contact_a, monitored_service):
    token = issue_api_token(contact=contact_a.contact)
    for n in range(3):
        ApiClient(alert_token).post("/api/v1/alerts", alert(key=f"k{n}"))
    assert ApiClient(token).get("/api/v1/tickets").status_code == 200
