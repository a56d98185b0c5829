"""The demo data gives the portal something to show: request forms on every service."""

from io import StringIO

import pytest
from django.core.management import call_command

from incidents.models import Incident
from servicedesk.models import Service, ServiceFormField


@pytest.mark.django_db
def test_demo_services_have_request_forms_and_a_second_run_adds_none(
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    fields = ServiceFormField.objects.count()
    assert fields > 0
    assert not Service.objects.filter(form_fields__isnull=True).exists()
    assert ServiceFormField.objects.filter(kind="choice").exclude(choices="").exists()
    portal_ticket = Incident.objects.get(title__startswith="Website on nw-web-02")
    assert {"label": "Server name", "value": "nw-web-02"} in portal_ticket.answers

    call_command("seed_demo", stdout=StringIO())
    assert ServiceFormField.objects.count() == fields
