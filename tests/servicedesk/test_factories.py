"""The factories and actors the other tests stand on."""

import re

import pytest

from incidents.models import Incident, Status
from servicedesk.models import Line, Specialisation
from tests.factories import IncidentFactory, make_incident_in

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("status", Status.values)
def test_make_incident_in_reaches_every_status_through_the_services(status):
    incident = make_incident_in(status)
    assert Incident.objects.get(pk=incident.pk).status == status
    assert incident.status == status


@pytest.mark.parametrize("status", Status.values)
def test_make_incident_in_lets_a_named_member_of_a_given_group_do_the_work(
    status, l2, l2_group, contact_a
):
    contact = contact_a.contact
    incident = make_incident_in(status, group=l2_group, assignee=l2, contact=contact)
    incident.refresh_from_db()
    assert incident.status == status
    assert incident.contact == contact
    if status != Status.REGISTERED:
        assert incident.support_group == l2_group
        assert incident.assignee == l2


def test_the_incident_factory_registers_a_ticket_with_a_number():
    incident = IncidentFactory()
    assert re.fullmatch(r"INC-\d{6}", incident.number)
    assert incident.status == Status.REGISTERED


def test_the_support_groups_cover_the_three_lines(l1, l2, l3, l1_group, l2_group, l3_group):
    assert [g.line for g in (l1_group, l2_group, l3_group)] == [Line.L1, Line.L2, Line.L3]
    assert l3_group.specialisation == Specialisation.NETWORK
    assert list(l1_group.members.all()) == [l1]
    assert list(l2_group.members.all()) == [l2]
    assert list(l3_group.members.all()) == [l3]


def test_users_log_in_with_demo_and_tests_hash_it_cheaply(l1):
    assert l1.check_password("demo")
    assert l1.password.startswith("md5$")


def test_a_contact_factory_with_login_links_a_portal_user(contact_a, org_a):
    assert contact_a.contact.organisation == org_a
    assert contact_a.contact.is_authorised
