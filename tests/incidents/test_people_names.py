"""Friction: people are shown by their full name everywhere, never by their login."""

import pytest
from django.urls import reverse

from incidents.services import incident_assign
from tests.factories import IncidentFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned(l1, l1_group, desk_manager):
    incident = IncidentFactory()
    incident_assign(incident=incident, group=l1_group, assignee=l1, actor=desk_manager)
    return incident


def test_the_timeline_names_the_assignee_in_the_change_by_full_name(client, l1, assigned):
    client.force_login(l1)
    page = client.get(reverse("incidents:detail", args=[assigned.number])).content.decode()
    assert f"<ins>{l1.get_full_name()}</ins>" in page
    assert "<ins>l1</ins>" not in page


def test_the_queues_name_the_assignee_by_full_name(client, l1, assigned):
    client.force_login(l1)
    page = client.get(reverse("incidents:overview")).content.decode()
    assert f"<td>{l1.get_full_name()}</td>" in page
    assert "<td>l1</td>" not in page


def test_the_admin_lists_name_the_assignee_by_full_name(client, l1, assigned):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)
    page = client.get(reverse("admin:incidents_incident_changelist")).content.decode()
    assert l1.get_full_name() in page
    assert ">l1<" not in page
