"""Queue rows come from the cache (servicedesk.fragments) but are never stale: a row's
key is everything it shows."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from incidents.queue_rows import ROW_SHOWN, SlaCell
from incidents.views import portal
from servicedesk.models import Organisation
from tests.factories import ContactFactory, IncidentFactory

pytestmark = pytest.mark.django_db

ROW_TEMPLATE = Path(settings.BASE_DIR) / "templates" / "incidents" / "_queue_row.html"


def test_the_portal_row_template_prints_only_what_makes_the_key():
    source = (ROW_TEMPLATE.parent / "portal" / "_ticket_row.html").read_text()
    assert set(re.findall(r"\bt\.(\w+)", source)) <= set(portal.ROW_SHOWN)


def test_the_row_template_prints_only_what_makes_the_key():
    source = ROW_TEMPLATE.read_text()
    row_names = set(re.findall(r"\bt\.(\w+)", source))
    cell_names = set(re.findall(r"\bc\.(\w+)", source))
    assert row_names - {"sla_cell"} <= set(ROW_SHOWN)
    assert cell_names <= set(SlaCell.__dataclass_fields__)
    page_switches = set(re.findall(r"{% if (\w+) %}", source)) - {"c"}
    assert page_switches <= {"bulk", "service_column"}


def test_a_row_shows_its_change_at_once(client, l1, l1_group):
    contact = ContactFactory()
    ticket = IncidentFactory(contact=contact, title="Mail down")
    client.force_login(l1)
    first = client.get(reverse("incidents:triage")).content.decode()
    assert "Mail down" in first
    assert contact.organisation.name in first

    Organisation.objects.filter(pk=contact.organisation_id).update(name="Renamed Ltd")
    type(ticket).objects.filter(pk=ticket.pk).update(title="Mail back?")
    again = client.get(reverse("incidents:triage")).content.decode()
    assert "Renamed Ltd" in again
    assert "Mail back?" in again
    assert "Mail down" not in again


def test_rows_drawn_once_come_from_the_cache_on_the_next_request(client, l1, l1_group, monkeypatch):
    from servicedesk import fragments

    IncidentFactory.create_batch(3)
    client.force_login(l1)
    client.get(reverse("incidents:triage"))
    drawn = []
    real = fragments.get_template

    class Counting:
        def __init__(self, name):
            self.template = real(name)

        def render(self, context, request=None):
            drawn.append(context["t"].number)
            return self.template.render(context, request)

    monkeypatch.setattr(fragments, "get_template", Counting)
    page = client.get(reverse("incidents:triage")).content.decode()
    assert page.count('<tr data-href="') == 3
    assert drawn == []
    client.get(reverse("incidents:triage") + "?sort=due")
    assert drawn == [], "the same rows in another order are the same fragments"
