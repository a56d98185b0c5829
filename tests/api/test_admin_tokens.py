"""Admins issue API tokens and alert-source tokens in the Django admin: the token is
shown once, in a message, and only its hash is kept."""

import re

import pytest
from django.urls import reverse

from incidents.models import ALERT_TOKEN_KIND, AlertSource, MonitoringAlert
from servicedesk import tokens
from servicedesk.models import ApiToken
from tests.api.conftest import ApiClient
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def shown_token(response, kind: str) -> str:
    """The token in the message of a followed redirect (the page that shows it once)."""
    text = " ".join(str(m) for m in response.context["messages"])
    match = re.search(rf"\b{kind}_[A-Za-z0-9_-]+", text)
    assert match, text
    assert match.group(0) in response.content.decode()
    return match.group(0)


def test_an_admin_issues_a_contact_token_and_sees_it_once(admin_client, contact_a):
    response = admin_client.post(
        reverse("admin:servicedesk_apitoken_add"),
        {"name": "A's ITSM", "contact": contact_a.contact.pk, "is_active": "on"},
        follow=True,
    )
    assert response.redirect_chain
    plaintext = shown_token(response, tokens.API_TOKEN_KIND)
    token = ApiToken.objects.get()
    assert token.token_hash == tokens.hash_token(plaintext)
    assert plaintext.startswith(token.prefix)
    assert ApiClient(plaintext).get("/api/v1/tickets").status_code == 200
    # after that, pages show the prefix, never the token
    page = admin_client.get(reverse("admin:servicedesk_apitoken_change", args=[token.pk]))
    assert token.prefix in page.content.decode()
    assert plaintext not in page.content.decode()
    history = admin_client.get(reverse("admin:servicedesk_apitoken_history", args=[token.pk]))
    assert history.status_code == 200


@pytest.mark.parametrize(
    ("fields", "error"),
    [
        ({}, "either a staff user or a contact"),
        ({"user": "OUTSIDER"}, "no staff role"),
        ({"contact": "NO_LOGIN"}, "portal login"),
    ],
)
def test_a_token_needs_one_staff_user_or_a_contact_with_a_login(
    admin_client, outsider, fields, error
):
    from tests.factories import ContactFactory

    data = {"name": "x", "is_active": "on"}
    if fields.get("user") == "OUTSIDER":
        data["user"] = outsider.pk
    if fields.get("contact") == "NO_LOGIN":
        data["contact"] = ContactFactory().pk
    response = admin_client.post(reverse("admin:servicedesk_apitoken_add"), data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not ApiToken.objects.exists()


def test_an_admin_issues_an_alert_source_token(admin_client, org_a, contact_a):
    response = admin_client.post(
        reverse("admin:incidents_alertsource_add"),
        {
            "name": "Prometheus",
            "organisation": org_a.pk,
            "contact": contact_a.contact.pk,
            "default_severity": "minor",
            "is_active": "on",
        },
        follow=True,
    )
    assert response.redirect_chain
    plaintext = shown_token(response, ALERT_TOKEN_KIND)
    answer = ApiClient(plaintext).post(
        "/api/v1/alerts",
        {"source": "prom", "key": "k", "severity": "minor", "summary": "Slow"},
    )
    assert answer.status_code == 201


def test_the_alert_sources_contact_must_belong_to_its_organisation(admin_client, org_a, contact_b):
    response = admin_client.post(
        reverse("admin:incidents_alertsource_add"),
        {"name": "Wrong", "organisation": org_a.pk, "contact": contact_b.contact.pk},
    )
    assert response.status_code == 200
    assert not AlertSource.objects.exists()


def test_a_new_token_replaces_the_old_one(admin_client, alert_source, alert_token):
    response = admin_client.post(
        reverse("admin:incidents_alertsource_changelist"),
        {"action": "issue_new_token", "_selected_action": [alert_source.pk]},
        follow=True,
    )
    assert response.redirect_chain
    new = shown_token(response, ALERT_TOKEN_KIND)
    body = {"source": "prom", "key": "k", "severity": "minor", "summary": "Slow"}
    assert ApiClient(alert_token).post("/api/v1/alerts", body).status_code == 401
    assert ApiClient(new).post("/api/v1/alerts", body).status_code == 201
    assert alert_source.history.first().history_change_reason == "New token issued"


def test_monitoring_alerts_are_read_only_in_the_admin(admin_client, alert_token):
    ApiClient(alert_token).post(
        "/api/v1/alerts", {"source": "p", "key": "k", "severity": "info", "summary": "s"}
    )
    row = MonitoringAlert.objects.get()
    assert (
        admin_client.get(reverse("admin:incidents_monitoringalert_changelist")).status_code == 200
    )
    change = reverse("admin:incidents_monitoringalert_change", args=[row.pk])
    assert admin_client.get(change).status_code == 200
    assert admin_client.post(change, {"key": "x"}).status_code == 403
