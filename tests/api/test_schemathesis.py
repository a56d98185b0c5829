"""The API against its own OpenAPI schema: schemathesis generates requests for every
operation from /api/v1/openapi.json and sends them through Django's WSGI application.
No answer may be a server error, and every answer must match the schema.

Each generated request is sent with a contact's token and with an agent's token; a
request for one ticket is also sent for a real ticket that token may see, so the happy
paths are fuzzed too, not only the 404s. Alerts (the generic endpoint and the
Alertmanager, Grafana and Zabbix receivers) go with the alert source's token."""

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from incidents import services
from incidents.models import Status
from tests.api.conftest import issue_api_token
from tests.factories import ConfigurationItemFactory, make_incident_in

pytestmark = pytest.mark.django_db

CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


# Loaded when the module is collected, through the live endpoint (which needs no
# database). (schemathesis.pytest.from_fixture does not work with pytest 9.2 yet.)
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())


@pytest.fixture(autouse=True)
def keep_the_tests_connection():
    """Django's WSGI handler closes the database connection around each request (as
    its test client does not): here that would close the test's transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def callers(contact_a, l1, l1_group, alert_source, desk_manager):
    """Who sends each request, and a ticket each of them may see."""
    ticket = make_incident_in(Status.IN_PROGRESS, contact=contact_a.contact, group=l1_group)
    ConfigurationItemFactory(organisation=contact_a.contact.organisation)
    # The ticket is part of a major incident whose outage has ended, so the major fields
    # (flag, parent, outage window) are filled in the answers the schema is checked against.
    major = services.incident_declare_major(
        incident=make_incident_in(Status.IN_PROGRESS, contact=contact_a.contact),
        manager=desk_manager,
        reason="Down",
        actor=desk_manager,
    )
    services.incident_link_child(parent=major, child=ticket, actor=l1)
    services.incident_end_outage(incident=major, actor=desk_manager)
    return {
        "contact": (issue_api_token(contact=contact_a.contact), ticket.number),
        "agent": (issue_api_token(user=l1), ticket.number),
        "alerts": alert_source.plaintext,
    }


@schema.parametrize()
@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_the_api_answers_every_generated_request_within_its_schema(case, callers):
    if case.path.startswith("/api/v1/alerts"):
        case.call_and_validate(
            headers={"Authorization": f"Bearer {callers['alerts']}"}, checks=CHECKS
        )
        return
    for token, number in (callers["contact"], callers["agent"]):
        headers = {"Authorization": f"Bearer {token}"}
        case.call_and_validate(headers=headers, checks=CHECKS)
        if case.path_parameters and "number" in case.path_parameters:
            case.path_parameters["number"] = number
            case.call_and_validate(headers=headers, checks=CHECKS)
