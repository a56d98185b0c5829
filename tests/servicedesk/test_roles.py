"""servicedesk.roles: one place answers "what kind of user is this"."""

import pytest
from django.contrib.auth.models import AnonymousUser, Group

from servicedesk import roles
from tests.factories import ContactFactory, UserFactory

pytestmark = pytest.mark.django_db

AGENTS = {"l1", "l2", "l3", "desk_manager"}
STAFF = AGENTS | {"problem_manager", "change_manager", "cab_member", "kb_manager"}
CONTACTS = {"contact_a", "contact_b"}
EVERYONE = sorted(STAFF | CONTACTS | {"outsider"})


def test_the_role_groups_are_created_by_the_migration():
    assert set(Group.objects.values_list("name", flat=True)) >= set(roles.ALL_ROLES)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_l1_l2_l3_and_the_desk_manager_are_agents(actors, name):
    assert roles.is_agent(actors[name]) is (name in AGENTS)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_the_desk_manager_is_a_desk_manager(actors, name):
    assert roles.is_desk_manager(actors[name]) is (name == "desk_manager")


@pytest.mark.parametrize("name", EVERYONE)
def test_every_staff_role_but_no_customer_or_outsider_is_staff(actors, name):
    assert roles.is_staff_member(actors[name]) is (name in STAFF)


@pytest.mark.parametrize("name", EVERYONE)
def test_only_customer_logins_have_a_contact(actors, name):
    assert (roles.contact_of(actors[name]) is not None) is (name in CONTACTS)


def test_a_contact_login_belongs_to_its_own_organisation(contact_a, contact_b, org_a, org_b):
    assert roles.contact_of(contact_a).organisation == org_a
    assert roles.contact_of(contact_b).organisation == org_b


def test_a_superuser_counts_as_agent_desk_manager_and_staff():
    admin = UserFactory(is_superuser=True, is_staff=True)
    assert roles.is_agent(admin)
    assert roles.is_desk_manager(admin)
    assert roles.is_staff_member(admin)


def test_an_anonymous_user_has_no_role_and_no_contact():
    anonymous = AnonymousUser()
    assert roles.role_names(anonymous) == frozenset()
    assert not roles.is_agent(anonymous)
    assert not roles.is_staff_member(anonymous)
    assert roles.contact_of(anonymous) is None


def test_a_contact_record_without_a_login_is_no_ones_contact(outsider):
    ContactFactory()  # no portal user
    assert roles.contact_of(outsider) is None


def test_roles_are_read_once_per_user_object(django_assert_num_queries, l1):
    l1 = type(l1).objects.get(pk=l1.pk)
    with django_assert_num_queries(1):
        assert roles.is_agent(l1)
        assert roles.has_role(l1, roles.L1_AGENT)
        assert not roles.is_desk_manager(l1)
