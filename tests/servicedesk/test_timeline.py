"""The timeline works for any model with history and notes: here a contact, whose "state"
is what it may raise, and plain notes. (The ticket's own rules: tests/incidents/.)"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation

from servicedesk.models import Contact
from servicedesk.timeline import Change, Entry, history_entries, merge
from servicedesk.workflow import save_with_history
from tests.factories import ContactFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db

FIELDS = ["organisation", "user", "is_authorised", "title"]


def save(contact: Contact, actor, reason: str = "", **changes) -> None:
    for name, value in changes.items():
        setattr(contact, name, value)
    save_with_history(contact, actor=actor, reason=reason)


@pytest.fixture
def worked():
    """Created, then three saves: fields changed, the state moved, nothing shown changed."""
    actor = UserFactory(first_name="Ada", last_name="Lovelace")
    login = UserFactory(username="jb", first_name="Jana", last_name="Becker")
    contact = ContactFactory(organisation=OrganisationFactory(name="Alpha"))
    save(contact, actor, organisation=OrganisationFactory(name="Beta"), user=login, title="dr")
    save(contact, actor, "new contract", allowed_kinds=Contact.AllowedKinds.INCIDENT)
    save(contact, actor, phone="+49 30 1234")
    return contact


def test_history_rows_become_creation_changes_and_state_moves(worked):
    with translation.override("en"):
        entries = history_entries(worked, FIELDS, state="allowed_kinds")
        assert [e.kind for e in entries] == ["created", "update", "status"]
        created, update, move = entries
        assert created.target == "both"
        assert str(created.target_label) == "Incidents and service requests"
        assert update.actor == "Ada Lovelace"
        assert update.changes == [
            Change("organisation", "Alpha", "Beta"),
            Change("portal login", "", "Jana Becker"),  # a person by full name, never login
            Change("title", "(none)", "Dr"),
        ]
        assert (move.source, move.target, move.reason) == ("both", "incident", "new contract")
        assert str(move.target_label) == "Incidents only"


def test_without_a_state_every_change_is_an_update(worked):
    entries = history_entries(worked, ["is_authorised", "allowed_kinds"], state=None)
    assert [e.kind for e in entries] == ["created", "update"]
    assert entries[1].changes[0].label == "may raise"


def test_booleans_read_yes_and_no(worked):
    save(worked, None, is_authorised=False)
    with translation.override("en"):
        [*_, last] = history_entries(worked, FIELDS, state=None)
    assert last.changes == [Change("authorised to open tickets", "yes", "no")]
    assert last.actor == "system"


def test_history_costs_one_query_plus_one_per_related_field_used(worked, django_assert_num_queries):
    with django_assert_num_queries(3):  # history, organisations, users
        history_entries(worked, FIELDS, state="allowed_kinds")
    for i in range(10):
        save(worked, None, organisation=OrganisationFactory(name=f"Org {i}"))
    with django_assert_num_queries(3):
        history_entries(worked, FIELDS, state="allowed_kinds")


def test_notes_are_merged_by_time_and_may_join_an_entry():
    t0 = timezone.now()
    move = Entry[SimpleNamespace](at=t0, actor="Ada", kind="status", reason="Which VM?")
    asked = SimpleNamespace(created_at=t0, body="Which VM?", by="Ada")
    earlier = SimpleNamespace(created_at=t0 - timedelta(hours=1), body="Hello", by="Jana")

    def joins(entries, note):
        for entry in entries:
            if entry.kind == "status" and entry.reason == note.body:
                entry.comment = note
                return True
        return False

    entries = merge([move], [asked, earlier], author=lambda n: n.by, joins=joins)
    assert [(e.kind, e.actor) for e in entries] == [("comment", "Jana"), ("status", "Ada")]
    assert entries[0].comment is earlier and entries[1].comment is asked
