"""The portal banner points to the tickets waiting for the contact's answer (issue 7,
friction): Information needed and Completed (awaiting confirmation), linked to a list
of exactly those."""

import pytest
from django.urls import reverse

from incidents.models import Status
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tickets(contact_a, contact_b):
    contact = contact_a.contact
    return {
        "question": make_incident_in(Status.INFORMATION_NEEDED, contact=contact),
        "completed": make_incident_in(Status.COMPLETED, contact=contact),
        "registered": IncidentFactory(contact=contact),
        "other_org": make_incident_in(Status.INFORMATION_NEEDED, contact=contact_b.contact),
    }


def test_the_banner_counts_both_and_links_to_them(client, contact_a, tickets):
    client.force_login(contact_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert "2 tickets are waiting for your answer." in page
    assert 'href="?state=waiting"' in page


def test_the_waiting_list_shows_exactly_those(client, contact_a, tickets):
    client.force_login(contact_a)
    page = client.get(reverse("portal:home"), {"state": "waiting"}).content.decode()
    assert tickets["question"].number in page
    assert tickets["completed"].number in page
    assert tickets["registered"].number not in page
    assert tickets["other_org"].number not in page


def test_one_question_alone_is_announced_too(client, contact_a):
    make_incident_in(Status.INFORMATION_NEEDED, contact=contact_a.contact)
    client.force_login(contact_a)
    page = client.get(reverse("portal:home")).content.decode()
    assert "One ticket is waiting for your answer." in page


def test_no_banner_when_nothing_waits(client, contact_a):
    IncidentFactory(contact=contact_a.contact)
    client.force_login(contact_a)
    assert "waiting for your answer" not in client.get(reverse("portal:home")).content.decode()


@pytest.mark.parametrize(
    ("waiting", "shown"),
    [
        (2, "2 tickets are waiting for your answer."),
        (3, "More than 2 tickets are waiting for your answer."),
    ],
)
def test_the_count_is_exact_up_to_the_cap(client, contact_a, monkeypatch, waiting, shown):
    """Issue 8: the banner said "More than 100" with exactly 100 waiting (cap set to 2 here)."""
    monkeypatch.setattr("incidents.views.portal.WAITING_CAP", 2)
    for _ in range(waiting):
        make_incident_in(Status.INFORMATION_NEEDED, contact=contact_a.contact)
    client.force_login(contact_a)
    page = client.get(reverse("portal:home")).content.decode()
    banner = page.split('<p class="callout" role="status">', 1)[1].split("<a", 1)[0]
    assert banner.strip() == shown
