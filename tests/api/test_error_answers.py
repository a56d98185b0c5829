"""The error answers the schema declares (tests/api/test_openapi.py) are the ones the API
really gives, each with the ErrorOut body: a wrong method (405), a body over
DATA_UPLOAD_MAX_MEMORY_SIZE (413), a ticket that changed under the request (409), and a
server error (500) in a view or outside one: JSON, never an HTML page."""

import json

import pytest
from django.test import Client

from incidents.models import Comment, Incident, Status
from incidents.services._runner import _TicketWorkflow
from servicedesk import api as platform_api
from tests.api.conftest import ApiClient
from tests.factories import make_incident_in

pytestmark = pytest.mark.django_db


def assert_error_out(response, status: int) -> dict:
    assert response.status_code == status
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"detail", "errors"} and body["detail"]
    return body


@pytest.mark.parametrize(
    ("method", "path", "allowed"),
    [
        ("delete", "/api/v1/tickets", "GET, POST"),
        ("put", "/api/v1/tickets/INC-000001", "GET"),
        ("get", "/api/v1/tickets/INC-000001/comments", "POST"),
        ("get", "/api/v1/alerts", "POST"),
        ("patch", "/api/v1/problems", "GET"),
        ("post", "/api/v1/changes/CHG-000001", "GET"),
    ],
)
def test_a_method_the_path_does_not_take_is_a_json_405(method, path, allowed):
    response = getattr(Client(), method)(path)
    assert_error_out(response, 405)
    assert set(response["Allow"].split(", ")) == set(allowed.split(", "))


@pytest.fixture
def small_bodies(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    return "x" * 2000


def test_a_ticket_too_large_is_a_413(small_bodies, contact_a_token):
    response = ApiClient(contact_a_token).post("/api/v1/tickets", {"title": small_bodies})
    assert_error_out(response, 413)
    assert not Incident.objects.exists()


def test_a_comment_too_large_is_a_413(small_bodies, contact_a, contact_a_token):
    ticket = make_incident_in(Status.IN_PROGRESS, contact=contact_a.contact)
    response = ApiClient(contact_a_token).post(
        f"/api/v1/tickets/{ticket.number}/comments", {"body": small_bodies}
    )
    assert_error_out(response, 413)


def test_an_alert_too_large_is_a_413(small_bodies, alert_token):
    alert = {"source": "p", "key": "k", "severity": "critical", "summary": small_bodies}
    response = ApiClient(alert_token).post("/api/v1/alerts", alert)
    assert_error_out(response, 413)


def test_a_ticket_that_changed_under_a_comment_is_a_409(monkeypatch, contact_a, contact_a_token):
    """The contact's answer moves an Information needed ticket on; an agent moved it
    first, between the request reading the ticket and saving the move."""
    ticket = make_incident_in(Status.INFORMATION_NEEDED, contact=contact_a.contact)
    comments = Comment.objects.filter(incident=ticket).count()
    save_transition = _TicketWorkflow.save_transition

    def agent_first(self, record, **kwargs):
        Incident.objects.filter(pk=record.pk).update(status=Status.IN_PROGRESS)
        return save_transition(self, record, **kwargs)

    monkeypatch.setattr(_TicketWorkflow, "save_transition", agent_first)
    response = ApiClient(contact_a_token).post(
        f"/api/v1/tickets/{ticket.number}/comments", {"body": "It is db01."}
    )
    assert "read it again" in assert_error_out(response, 409)["detail"]
    assert Comment.objects.filter(incident=ticket).count() == comments  # nothing saved


def test_a_failing_view_is_a_json_500(monkeypatch, contact_a, contact_a_token):
    ticket = make_incident_in(Status.REGISTERED, contact=contact_a.contact)

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr("incidents.api.tickets._detail", broken)
    response = ApiClient(contact_a_token).get(f"/api/v1/tickets/{ticket.number}")
    assert assert_error_out(response, 500) == {"detail": "Server error.", "errors": {}}


def test_a_failure_outside_the_api_views_is_a_json_500(monkeypatch):
    def broken(self, request):
        raise RuntimeError("a bug in a middleware")

    monkeypatch.setattr("servicedesk.htmx.HtmxVaryMiddleware.__call__", broken)
    response = Client(raise_request_exception=False).get("/api/v1/tickets")
    assert json.loads(response.content) == {"detail": "Server error.", "errors": {}}
    assert response.status_code == 500
    page = Client(raise_request_exception=False).get("/login/")
    assert page.status_code == 500 and b"<html" in page.content.lower()


def test_the_schema_names_the_error_body_the_handlers_send():
    assert set(platform_api.ErrorOut.model_fields) == {"detail", "errors"}
