"""The alert source's contact is chosen in the admin with an autocomplete limited to the
source's organisation (issue 7, friction); the server refuses another organisation's
contact whatever is posted."""

import pytest
from django.urls import reverse

from incidents.models import AlertSource
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def autocomplete(client, **params):
    query = {"term": "", **params}
    response = client.get(reverse("admin:incidents_alertsource_contact_autocomplete"), query)
    assert response.status_code == 200
    return {row["text"] for row in response.json()["results"]}


@pytest.fixture
def people(org_a, org_b):
    return {
        "anna": ContactFactory(organisation=org_a, name="Anna A"),
        "gone": ContactFactory(organisation=org_a, name="Gone A", is_active=False),
        "bert": ContactFactory(organisation=org_b, name="Bert B"),
    }


def test_the_contact_field_is_an_autocomplete_that_follows_the_organisation(admin_client):
    page = admin_client.get(reverse("admin:incidents_alertsource_add")).content.decode()
    assert 'name="contact"' in page
    assert "admin-autocomplete" in page
    assert "alert_source_admin.js" in page
    assert reverse("admin:incidents_alertsource_contact_autocomplete") in page


def test_the_autocomplete_is_for_admins_only(client, l1):
    client.force_login(l1)
    url = reverse("admin:incidents_alertsource_contact_autocomplete")
    assert client.get(url, {"organisation": 1}).status_code in (302, 403)


def test_the_autocomplete_offers_only_the_organisations_active_contacts(
    admin_client, people, org_a
):
    names = autocomplete(admin_client, organisation=org_a.pk)
    assert any("Anna A" in n for n in names)
    assert not any("Bert B" in n or "Gone A" in n for n in names)


def test_without_an_organisation_it_offers_nobody(admin_client, people):
    assert autocomplete(admin_client) == set()


def test_another_organisations_contact_is_refused_on_save(admin_client, people, org_a):
    response = admin_client.post(
        reverse("admin:incidents_alertsource_add"),
        {
            "name": "Zabbix",
            "organisation": org_a.pk,
            "contact": people["bert"].pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "The contact must belong to the organisation." in response.content.decode()
    assert not AlertSource.objects.exists()
