"""The change's page: who may open it, and what it shows."""

import pytest
from django.urls import reverse

from changes.models import BlackoutPeriod, Status
from tests.changes.factories import ChangeFactory
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db

STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]


@pytest.mark.parametrize("role", STAFF)
def test_every_staff_member_reads_a_change(client, actors, role):
    change = ChangeFactory()
    client.force_login(actors[role])
    response = client.get(reverse("changes:detail", args=[change.number]))
    assert response.status_code == 200
    assert change.title in response.text


@pytest.mark.parametrize("role", ["contact_a", "outsider"])
def test_contacts_and_users_without_a_role_are_refused(client, actors, role):
    change = ChangeFactory()
    client.force_login(actors[role])
    assert client.get(reverse("changes:detail", args=[change.number])).status_code == 403


def test_anonymous_users_are_sent_to_log_in(client):
    change = ChangeFactory()
    response = client.get(reverse("changes:detail", args=[change.number]))
    assert response.status_code == 302
    assert "login" in response["Location"]


def test_an_unknown_number_is_404_and_lower_case_works(client, l1):
    change = ChangeFactory()
    client.force_login(l1)
    assert client.get("/changes/CHG-999999/").status_code == 404
    assert client.get(f"/changes/{change.number.lower()}/").status_code == 200


def test_the_page_shows_conflicts_before_approval(client, change_manager):
    web = ServiceFactory.create(name="Web hosting")
    change = ChangeFactory(status=Status.SUBMITTED, services=[web])
    other = ChangeFactory(
        status=Status.SUBMITTED,
        services=[web],
        planned_start=change.planned_start,
        planned_end=change.planned_end,
    )
    BlackoutPeriod.objects.create(
        name="Black Friday", starts_at=change.planned_start, ends_at=change.planned_end
    )
    client.force_login(change_manager)
    page = client.get(reverse("changes:detail", args=[change.number])).text
    assert other.number in page
    assert "Black Friday" in page
