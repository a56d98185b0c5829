"""Admins edit the urgency × impact priority matrix as one 5 × 5 grid."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents import services
from servicedesk.models import PriorityMatrixEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

GRID = "admin:servicedesk_prioritymatrixentry_grid"


@pytest.fixture
def admin_client(client):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    return client


def grid_data(**changes: str) -> dict[str, str]:
    """The grid as it stands, with `cell_U_I="P"` changes."""
    data = {
        f"cell_{entry.urgency}_{entry.impact}": str(entry.priority)
        for entry in PriorityMatrixEntry.objects.all()
    }
    return data | changes


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S)
    assert select is not None, f"no select named {name}"
    option = re.search(r'<option value="(\d+)" selected>', select.group(0))
    assert option is not None, f"nothing selected in {name}"
    return option.group(1)


def test_the_changelist_links_to_the_grid(admin_client):
    changelist = admin_client.get(reverse("admin:servicedesk_prioritymatrixentry_changelist"))
    assert reverse(GRID) in changelist.text


def test_the_grid_shows_25_cells_with_the_current_priorities(
    admin_client, django_assert_max_num_queries
):
    PriorityMatrixEntry.objects.filter(urgency=2, impact=4).update(priority=1)
    with django_assert_max_num_queries(5):
        response = admin_client.get(reverse(GRID))
    assert response.status_code == 200
    assert response.text.count("<select ") == 25
    assert selected(response.text, "cell_2_4") == "1"
    assert selected(response.text, "cell_5_5") == "5"
    assert "Very high" in response.text and "Significant (all users or systems)" in response.text


def test_saving_the_grid_changes_the_priority_tickets_get_and_records_who(admin_client):
    assert services.priority_for(urgency=3, impact=3) == 3
    response = admin_client.post(reverse(GRID), grid_data(cell_3_3="1"))
    assert response.status_code == 302
    assert services.priority_for(urgency=3, impact=3) == 1
    latest = PriorityMatrixEntry.objects.get(urgency=3, impact=3).history.first()
    assert latest.history_user.username == "root"
    assert (latest.priority, latest.history_type) == (1, "~")
    assert latest.history_change_reason
    # Unchanged cells get no history row (the migration seeded them without one).
    assert PriorityMatrixEntry.objects.get(urgency=1, impact=1).history.count() == 0


def test_saving_the_grid_takes_a_fixed_number_of_queries(admin_client):
    one = grid_data(cell_3_3="1")
    with CaptureQueriesContext(connection) as one_cell:
        admin_client.post(reverse(GRID), one)
    every = grid_data(**{f"cell_{u}_{i}": "5" for u in range(1, 6) for i in range(1, 6)})
    with CaptureQueriesContext(connection) as all_cells:
        admin_client.post(reverse(GRID), every)
    assert set(PriorityMatrixEntry.objects.values_list("priority", flat=True)) == {5}
    assert len(all_cells) == len(one_cell) <= 10


def test_a_missing_cell_is_created(admin_client):
    PriorityMatrixEntry.objects.filter(urgency=4, impact=2).delete()
    response = admin_client.post(reverse(GRID), grid_data(cell_4_2="2"))
    assert response.status_code == 302
    assert PriorityMatrixEntry.objects.get(urgency=4, impact=2).priority == 2


def test_a_bad_value_is_shown_at_its_cell_and_nothing_is_saved(admin_client):
    response = admin_client.post(reverse(GRID), grid_data(cell_1_2="9", cell_3_3="1"))
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    cell = re.search(r'<td[^>]*id="cell_1_2".*?</td>', response.text, re.S).group(0)
    assert "errorlist" in cell
    assert " selected>" not in cell  # the refused cell shows the blank, not a guess
    assert selected(response.text, "cell_3_3") == "1"  # typed value kept
    assert services.priority_for(urgency=3, impact=3) == 3


def test_a_missing_cell_in_the_post_is_an_error(admin_client):
    data = grid_data(cell_3_3="1")
    del data["cell_5_1"]
    response = admin_client.post(reverse(GRID), data)
    assert response.status_code == 200
    assert "This field is required" in response.text
    assert services.priority_for(urgency=3, impact=3) == 3


def test_staff_without_change_permission_get_403(client):
    viewer = UserFactory(is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_prioritymatrixentry"))
    client.force_login(viewer)
    assert client.get(reverse(GRID)).status_code == 403
    assert client.post(reverse(GRID), grid_data(cell_3_3="1")).status_code == 403
    assert services.priority_for(urgency=3, impact=3) == 3
    changelist = client.get(reverse("admin:servicedesk_prioritymatrixentry_changelist"))
    assert reverse(GRID) not in changelist.text


def test_non_staff_get_403_and_strangers_the_login(client):
    assert client.get(reverse(GRID)).status_code == 302
    client.force_login(UserFactory())
    assert client.get(reverse(GRID)).status_code == 403
    assert client.post(reverse(GRID), grid_data(cell_3_3="1")).status_code == 403


def test_the_post_needs_the_csrf_token(admin_client):
    admin_client.handler.enforce_csrf_checks = True
    response = admin_client.post(reverse(GRID), grid_data(cell_3_3="1"))
    assert response.status_code == 403
    assert services.priority_for(urgency=3, impact=3) == 3
