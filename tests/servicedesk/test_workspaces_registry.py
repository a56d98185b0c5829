"""The workspaces registry: apps add navigation entries and landing pages per audience;
the core answers for a user from what was registered, in ALL_ROLES order."""

import pytest
from django.urls import reverse

from servicedesk import roles, workspaces
from servicedesk.workspaces import NavEntry
from tests.factories import UserFactory

HOME = NavEntry("home", "Home")
INBOX = NavEntry("inbox:index", "Inbox")


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(workspaces, "_nav", {})
    monkeypatch.setattr(workspaces, "_landing", {})
    monkeypatch.setattr(workspaces, "_default_landing", {})
    monkeypatch.setattr(workspaces, "_jump", [])


def _user_with(*role_names):
    return UserFactory(roles=list(role_names))


@pytest.mark.django_db
def test_with_nothing_registered_a_staff_user_has_no_workspace(empty_registry):
    user = _user_with(roles.L1_AGENT)
    assert workspaces.navigation_for(user) == []
    assert workspaces.landing_for(user) == reverse("no_workspace")
    assert workspaces.jump() is None


@pytest.mark.django_db
def test_entries_add_up_once_and_the_first_landing_wins(empty_registry):
    workspaces.register_workspace(roles.L2_AGENT, nav=[HOME], landing=HOME)
    workspaces.register_workspace(roles.L2_AGENT, nav=[INBOX, HOME], landing=INBOX)
    user = _user_with(roles.L2_AGENT)
    assert workspaces.navigation_for(user) == [HOME, INBOX]
    assert workspaces.landing_for(user) == HOME.url


@pytest.mark.django_db
def test_a_default_landing_gives_way_to_a_landing_registered_after_it(empty_registry):
    workspaces.register_workspace(roles.PROBLEM_MANAGER, nav=[HOME], default_landing=HOME)
    user = _user_with(roles.PROBLEM_MANAGER)
    assert workspaces.landing_for(user) == HOME.url

    workspaces.register_workspace(roles.PROBLEM_MANAGER, nav=[INBOX], landing=INBOX)
    assert workspaces.landing_for(user) == INBOX.url
    assert workspaces.navigation_for(user) == [HOME, INBOX]


@pytest.mark.django_db
def test_a_default_landing_never_replaces_a_landing_registered_before_it(empty_registry):
    workspaces.register_workspace(roles.PROBLEM_MANAGER, nav=[INBOX], landing=INBOX)
    workspaces.register_workspace(roles.PROBLEM_MANAGER, nav=[HOME], default_landing=HOME)
    assert workspaces.landing_for(_user_with(roles.PROBLEM_MANAGER)) == INBOX.url


@pytest.mark.django_db
def test_the_earliest_role_in_all_roles_decides_the_landing(empty_registry):
    workspaces.register_workspace(roles.DESK_MANAGER, nav=[INBOX], landing=INBOX)
    workspaces.register_workspace(roles.L1_AGENT, nav=[HOME], landing=HOME)
    user = _user_with(roles.DESK_MANAGER, roles.L1_AGENT)
    assert workspaces.landing_for(user) == HOME.url
    assert workspaces.navigation_for(user) == [HOME, INBOX]


@pytest.mark.django_db
def test_a_superuser_without_a_role_works_as_a_desk_manager(empty_registry):
    workspaces.register_workspace(roles.DESK_MANAGER, nav=[INBOX], landing=INBOX)
    user = UserFactory(is_superuser=True)
    assert workspaces.landing_for(user) == INBOX.url
    assert workspaces.navigation_for(user) == [INBOX]


@pytest.mark.django_db
def test_the_first_jump_box_registered_wins(empty_registry):
    workspaces.register_jump("home", label="Go to number", placeholder="X-1")
    workspaces.register_jump("inbox:index", label="Other", placeholder="Y-2")
    box = workspaces.jump()
    assert box is not None
    assert (box.url, box.label, box.placeholder) == (reverse("home"), "Go to number", "X-1")


@pytest.mark.django_db
def test_a_heavier_entry_follows_lighter_ones_registered_after_it(empty_registry):
    later = NavEntry("inbox:index", "Later", weight=10)
    workspaces.register_workspace(roles.L2_AGENT, nav=[later])
    workspaces.register_workspace(roles.L2_AGENT, nav=[HOME])
    assert workspaces.navigation_for(_user_with(roles.L2_AGENT)) == [HOME, later]
