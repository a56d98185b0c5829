"""Two people on one ticket: the first change wins and the second is told, never
silently overwritten."""

import threading
import time

import pytest
from django.db import connection, transaction
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from incidents import services
from incidents.exceptions import StaleTicket
from incidents.models import ClosureCode, Incident, Status
from tests.factories import make_incident_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def assigned_ticket(desk_manager, contact_a, l2, l2_group):
    return make_incident_in(
        Status.ASSIGNED, actor=desk_manager, group=l2_group, assignee=l2, contact=contact_a.contact
    )


def load(incident):
    """What a page shows: a fresh copy and the version its form carries."""
    copy = Incident.objects.get(pk=incident.pk)
    return copy, copy.version


def test_the_first_transition_wins_and_the_stale_second_is_refused(
    assigned_ticket, l2, l3_group, desk_manager
):
    mine, my_version = load(assigned_ticket)
    theirs, their_version = load(assigned_ticket)
    assert my_version == their_version

    services.incident_start_work(incident=mine, actor=l2, expected_version=my_version)
    with pytest.raises(StaleTicket):
        services.incident_escalate(
            incident=theirs,
            to_group=l3_group,
            reason="Network",
            actor=desk_manager,
            expected_version=their_version,
        )

    fresh = Incident.objects.get(pk=assigned_ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.assignee == l2
    assert fresh.support_group.line == "l2"
    assert fresh.version == my_version + 1
    assert fresh.history.first().history_user == l2


def test_a_stale_classification_is_refused_too(assigned_ticket, l1, l2):
    mine, version = load(assigned_ticket)
    services.incident_start_work(incident=mine, actor=l2, expected_version=version)
    with pytest.raises(StaleTicket):
        services.incident_classify(
            incident=assigned_ticket, actor=l1, impact=1, expected_version=version
        )
    assert Incident.objects.get(pk=assigned_ticket.pk).impact != 1


def test_the_same_transition_twice_from_two_pages_happens_once(assigned_ticket, l2, desk_manager):
    first, version = load(assigned_ticket)
    second, _ = load(assigned_ticket)
    services.incident_start_work(incident=first, actor=l2, expected_version=version)
    with pytest.raises(StaleTicket):
        services.incident_start_work(incident=second, actor=desk_manager, expected_version=version)
    assert Incident.objects.get(pk=assigned_ticket.pk).assignee == l2


def test_without_a_version_the_second_transition_is_judged_on_the_saved_state(
    assigned_ticket, l2, desk_manager
):
    """The service re-reads the row under lock, so a stale copy cannot replay a move."""
    first, _ = load(assigned_ticket)
    second, _ = load(assigned_ticket)
    services.incident_start_work(incident=first, actor=l2)
    with pytest.raises(TransitionNotAllowed):
        services.incident_start_work(incident=second, actor=desk_manager)
    assert Incident.objects.get(pk=assigned_ticket.pk).assignee == l2


def test_the_current_version_is_accepted(assigned_ticket, l2):
    mine, version = load(assigned_ticket)
    services.incident_start_work(incident=mine, actor=l2, expected_version=version)
    services.incident_request_information(
        incident=mine, comment="Which VM?", actor=l2, expected_version=version + 1
    )
    assert Incident.objects.get(pk=assigned_ticket.pk).status == Status.INFORMATION_NEEDED


def test_the_model_refuses_to_save_a_transition_on_a_stale_copy(assigned_ticket):
    """ConcurrentTransitionMixin: the UPDATE is filtered on the status the copy was read in."""
    first = Incident.objects.get(pk=assigned_ticket.pk)
    second = Incident.objects.get(pk=assigned_ticket.pk)

    with transaction.atomic():
        first.start_work()
        first.save()

    second.closure_code = ClosureCode.DUPLICATE
    second.complete_as_invalid()
    with pytest.raises(ConcurrentTransition), transaction.atomic():
        second.save()

    fresh = Incident.objects.get(pk=assigned_ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.closure_code == ""


def test_a_copy_refreshed_after_the_change_may_transition_again(assigned_ticket):
    first = Incident.objects.get(pk=assigned_ticket.pk)
    second = Incident.objects.get(pk=assigned_ticket.pk)
    with transaction.atomic():
        first.start_work()
        first.save()
    second.refresh_from_db()
    second.note_public_comment("Which VM?")
    with transaction.atomic():
        second.request_information()
        second.save()
    assert Incident.objects.get(pk=assigned_ticket.pk).status == Status.INFORMATION_NEEDED


@pytest.mark.django_db(transaction=True)
def test_two_agents_at_the_same_moment_one_waits_for_the_other_and_is_refused(
    desk_manager, contact_a, l2, l2_group, l3_group
):
    """On PostgreSQL the service locks the row: the second waits, then sees the new version."""
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; SQLite serialises whole transactions")
    ticket = make_incident_in(
        Status.ASSIGNED, actor=desk_manager, group=l2_group, assignee=l2, contact=contact_a.contact
    )
    version = ticket.version
    locked = threading.Event()
    outcome: dict[str, object] = {}

    def first():
        try:
            with transaction.atomic():
                services.incident_start_work(
                    incident=Incident.objects.get(pk=ticket.pk), actor=l2, expected_version=version
                )
                locked.set()
                time.sleep(0.5)  # hold the row lock while the other one tries
            outcome["first"] = "saved"
        except Exception as error:  # pragma: no cover - reported by the assertion
            outcome["first"] = error
            locked.set()
        finally:
            connection.close()

    def second():
        locked.wait(5)
        started = time.monotonic()
        try:
            services.incident_escalate(
                incident=Incident.objects.get(pk=ticket.pk),
                to_group=l3_group,
                reason="Net",
                actor=desk_manager,
                expected_version=version,
            )
            outcome["second"] = "saved"
        except StaleTicket:
            outcome["second"] = "stale"
        except Exception as error:  # pragma: no cover
            outcome["second"] = error
        finally:
            outcome["waited"] = time.monotonic() - started
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)

    assert outcome["first"] == "saved"
    assert outcome["second"] == "stale"
    assert outcome["waited"] >= 0.3
    fresh = Incident.objects.get(pk=ticket.pk)
    assert fresh.status == Status.IN_PROGRESS
    assert fresh.support_group == l2_group
