"""Defect 13: every 403, 404 and 500 is a styled page with navigation; a 403 is styled in
DEBUG too and writes one log line, not a traceback."""

import logging

import pytest
from django.template import loader
from django.test import override_settings
from django.urls import reverse

from servicedesk.urls import handler403, handler404, handler500
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db


def test_the_project_names_its_own_error_handlers():
    assert handler403 == "servicedesk.errors.permission_denied"
    assert handler404 == "servicedesk.errors.page_not_found"
    assert handler500 == "servicedesk.errors.server_error"


@pytest.mark.parametrize("debug", [False, True])
def test_403_is_a_styled_page_with_navigation_even_in_debug(client, problem_manager, debug):
    incident = IncidentFactory()
    client.force_login(problem_manager)
    with override_settings(DEBUG=debug):
        response = client.get(reverse("incidents:action", args=[incident.number, "assign"]))
    assert response.status_code == 403
    assert [t.name for t in response.templates][:2] == ["403.html", "base.html"]
    body = response.content.decode()
    assert 'class="topbar"' in body and "<nav" in body and "You may not" in body


def test_404_is_a_styled_page_with_navigation(client, l1):
    client.force_login(l1)
    response = client.get(reverse("incidents:detail", args=["INC-999999"]))
    assert response.status_code == 404
    assert [t.name for t in response.templates][:2] == ["404.html", "base.html"]
    assert "<nav" in response.content.decode()


def test_500_renders_without_a_request_or_the_database(django_db_blocker):
    with django_db_blocker.block():
        html = loader.get_template("500.html").render()
    assert 'class="topbar"' in html and 'href="/"' in html


def test_500_handler_answers_with_the_styled_page(rf):
    from servicedesk import errors

    response = errors.server_error(rf.get("/"))
    assert response.status_code == 500
    assert 'class="topbar"' in response.content.decode()


def test_a_403_writes_one_log_line_without_a_traceback(client, problem_manager, caplog):
    incident = IncidentFactory()
    client.force_login(problem_manager)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get(reverse("incidents:action", args=[incident.number, "assign"]))
    records = [r for r in caplog.records if r.name == "django.request"]
    assert len(records) == 1
    assert records[0].exc_info is None
    assert "\n" not in records[0].getMessage()


def test_opening_a_post_only_address_shows_a_styled_405(client, l1):
    client.force_login(l1)
    response = client.get(reverse("inbox:mark_all_read"))
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    assert 'data-status="405"' in response.content.decode()


def test_the_apis_json_405_is_left_alone(client):
    response = client.delete("/api/v1/alerts")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/json")
