"""The urgency × impact priority matrix: shipped by migration, editable by admins."""

import pytest
from django.urls import reverse

from incidents import services
from servicedesk.models import Impact, Priority, PriorityMatrixEntry, Urgency
from tests.factories import IncidentFactory

pytestmark = pytest.mark.django_db

#: The matrix migration servicedesk 0002 ships. Rows: urgency very high → none;
#: columns: impact significant → none; cells: priority, 1 = P1 critical.
DEFAULT_MATRIX = [
    [1, 1, 2, 2, 3],
    [1, 2, 2, 3, 3],
    [2, 2, 3, 3, 4],
    [2, 3, 3, 4, 4],
    [3, 3, 4, 4, 5],
]
CELLS = [
    pytest.param(
        urgency,
        impact,
        DEFAULT_MATRIX[urgency - 1][impact - 1],
        id=f"urgency_{urgency.name.lower()}_impact_{impact.name.lower()}_is_p"
        f"{DEFAULT_MATRIX[urgency - 1][impact - 1]}",
    )
    for urgency in Urgency
    for impact in Impact
]


def test_the_migration_ships_all_25_cells():
    assert PriorityMatrixEntry.objects.count() == 25
    cells = set(PriorityMatrixEntry.objects.values_list("urgency", "impact"))
    assert cells == {(u, i) for u in Urgency for i in Impact}


@pytest.mark.parametrize(("urgency", "impact", "priority"), CELLS)
def test_the_default_matrix_cell(urgency, impact, priority):
    entry = PriorityMatrixEntry.objects.get(urgency=urgency, impact=impact)
    assert entry.priority == priority
    assert priority == (urgency + impact) // 2


@pytest.mark.parametrize(("urgency", "impact", "priority"), CELLS)
def test_a_ticket_registered_with_these_values_gets_the_cells_priority(urgency, impact, priority):
    incident = IncidentFactory(urgency=urgency, impact=impact)
    assert incident.priority == priority


def test_the_most_urgent_and_widest_is_critical_and_the_least_is_planning():
    assert PriorityMatrixEntry.objects.priority_for(Urgency.VERY_HIGH, Impact.SIGNIFICANT) == (
        Priority.CRITICAL
    )
    assert PriorityMatrixEntry.objects.priority_for(Urgency.NONE, Impact.NONE) == (
        Priority.PLANNING
    )


def test_an_edited_cell_changes_the_priority_of_newly_classified_tickets(l1):
    already = IncidentFactory(urgency=Urgency.MEDIUM, impact=Impact.LOW)
    assert already.priority == Priority.MEDIUM
    entry = PriorityMatrixEntry.objects.get(urgency=Urgency.MEDIUM, impact=Impact.MEDIUM)
    entry.priority = Priority.CRITICAL
    entry.save()

    services.incident_classify(incident=already, actor=l1, impact=Impact.MEDIUM)
    already.refresh_from_db()
    assert already.priority == Priority.CRITICAL
    assert IncidentFactory(urgency=Urgency.MEDIUM, impact=Impact.MEDIUM).priority == (
        Priority.CRITICAL
    )


def test_an_edited_cell_leaves_tickets_nobody_reclassified_alone(l1):
    incident = IncidentFactory(urgency=Urgency.MEDIUM, impact=Impact.MEDIUM)
    PriorityMatrixEntry.objects.filter(urgency=Urgency.MEDIUM, impact=Impact.MEDIUM).update(
        priority=Priority.CRITICAL
    )
    incident.refresh_from_db()
    assert incident.priority == Priority.MEDIUM


def test_an_admin_edits_a_cell_in_the_admin(admin_client, l1):
    entry = PriorityMatrixEntry.objects.get(urgency=Urgency.LOW, impact=Impact.LOW)
    url = reverse("admin:servicedesk_prioritymatrixentry_change", args=[entry.pk])
    response = admin_client.post(
        url, {"urgency": Urgency.LOW, "impact": Impact.LOW, "priority": Priority.HIGH}
    )
    assert response.status_code == 302, response.content[:2000]
    entry.refresh_from_db()
    assert entry.priority == Priority.HIGH
    assert entry.history.first().history_user.is_superuser

    incident = IncidentFactory(urgency=Urgency.MEDIUM, impact=Impact.LOW)
    services.incident_classify(incident=incident, actor=l1, urgency=Urgency.LOW)
    incident.refresh_from_db()
    assert incident.priority == Priority.HIGH


def test_a_missing_cell_falls_back_to_the_default_rule():
    PriorityMatrixEntry.objects.filter(urgency=Urgency.HIGH, impact=Impact.HIGH).delete()
    assert PriorityMatrixEntry.objects.priority_for(Urgency.HIGH, Impact.HIGH) == 2
