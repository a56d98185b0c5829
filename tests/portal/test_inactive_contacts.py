"""A deactivated contact reads nothing more, whether its session was already open or it
logs in afresh; contacts of an inactive organisation may read but raise nothing, in the
portal and through the API (issue 7, defect 15)."""

import pytest
from django.urls import reverse

from incidents.models import AlertSource, Incident
from tests.api.conftest import ApiClient, issue_api_token
from tests.factories import PASSWORD, IncidentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ticket_a(contact_a):
    return IncidentFactory(contact=contact_a.contact, title="Secret ticket of A")


def deactivate(user):
    user.contact.is_active = False
    user.contact.save()


class TestDeactivatedContact:
    def test_an_open_session_sees_no_tickets_any_more(self, client, contact_a, ticket_a):
        client.force_login(contact_a)
        assert client.get(reverse("portal:home")).status_code == 200
        deactivate(contact_a)
        for url in [reverse("portal:home"), reverse("portal:ticket", args=[ticket_a.number])]:
            response = client.get(url)
            assert response.status_code in (302, 403, 404)
            assert b"Secret ticket of A" not in response.content

    def test_a_fresh_login_is_refused(self, client, contact_a):
        deactivate(contact_a)
        assert not client.login(username="contact_a", password=PASSWORD)
        response = client.post(reverse("login"), {"username": "contact_a", "password": PASSWORD})
        assert response.status_code == 200  # the form again, with an error
        assert "_auth_user_id" not in client.session

    def test_an_active_contacts_login_still_works(self, client, contact_a):
        assert client.login(username="contact_a", password=PASSWORD)


class TestInactiveOrganisation:
    @pytest.fixture
    def closed_down(self, org_a, contact_a, ticket_a):
        org_a.is_active = False
        org_a.save()
        return org_a

    def test_the_portal_still_shows_the_tickets(self, client, contact_a, closed_down, ticket_a):
        client.force_login(contact_a)
        response = client.get(reverse("portal:ticket", args=[ticket_a.number]))
        assert response.status_code == 200

    def test_the_portal_raises_nothing(self, client, contact_a, closed_down, service):
        client.force_login(contact_a)
        url = reverse("portal:raise", args=[service.pk])
        assert client.get(url).status_code == 403
        response = client.post(url, {"kind": "incident", "title": "x", "description": "y"})
        assert response.status_code == 403
        assert Incident.objects.count() == 1

    def test_the_portal_takes_no_comment(self, client, contact_a, closed_down, ticket_a):
        client.force_login(contact_a)
        url = reverse("portal:comment", args=[ticket_a.number])
        assert client.post(url, {"body": "hello"}).status_code == 403
        assert not ticket_a.comments.exists()

    def test_the_api_raises_nothing(self, contact_a, closed_down):
        client = ApiClient(issue_api_token(contact=contact_a.contact))
        assert client.get("/api/v1/tickets").status_code == 200
        assert client.post("/api/v1/tickets", {"title": "x"}).status_code == 403
        assert Incident.objects.count() == 1

    def test_an_agent_cannot_raise_for_them_either(self, l1, l1_group, contact_a, closed_down):
        client = ApiClient(issue_api_token(user=l1))
        response = client.post("/api/v1/tickets", {"title": "x", "contact": contact_a.contact.pk})
        assert response.status_code in (400, 403)
        assert Incident.objects.count() == 1

    def test_an_alert_source_of_an_inactive_organisation_opens_nothing(
        self, contact_a, closed_down, org_a
    ):
        source = AlertSource(name="Zabbix", organisation=org_a, contact=contact_a.contact)
        token = source.issue_secret()
        source.save()
        response = ApiClient(token).post(
            "/api/v1/alerts",
            {"source": "zbx", "key": "db1", "severity": "major", "summary": "DB down"},
        )
        assert response.status_code == 403
        assert Incident.objects.count() == 1
