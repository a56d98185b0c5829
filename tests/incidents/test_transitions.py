"""The ticket lifecycle: which transition is possible from which status, who may take
it, and what each one needs. The expected tables below are written out from the
lifecycle in DESIGN.md, not read from the model, so a change to the model's
@transition declarations shows up here as a failing test."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed, can_proceed, has_transition_perm

from incidents import services
from incidents.models import ClosureCode, Comment, Incident, Status
from incidents.services.major import why_not_child
from tests.factories import SupportGroupFactory, make_incident_in

pytestmark = pytest.mark.django_db

S = Status
STATUSES = list(Status)

#: transition → the statuses it may start from (everything else is refused).
ALLOWED_FROM = {
    # Assigned on triage, on reassignment within a line, on escalation to another
    # line while being worked, and when a rejected resolution is handed back.
    "assign": {S.REGISTERED, S.ASSIGNED, S.IN_PROGRESS, S.REJECTED_BY_USER},
    # The assignee actually starts work (again, after the contact rejected).
    "start_work": {S.ASSIGNED, S.REJECTED_BY_USER},
    "request_information": {S.IN_PROGRESS},
    "engage_third_party": {S.IN_PROGRESS},
    "resume": {S.INFORMATION_NEEDED, S.EXTERNAL_PROCESSING},
    "customer_replied": {S.INFORMATION_NEEDED},
    # The same answer by email, taken by the email intake on the system's behalf.
    "email_reply_received": {S.INFORMATION_NEEDED},
    "complete": {S.IN_PROGRESS},
    # Invalid, duplicate or out of scope: completed from triage without being worked.
    "complete_as_invalid": {S.REGISTERED, S.ASSIGNED},
    # Only Completed leads to Closed or Rejected by user.
    "confirm": {S.COMPLETED},
    "reject_resolution": {S.COMPLETED},
    # The contact phones in their answer; an agent records it on their behalf.
    "confirm_on_behalf": {S.COMPLETED},
    "reject_on_behalf": {S.COMPLETED},
    "auto_close": {S.COMPLETED},
    # Completing a major incident completes its open children (run by the system).
    "complete_with_major_incident": {
        S.REGISTERED,
        S.ASSIGNED,
        S.IN_PROGRESS,
        S.INFORMATION_NEEDED,
        S.EXTERNAL_PROCESSING,
        S.REJECTED_BY_USER,
    },
}
TARGET = {
    "assign": S.ASSIGNED,
    "start_work": S.IN_PROGRESS,
    "request_information": S.INFORMATION_NEEDED,
    "engage_third_party": S.EXTERNAL_PROCESSING,
    "resume": S.IN_PROGRESS,
    "customer_replied": S.IN_PROGRESS,
    "email_reply_received": S.IN_PROGRESS,
    "complete": S.COMPLETED,
    "complete_as_invalid": S.COMPLETED,
    "confirm": S.CLOSED,
    "reject_resolution": S.REJECTED_BY_USER,
    "confirm_on_behalf": S.CLOSED,
    "reject_on_behalf": S.REJECTED_BY_USER,
    "auto_close": S.CLOSED,
    "complete_with_major_incident": S.COMPLETED,
}
TRANSITIONS = list(ALLOWED_FROM)

TABLE = [
    pytest.param(
        status,
        name,
        status in ALLOWED_FROM[name],
        id=f"{name}_from_{status}_is_{'allowed' if status in ALLOWED_FROM[name] else 'refused'}",
    )
    for status in STATUSES
    for name in TRANSITIONS
]


def satisfy_conditions(incident: Incident, name: str) -> None:
    """Give an in-memory ticket what the transition's conditions ask for (never saved)."""
    if name == "assign" and incident.support_group is None:
        incident.support_group = SupportGroupFactory.create()
    elif name == "request_information":
        incident.note_public_comment("Which server is affected?")
    elif name == "engage_third_party":
        incident.third_party = "Carrier NOC"
    elif name == "complete":
        incident.closure_code = ClosureCode.RESOLVED
    elif name == "complete_as_invalid":
        incident.closure_code = ClosureCode.DUPLICATE
    elif name == "complete_with_major_incident":
        incident.closure_code = ClosureCode.RESOLVED
        incident.parent_id = incident.pk  # any id: the condition asks for a parent


def perform(name: str, incident: Incident, actor) -> object:
    """Take the transition the way the product does: through its service (returns what it
    returns)."""
    if name == "assign":
        group = SupportGroupFactory.create()
        return services.incident_assign(
            incident=incident, group=group, actor=actor, reason="Back to triage"
        )
    if name == "start_work":
        return services.incident_start_work(incident=incident, actor=actor)
    if name == "request_information":
        return services.incident_request_information(
            incident=incident, comment="Which server is affected?", actor=actor
        )
    if name == "engage_third_party":
        return services.incident_engage_third_party(
            incident=incident, third_party="Carrier NOC", actor=actor
        )
    if name == "resume":
        return services.incident_resume(incident=incident, actor=actor)
    if name == "customer_replied":
        return services.incident_add_comment(incident=incident, body="It is web-01.", actor=actor)
    if name == "email_reply_received":
        # The email intake matched the sender to the ticket's contact; no user acts.
        return services.incident_add_email_reply(
            incident=incident, contact=incident.contact, body="It is web-01."
        )
    if name == "complete":
        return services.incident_complete(
            incident=incident,
            closure_code=ClosureCode.RESOLVED,
            resolution="Fixed.",
            actor=actor,
        )
    if name == "complete_as_invalid":
        return services.incident_complete_as_invalid(
            incident=incident,
            closure_code=ClosureCode.OUT_OF_SCOPE,
            reason="Not covered by your contract.",
            actor=actor,
        )
    if name == "confirm":
        return services.incident_confirm(incident=incident, actor=actor)
    if name == "reject_resolution":
        return services.incident_reject_resolution(
            incident=incident, reason="Still broken.", actor=actor
        )
    if name == "confirm_on_behalf":
        return services.incident_confirm(
            incident=incident, actor=actor, on_behalf_of=incident.contact
        )
    if name == "reject_on_behalf":
        return services.incident_reject_resolution(
            incident=incident, reason="Still broken.", actor=actor, on_behalf_of=incident.contact
        )
    if name == "auto_close":
        return services.incident_auto_close(incident=incident)
    if name == "complete_with_major_incident":
        # The major incident it is part of is completed: its open children follow.
        parent = make_incident_in(S.IN_PROGRESS, actor=actor)
        services.incident_declare_major(
            incident=parent, manager=actor, reason="Outage", actor=actor
        )
        if not why_not_child(incident, parent):
            services.incident_link_child(parent=parent, child=incident, actor=actor)
        services.incident_complete(
            incident=parent, closure_code=ClosureCode.RESOLVED, resolution="Fixed.", actor=actor
        )
        incident.refresh_from_db()
        return incident
    raise AssertionError(name)


def db_status(incident: Incident) -> str:
    return Incident.objects.values_list("status", flat=True).get(pk=incident.pk)


# ----- the transition table ---------------------------------------------------------------


def test_the_table_lists_every_transition_of_the_model():
    field = Incident._meta.get_field("status")
    assert {t.name for t in field.get_all_transitions(Incident)} == set(TRANSITIONS)


@pytest.mark.parametrize(("status", "name", "allowed"), TABLE)
def test_the_model_allows_a_transition_only_from_its_source_statuses(
    desk_manager, status, name, allowed
):
    incident = make_incident_in(status, actor=desk_manager)
    assert can_proceed(getattr(incident, name), check_conditions=False) is allowed


@pytest.mark.parametrize(("status", "name", "allowed"), TABLE)
def test_the_services_take_a_transition_only_from_its_source_statuses(
    desk_manager, contact_a, status, name, allowed
):
    """Done by whoever may take it (the desk manager; the contact answers by comment)."""
    incident = make_incident_in(status, actor=desk_manager, contact=contact_a.contact)
    actor = contact_a if name == "customer_replied" else desk_manager

    if allowed:
        perform(name, incident, actor)
        assert db_status(incident) == TARGET[name]
        assert incident.status == TARGET[name]
    elif name in {"customer_replied", "email_reply_received"} and status == S.CLOSED:
        # Closed is final: not even a comment reaches it.
        with pytest.raises(ValidationError):
            perform(name, incident, actor)
        assert db_status(incident) == status
    elif name in {
        "customer_replied",
        "email_reply_received",
        "auto_close",
        "complete_with_major_incident",
    }:
        # A contact's comment on another status, the auto-close of a ticket that moved
        # on, or a major incident's resolution reaching a completed or closed ticket, is
        # not an error: nothing changes.
        perform(name, incident, actor)
        assert db_status(incident) == status
    else:
        with pytest.raises(TransitionNotAllowed):
            perform(name, incident, actor)
        assert db_status(incident) == status


@pytest.mark.parametrize("name", TRANSITIONS)
def test_closed_is_final_no_transition_leaves_it(desk_manager, name):
    incident = make_incident_in(Status.CLOSED, actor=desk_manager)
    satisfy_conditions(incident, name)
    assert not can_proceed(getattr(incident, name))


def test_only_completed_leads_to_closed_or_rejected_by_user():
    field = Incident._meta.get_field("status")
    into = [
        t
        for t in field.get_all_transitions(Incident)
        if t.target in {Status.CLOSED, Status.REJECTED_BY_USER}
    ]
    assert into
    assert {t.source for t in into} == {Status.COMPLETED}


def test_the_status_cannot_be_assigned_directly(desk_manager):
    incident = make_incident_in(Status.REGISTERED, actor=desk_manager)
    with pytest.raises(AttributeError):
        incident.status = Status.CLOSED


# ----- who may take each transition --------------------------------------------------------

ACTOR_NAMES = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "contact_b",
    "outsider",
]
AGENTS = {"l1", "l2", "l3", "desk_manager"}
#: The ticket is organisation A's and is worked by L2 (group l2_group, assignee l2).
WORKERS = {"l2", "desk_manager"}
CUSTOMER = {"contact_a", "desk_manager"}
MAY = {
    "assign": AGENTS,
    "start_work": WORKERS,
    "request_information": WORKERS,
    "engage_third_party": WORKERS,
    "resume": WORKERS,
    "customer_replied": CUSTOMER,
    "email_reply_received": set(),
    "complete": WORKERS,
    "complete_as_invalid": AGENTS,
    "confirm": CUSTOMER,
    "reject_resolution": CUSTOMER,
    # Any agent (L1 takes the calls) records what the contact said on the phone.
    "confirm_on_behalf": AGENTS,
    "reject_on_behalf": AGENTS,
    "auto_close": set(),
    "complete_with_major_incident": set(),
}
#: A status each transition can be taken from, for the permission matrix.
SOURCE = {
    "assign": S.REGISTERED,
    "start_work": S.ASSIGNED,
    "request_information": S.IN_PROGRESS,
    "engage_third_party": S.IN_PROGRESS,
    "resume": S.INFORMATION_NEEDED,
    "customer_replied": S.INFORMATION_NEEDED,
    "email_reply_received": S.INFORMATION_NEEDED,
    "complete": S.IN_PROGRESS,
    "complete_as_invalid": S.REGISTERED,
    "confirm": S.COMPLETED,
    "reject_resolution": S.COMPLETED,
    "confirm_on_behalf": S.COMPLETED,
    "reject_on_behalf": S.COMPLETED,
    "auto_close": S.COMPLETED,
    "complete_with_major_incident": S.IN_PROGRESS,
}


def matrix(names):
    return [
        pytest.param(
            actor,
            name,
            actor in MAY[name],
            id=f"{actor}_{'may' if actor in MAY[name] else 'may_not'}_{name}",
        )
        for name in names
        for actor in ACTOR_NAMES
    ]


@pytest.fixture
def ticket_of_a_with_l2(desk_manager, contact_a, l2, l2_group):
    """make(status): organisation A's ticket, worked by l2 in the L2 group."""

    def make(status):
        return make_incident_in(
            status, actor=desk_manager, group=l2_group, assignee=l2, contact=contact_a.contact
        )

    return make


@pytest.mark.parametrize(("actor", "name", "allowed"), matrix(TRANSITIONS))
def test_the_rules_say_who_may_take_each_transition(
    actors, ticket_of_a_with_l2, actor, name, allowed
):
    incident = ticket_of_a_with_l2(SOURCE[name])
    satisfy_conditions(incident, name)
    assert has_transition_perm(getattr(incident, name), actors[actor]) is allowed


# customer_replied is taken by a contact's comment (below), email_reply_received by the
# email intake, auto_close and complete_with_major_incident by the system alone, so they
# have no service an actor calls.
SYSTEM_TRANSITIONS = {
    "customer_replied",
    "email_reply_received",
    "auto_close",
    "complete_with_major_incident",
}
SERVICE_TRANSITIONS = [n for n in TRANSITIONS if n not in SYSTEM_TRANSITIONS]


@pytest.mark.parametrize(("actor", "name", "allowed"), matrix(SERVICE_TRANSITIONS))
def test_the_services_refuse_a_transition_to_whoever_may_not_take_it(
    actors, ticket_of_a_with_l2, actor, name, allowed
):
    incident = ticket_of_a_with_l2(SOURCE[name])
    before = incident.history.count()
    if allowed:
        perform(name, incident, actors[actor])
        assert db_status(incident) == TARGET[name]
    else:
        with pytest.raises(PermissionDenied):
            perform(name, incident, actors[actor])
        assert db_status(incident) == SOURCE[name]
        assert incident.history.count() == before


#: What a comment on an Information needed ticket does, by author.
COMMENT_OUTCOME = {
    "contact_a": "answers",
    # Agents' comments (the desk manager's too) are notes or replies, not the answer.
    "l1": "comment only",
    "l2": "comment only",
    "l3": "comment only",
    "desk_manager": "comment only",
    "problem_manager": "refused",
    "change_manager": "refused",
    "cab_member": "refused",
    "kb_manager": "refused",
    "contact_b": "refused",
    "outsider": "refused",
}


@pytest.mark.parametrize(
    ("actor", "outcome"),
    [pytest.param(a, o, id=f"{a}_{o.replace(' ', '_')}") for a, o in COMMENT_OUTCOME.items()],
)
def test_a_comment_on_an_information_needed_ticket(actors, ticket_of_a_with_l2, actor, outcome):
    incident = ticket_of_a_with_l2(Status.INFORMATION_NEEDED)
    comments = Comment.objects.filter(incident=incident)
    before = comments.count()
    if outcome == "refused":
        with pytest.raises(PermissionDenied):
            perform("customer_replied", incident, actors[actor])
        assert comments.count() == before
        assert db_status(incident) == Status.INFORMATION_NEEDED
    else:
        perform("customer_replied", incident, actors[actor])
        assert comments.count() == before + 1
        expected = Status.IN_PROGRESS if outcome == "answers" else Status.INFORMATION_NEEDED
        assert db_status(incident) == expected


def test_l1_cannot_close_a_completed_ticket(l1, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.incident_confirm(incident=incident, actor=l1)
    assert db_status(incident) == Status.COMPLETED


def test_the_assignee_cannot_close_their_own_completed_ticket(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.incident_confirm(incident=incident, actor=l2)


def test_the_contact_closes_a_completed_ticket_by_confirming(contact_a, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    services.incident_confirm(incident=incident, actor=contact_a)
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.closed_at is not None


def test_a_contact_of_another_organisation_cannot_confirm_or_reject(contact_b, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    with pytest.raises(PermissionDenied):
        services.incident_confirm(incident=incident, actor=contact_b)
    with pytest.raises(PermissionDenied):
        services.incident_reject_resolution(incident=incident, reason="No.", actor=contact_b)
    assert db_status(incident) == Status.COMPLETED


def test_no_one_may_auto_close_a_ticket_by_hand(actors, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    assert not any(has_transition_perm(incident.auto_close, user) for user in actors.values())


def test_the_system_auto_closes_a_completed_ticket_without_an_actor(ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    assert services.incident_auto_close(incident=incident) is not None
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED
    assert incident.closed_at is not None
    row = incident.history.first()
    assert row.history_user is None
    assert row.history_change_reason == "Closed automatically: no answer from the contact"


def test_auto_closing_twice_closes_once(ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    services.incident_auto_close(incident=incident)
    rows = incident.history.count()
    assert services.incident_auto_close(incident=incident) is None
    assert incident.history.count() == rows


def test_a_group_member_who_is_not_the_assignee_may_work_on_the_ticket(
    desk_manager, l2, l2_group, contact_a
):
    colleague = l2_group.members.create(username="l2-colleague")
    colleague.groups.set(l2.groups.all())
    incident = make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        group=l2_group,
        assignee=l2,
        contact=contact_a.contact,
    )
    services.incident_engage_third_party(
        incident=incident, third_party="Carrier NOC", actor=colleague
    )
    assert db_status(incident) == Status.EXTERNAL_PROCESSING


def test_an_agent_outside_the_group_cannot_start_work_on_an_unassigned_ticket(
    desk_manager, l1, l2_group, contact_a
):
    incident = make_incident_in(
        Status.ASSIGNED, actor=desk_manager, group=l2_group, contact=contact_a.contact
    )
    assert incident.assignee is None
    with pytest.raises(PermissionDenied):
        services.incident_start_work(incident=incident, actor=l1)
    assert db_status(incident) == Status.ASSIGNED


def test_whoever_starts_work_on_an_unassigned_ticket_becomes_its_assignee(
    desk_manager, l2, l2_group, contact_a
):
    incident = make_incident_in(
        Status.ASSIGNED, actor=desk_manager, group=l2_group, contact=contact_a.contact
    )
    services.incident_start_work(incident=incident, actor=l2)
    incident.refresh_from_db()
    assert incident.status == Status.IN_PROGRESS
    assert incident.assignee == l2


def test_any_agent_may_escalate_a_ticket_to_another_line(l1, l3_group, desk_manager, contact_a):
    incident = make_incident_in(Status.IN_PROGRESS, actor=desk_manager, contact=contact_a.contact)
    services.incident_escalate(
        incident=incident, to_group=l3_group, reason="Needs a network engineer", actor=l1
    )
    incident.refresh_from_db()
    assert incident.status == Status.ASSIGNED
    assert incident.support_group == l3_group


@pytest.mark.parametrize("name", ["problem_manager", "contact_a", "outsider"])
def test_only_agents_may_escalate(actors, ticket_of_a_with_l2, l3_group, name):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    with pytest.raises(PermissionDenied):
        services.incident_escalate(
            incident=incident, to_group=l3_group, reason="Network", actor=actors[name]
        )
    assert db_status(incident) == Status.IN_PROGRESS


# ----- what each transition needs ----------------------------------------------------------


@pytest.mark.parametrize("comment", ["", "   ", "\x00"])
def test_requesting_information_without_a_public_comment_is_refused(
    l2, ticket_of_a_with_l2, comment
):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.incident_request_information(incident=incident, comment=comment, actor=l2)
    assert "comment" in error.value.message_dict
    assert db_status(incident) == Status.IN_PROGRESS


def test_the_model_cannot_request_information_without_a_public_comment(ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    assert not can_proceed(incident.request_information)
    incident.note_public_comment("  ")
    assert not can_proceed(incident.request_information)
    incident.note_public_comment("Which server?")
    assert can_proceed(incident.request_information)


def test_requesting_information_posts_the_question_as_a_public_comment(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    services.incident_request_information(
        incident=incident, comment="Which server is affected?", actor=l2
    )
    comment = Comment.objects.filter(incident=incident).latest("pk")
    assert comment.is_public
    assert comment.body == "Which server is affected?"
    assert comment.author == l2


@pytest.mark.parametrize("third_party", ["", "  "])
def test_engaging_a_third_party_without_naming_it_is_refused(l2, ticket_of_a_with_l2, third_party):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.incident_engage_third_party(incident=incident, third_party=third_party, actor=l2)
    assert "third_party" in error.value.message_dict
    assert db_status(incident) == Status.IN_PROGRESS


def test_engaging_a_third_party_records_its_name(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    services.incident_engage_third_party(incident=incident, third_party=" Acme Ltd ", actor=l2)
    incident.refresh_from_db()
    assert incident.third_party == "Acme Ltd"


def test_completing_without_a_closure_code_is_refused(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.incident_complete(incident=incident, closure_code="", resolution="Done", actor=l2)
    assert "closure_code" in error.value.message_dict
    assert db_status(incident) == Status.IN_PROGRESS


def test_completing_without_a_resolution_for_the_contact_is_refused(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    with pytest.raises(ValidationError) as error:
        services.incident_complete(
            incident=incident, closure_code=ClosureCode.RESOLVED, resolution=" ", actor=l2
        )
    assert "resolution" in error.value.message_dict


def test_completing_records_the_closure_code_and_the_resolution_time(l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    services.incident_complete(
        incident=incident, closure_code=ClosureCode.WORKAROUND, resolution="Restarted.", actor=l2
    )
    incident.refresh_from_db()
    assert incident.status == Status.COMPLETED
    assert incident.closure_code == ClosureCode.WORKAROUND
    assert incident.resolved_at is not None


INVALID_CODES = [ClosureCode.INVALID, ClosureCode.DUPLICATE, ClosureCode.OUT_OF_SCOPE]
WORKED_CODES = [c for c in ClosureCode if c not in INVALID_CODES]


@pytest.mark.parametrize("code", INVALID_CODES, ids=str)
def test_a_registered_ticket_may_be_completed_as_invalid_duplicate_or_out_of_scope(
    l1, contact_a, code
):
    incident = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
    original = None
    if code == ClosureCode.DUPLICATE:
        original = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
    services.incident_complete_as_invalid(
        incident=incident, closure_code=code, reason="Not ours.", duplicate_of=original, actor=l1
    )
    incident.refresh_from_db()
    assert incident.status == Status.COMPLETED
    assert incident.closure_code == code
    assert incident.resolved_at is not None


@pytest.mark.parametrize("code", [*WORKED_CODES, ""], ids=lambda c: str(c) or "no_code")
def test_a_registered_ticket_cannot_be_completed_as_invalid_with_a_worked_closure_code(
    l1, contact_a, code
):
    incident = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
    with pytest.raises(ValidationError) as error:
        services.incident_complete_as_invalid(
            incident=incident, closure_code=code, reason="Not ours.", actor=l1
        )
    assert "closure_code" in error.value.message_dict
    assert db_status(incident) == Status.REGISTERED


def test_the_model_completes_as_invalid_only_with_an_invalid_closure_code(contact_a):
    incident = make_incident_in(Status.REGISTERED, contact=contact_a.contact)
    incident.closure_code = ClosureCode.RESOLVED
    assert not can_proceed(incident.complete_as_invalid)
    incident.closure_code = ClosureCode.OUT_OF_SCOPE
    assert can_proceed(incident.complete_as_invalid)


def test_rejecting_a_resolution_needs_a_reason(contact_a, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    with pytest.raises(ValidationError):
        services.incident_reject_resolution(incident=incident, reason="  ", actor=contact_a)
    assert db_status(incident) == Status.COMPLETED


def test_rejecting_a_resolution_reopens_the_work(contact_a, l2, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    services.incident_reject_resolution(incident=incident, reason="Still slow.", actor=contact_a)
    incident.refresh_from_db()
    assert incident.status == Status.REJECTED_BY_USER
    assert incident.closure_code == ""
    assert incident.resolved_at is None
    services.incident_start_work(incident=incident, actor=l2)
    assert db_status(incident) == Status.IN_PROGRESS


def test_a_contacts_comment_on_an_information_needed_ticket_moves_it_to_in_progress(
    contact_a, ticket_of_a_with_l2
):
    incident = ticket_of_a_with_l2(Status.INFORMATION_NEEDED)
    comment = services.incident_add_comment(
        incident=incident, body="It is web-01.", actor=contact_a
    )
    assert comment.is_public
    assert incident.status == Status.IN_PROGRESS
    assert db_status(incident) == Status.IN_PROGRESS
    row = incident.history.first()
    assert row.history_user == contact_a
    assert row.history_change_reason == "It is web-01."


@pytest.mark.parametrize("is_public", [True, False], ids=["public", "internal"])
def test_an_agents_comment_on_an_information_needed_ticket_does_not_move_it(
    l2, ticket_of_a_with_l2, is_public
):
    incident = ticket_of_a_with_l2(Status.INFORMATION_NEEDED)
    services.incident_add_comment(
        incident=incident, body="Chased by phone.", actor=l2, is_public=is_public
    )
    assert db_status(incident) == Status.INFORMATION_NEEDED


@pytest.mark.parametrize("status", [S.IN_PROGRESS, S.EXTERNAL_PROCESSING, S.COMPLETED])
def test_a_contacts_comment_on_a_ticket_not_waiting_for_them_does_not_move_it(
    contact_a, ticket_of_a_with_l2, status
):
    incident = ticket_of_a_with_l2(status)
    services.incident_add_comment(incident=incident, body="Any news?", actor=contact_a)
    assert db_status(incident) == status


def test_a_contacts_comment_is_always_public(contact_a, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.IN_PROGRESS)
    comment = services.incident_add_comment(
        incident=incident, body="Hello", actor=contact_a, is_public=False
    )
    assert comment.is_public


@pytest.mark.parametrize("name", ["contact_a", "l2", "desk_manager"])
def test_a_closed_ticket_takes_no_more_comments(actors, ticket_of_a_with_l2, name):
    incident = ticket_of_a_with_l2(Status.CLOSED)
    with pytest.raises(ValidationError):
        services.incident_add_comment(incident=incident, body="One more thing", actor=actors[name])
    assert not Comment.objects.filter(incident=incident, body="One more thing").exists()


# ----- answers given by phone, recorded on the contact's behalf -------------------------------


def test_l1_confirms_a_resolution_on_behalf_of_the_contact_who_phoned(l1, ticket_of_a_with_l2):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    services.incident_confirm(incident=incident, actor=l1, on_behalf_of=incident.contact)
    assert db_status(incident) == Status.CLOSED
    last = incident.history.latest("history_date")
    assert last.history_user == l1
    assert last.history_change_reason == (
        f"Confirmed by phone on behalf of {incident.contact.name}"
    )


def test_l1_rejects_on_behalf_of_the_contact_with_their_words_as_a_public_comment(
    l1, ticket_of_a_with_l2
):
    incident = ticket_of_a_with_l2(Status.COMPLETED)
    services.incident_reject_resolution(
        incident=incident, actor=l1, reason="Still slow.", on_behalf_of=incident.contact
    )
    assert db_status(incident) == Status.REJECTED_BY_USER
    comment = incident.comments.latest("created_at")
    assert comment.is_public and comment.author == l1
    assert comment.author_contact == incident.contact
    assert incident.contact.name in comment.body and "Still slow." in comment.body


def test_on_behalf_of_someone_who_may_not_decide_is_refused(l1, ticket_of_a_with_l2, org_b):
    from tests.factories import ContactFactory

    incident = ticket_of_a_with_l2(Status.COMPLETED)
    stranger = ContactFactory(organisation=org_b)
    unauthorised = ContactFactory(organisation=incident.organisation, is_authorised=False)
    for contact in (stranger, unauthorised):
        with pytest.raises(ValidationError) as error:
            services.incident_confirm(incident=incident, actor=l1, on_behalf_of=contact)
        assert "on_behalf_of" in error.value.message_dict
    assert db_status(incident) == Status.COMPLETED
