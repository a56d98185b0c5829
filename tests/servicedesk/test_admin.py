"""Admins configure the reference data in the Django admin and see each object's
history there; tickets are shown, never edited, in the admin."""

import pytest
from django.urls import reverse

from servicedesk.models import PriorityMatrixEntry
from tests.factories import (
    ConfigurationItemFactory,
    ContactFactory,
    IncidentFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def test_every_reference_model_has_a_changelist_and_a_history_page(admin_client):
    objects = {
        "contact": ContactFactory(),
        "configurationitem": ConfigurationItemFactory(),
        "supportgroup": SupportGroupFactory(),
        "prioritymatrixentry": PriorityMatrixEntry.objects.first(),
    }
    objects["organisation"] = objects["contact"].organisation
    objects["service"] = objects["configurationitem"].service
    for model, obj in objects.items():
        assert admin_client.get(reverse(f"admin:servicedesk_{model}_changelist")).status_code == 200
        history = admin_client.get(reverse(f"admin:servicedesk_{model}_history", args=[obj.pk]))
        assert history.status_code == 200, model


def test_editing_the_priority_matrix_is_recorded_with_the_admin(admin_client):
    cell = PriorityMatrixEntry.objects.get(urgency=3, impact=3)
    url = reverse("admin:servicedesk_prioritymatrixentry_change", args=[cell.pk])
    response = admin_client.post(url, {"urgency": 3, "impact": 3, "priority": 1})
    assert response.status_code == 302
    cell.refresh_from_db()
    assert cell.priority == 1
    latest = cell.history.first()
    assert latest.history_user.username == "root"
    assert (latest.priority, latest.history_type) == (1, "~")


def test_tickets_are_read_only_in_the_admin(admin_client):
    incident = IncidentFactory()
    change = reverse("admin:incidents_incident_change", args=[incident.pk])
    assert admin_client.get(change).status_code == 200  # view only
    assert admin_client.get(reverse("admin:incidents_incident_add")).status_code == 403
    assert admin_client.post(change, {"title": "hacked"}).status_code == 403
    history = reverse("admin:incidents_incident_history", args=[incident.pk])
    assert admin_client.get(history).status_code == 200
