"""The demo data gives the portal something to show: request forms on every service, and
contacts in several languages with tickets waiting for them."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from incidents.models import Incident, Status
from servicedesk.models import Contact, Service, ServiceFormField


@pytest.fixture
def seeded(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())


def test_demo_services_have_request_forms_and_a_second_run_adds_none(seeded):
    fields = ServiceFormField.objects.count()
    assert fields > 0
    assert not Service.objects.filter(form_fields__isnull=True).exists()
    assert ServiceFormField.objects.filter(kind="choice").exclude(choices="").exists()
    portal_ticket = Incident.objects.get(title__startswith="Website on nw-web-02")
    assert {"label": "Server name", "value": "nw-web-02"} in portal_ticket.answers

    call_command("seed_demo", stdout=StringIO())
    assert ServiceFormField.objects.count() == fields


def test_portal_contacts_in_each_language_find_tickets_waiting_for_them(seeded, client):
    portal = Contact.objects.filter(user__isnull=False)
    assert {"en", "de", "fr", "ru"} <= set(portal.values_list("language", flat=True))
    # Something to answer and something to confirm or reject, on a portal login.
    assert Incident.objects.filter(contact__in=portal, status=Status.INFORMATION_NEEDED).exists()
    assert Incident.objects.filter(contact__in=portal, status=Status.COMPLETED).exists()

    for contact in portal.filter(language__in=["fr", "ru"]).select_related("user"):
        waiting = Incident.objects.filter(
            organisation=contact.organisation, status=Status.INFORMATION_NEEDED
        ).first()
        client.force_login(contact.user)

        home = client.get(reverse("portal:home"))
        page = client.get(reverse("portal:ticket", args=[waiting.number]))

        assert home.status_code == 200
        assert waiting.number in home.content.decode()
        assert page.status_code == 200
