"""incidents/services/: registration, numbering, classification, assignment and
escalation, and what every transition leaves behind (history, signals)."""

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from incidents import services
from incidents.models import Channel, ClosureCode, Incident, Kind, Status
from incidents.signals import ticket_registered, ticket_status_changed
from servicedesk.models import Impact, Line, Priority, Urgency
from tests.factories import (
    ConfigurationItemFactory,
    ContactFactory,
    IncidentFactory,
    ServiceFactory,
    SupportGroupFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def contact(contact_a):
    return contact_a.contact


def register(contact, actor, **kwargs):
    kwargs.setdefault("title", "Mail server down")
    kwargs.setdefault("channel", Channel.PHONE)
    return services.incident_register(contact=contact, actor=actor, **kwargs)


class Recorder:
    """Collects what a signal sent."""

    def __init__(self, signal):
        self.calls: list[dict] = []
        self.signal = signal

    def __call__(self, sender, **kwargs):
        self.calls.append(kwargs)

    def __enter__(self):
        self.signal.connect(self, weak=False)
        return self

    def __exit__(self, *exc):
        self.signal.disconnect(self)


# ----- numbers -----------------------------------------------------------------------------


class TestNumbers:
    def test_the_first_incident_is_inc_000001_and_the_next_request_req_000002(self, contact, l1):
        assert register(contact, l1).number == "INC-000001"
        assert register(contact, l1, kind=Kind.REQUEST).number == "REQ-000002"
        assert register(contact, l1).number == "INC-000003"

    def test_an_incident_is_numbered_inc_and_six_digits(self, contact, l1):
        incident = register(contact, l1)
        assert re.fullmatch(r"INC-\d{6}", incident.number)
        assert Incident.objects.get(pk=incident.pk).number == incident.number

    def test_incidents_and_requests_share_one_sequence(self, contact, l1):
        incident = register(contact, l1)
        request = register(contact, l1, kind=Kind.REQUEST, title="New licence")
        assert re.fullmatch(r"REQ-\d{6}", request.number)
        assert int(request.number[4:]) == int(incident.number[4:]) + 1

    def test_a_number_is_never_reused_after_the_last_ticket_is_deleted(self, contact, l1):
        first = register(contact, l1)
        last = register(contact, l1)
        number = last.number
        Incident.objects.filter(pk=last.pk).delete()
        again = register(contact, l1)
        assert again.number != number
        assert int(again.number[4:]) > int(number[4:]) > int(first.number[4:])

    def test_a_number_stays_when_the_kind_changes(self, contact, l1):
        incident = register(contact, l1)
        number = incident.number
        services.incident_classify(incident=incident, actor=l1, kind=Kind.REQUEST)
        incident.refresh_from_db()
        assert incident.kind == Kind.REQUEST
        assert incident.number == number

    def test_a_registered_ticket_has_a_real_number_in_every_history_row(self, contact, l1):
        incident = register(contact, l1)
        assert list(incident.history.values_list("number", flat=True).distinct()) == [
            incident.number
        ]


# ----- registration ------------------------------------------------------------------------


class TestRegistration:
    def test_registering_records_the_ticket_as_registered_for_the_contacts_organisation(
        self, contact, org_a, l1
    ):
        incident = register(contact, l1, description="  It is down.  ")
        assert incident.status == Status.REGISTERED
        assert incident.organisation == org_a
        assert incident.contact == contact
        assert incident.description == "It is down."
        assert incident.registered_at is not None

    def test_registering_records_who_registered_and_by_which_channel(self, contact, l1):
        incident = register(contact, l1, channel=Channel.EMAIL)
        row = incident.history.first()
        assert row.history_user == l1
        assert row.history_change_reason == "Registered via Email"
        assert all(r.history_user == l1 for r in incident.history.all())

    def test_a_contact_may_register_their_own_ticket_on_the_portal(self, contact, contact_a):
        incident = register(contact, contact_a, channel=Channel.PORTAL)
        assert incident.contact == contact

    @pytest.mark.parametrize("channel", [Channel.PHONE, Channel.MONITORING, Channel.AGENT])
    def test_a_contact_may_not_claim_a_staff_channel(self, contact, contact_a, channel):
        with pytest.raises(PermissionDenied):
            register(contact, contact_a, channel=channel)

    def test_a_contact_may_not_register_for_another_contact(self, contact_a, org_a):
        colleague = ContactFactory(organisation=org_a)
        with pytest.raises(PermissionDenied):
            register(colleague, contact_a, channel=Channel.PORTAL)

    @pytest.mark.parametrize("name", ["outsider", "problem_manager", "kb_manager"])
    def test_only_agents_register_on_behalf_of_a_contact(self, actors, contact, name):
        with pytest.raises(PermissionDenied):
            register(contact, actors[name])
        assert not Incident.objects.exists()

    def test_an_unauthorised_contact_cannot_register(self, org_a, l1):
        contact = ContactFactory(organisation=org_a, is_authorised=False)
        with pytest.raises(ValidationError) as error:
            register(contact, l1)
        assert "contact" in error.value.message_dict
        assert not Incident.objects.exists()

    def test_an_unauthorised_contact_cannot_register_on_the_portal_either(self, org_a):
        contact = ContactFactory(organisation=org_a, is_authorised=False, with_login=True)
        with pytest.raises(ValidationError):
            register(contact, contact.user, channel=Channel.PORTAL)

    def test_an_inactive_contact_cannot_register(self, org_a, l1):
        contact = ContactFactory(organisation=org_a, is_active=False)
        with pytest.raises(ValidationError):
            register(contact, l1)

    def test_the_service_follows_from_the_configuration_item(self, contact, l1):
        ci = ConfigurationItemFactory()
        incident = register(contact, l1, configuration_item=ci)
        assert incident.service == ci.service

    def test_a_configuration_item_of_another_service_is_refused(self, contact, l1):
        ci = ConfigurationItemFactory()
        with pytest.raises(ValidationError) as error:
            register(contact, l1, service=ServiceFactory(), configuration_item=ci)
        assert "configuration_item" in error.value.message_dict

    def test_registration_is_announced_only_after_the_commit(
        self, contact, l1, django_capture_on_commit_callbacks
    ):
        with Recorder(ticket_registered) as sent:
            with django_capture_on_commit_callbacks(execute=True):
                incident = register(contact, l1)
                assert sent.calls == []
            assert sent.calls == [
                {
                    "signal": ticket_registered,
                    "incident": incident,
                    "actor": l1,
                    "notify_contact": True,
                }
            ]


# ----- urgency, impact, priority -----------------------------------------------------------


class TestPriority:
    @pytest.mark.parametrize(
        ("urgency", "impact", "priority"),
        [
            (Urgency.VERY_HIGH, Impact.SIGNIFICANT, Priority.CRITICAL),
            (Urgency.HIGH, Impact.LOW, Priority.MEDIUM),
            (Urgency.MEDIUM, Impact.LOW, Priority.MEDIUM),
            (Urgency.LOW, Impact.LOW, Priority.LOW),
            (Urgency.NONE, Impact.NONE, Priority.PLANNING),
        ],
        ids=["p1", "p3_high_urgency_low_impact", "p3", "p4", "p5"],
    )
    def test_registration_computes_the_priority_from_the_matrix(
        self, contact, l1, urgency, impact, priority
    ):
        incident = register(contact, l1, urgency=urgency, impact=impact)
        assert incident.priority == priority

    def test_without_an_impact_a_ticket_starts_at_low_impact(self, contact, l1):
        incident = register(contact, l1, urgency=Urgency.VERY_HIGH)
        assert incident.impact == Impact.LOW
        assert incident.priority == Priority.HIGH  # (1 + 4) // 2

    def test_classifying_recomputes_the_priority(self, contact, l1):
        incident = register(contact, l1, urgency=Urgency.HIGH, impact=Impact.LOW)
        assert incident.priority == Priority.MEDIUM
        services.incident_classify(incident=incident, actor=l1, impact=Impact.SIGNIFICANT)
        incident.refresh_from_db()
        assert incident.priority == Priority.CRITICAL
        services.incident_classify(incident=incident, actor=l1, urgency=Urgency.NONE)
        incident.refresh_from_db()
        assert incident.priority == Priority.MEDIUM  # (5 + 1) // 2

    def test_classifying_records_actor_and_reason(self, contact, l1):
        incident = register(contact, l1)
        services.incident_classify(
            incident=incident, actor=l1, impact=Impact.HIGH, reason="Whole floor affected"
        )
        row = incident.history.first()
        assert row.history_user == l1
        assert row.history_change_reason == "Whole floor affected"
        assert row.impact == Impact.HIGH

    @pytest.mark.parametrize("name", ["contact_a", "problem_manager", "outsider"])
    def test_only_agents_classify(self, actors, contact, l1, name):
        incident = register(contact, l1)
        with pytest.raises(PermissionDenied):
            services.incident_classify(incident=incident, actor=actors[name], impact=Impact.HIGH)

    def test_a_closed_ticket_cannot_be_reclassified(self, contact, l1):
        incident = make_incident_in(Status.CLOSED, contact=contact)
        with pytest.raises(ValidationError):
            services.incident_classify(incident=incident, actor=l1, impact=Impact.HIGH)

    def test_classifying_refuses_fields_it_does_not_own(self, contact, l1):
        incident = register(contact, l1)
        with pytest.raises(TypeError):
            services.incident_classify(incident=incident, actor=l1, status=Status.CLOSED)


class TestUrgencyConfirmation:
    @pytest.mark.parametrize("channel", [Channel.PORTAL, Channel.EMAIL])
    @pytest.mark.parametrize(
        "urgency", [Urgency.VERY_HIGH, Urgency.HIGH], ids=["very_high", "high"]
    )
    def test_high_urgency_from_a_customer_channel_is_unconfirmed(
        self, contact, contact_a, channel, urgency
    ):
        incident = register(contact, contact_a, channel=channel, urgency=urgency)
        assert incident.urgency_confirmed is False

    @pytest.mark.parametrize("channel", [Channel.PHONE, Channel.MONITORING, Channel.AGENT])
    def test_high_urgency_taken_by_an_agent_is_confirmed(self, contact, l1, channel):
        incident = register(contact, l1, channel=channel, urgency=Urgency.VERY_HIGH)
        assert incident.urgency_confirmed is True

    @pytest.mark.parametrize(
        "urgency", [Urgency.MEDIUM, Urgency.LOW, Urgency.NONE], ids=["medium", "low", "none"]
    )
    def test_a_lower_urgency_from_the_portal_needs_no_confirmation(
        self, contact, contact_a, urgency
    ):
        incident = register(contact, contact_a, channel=Channel.PORTAL, urgency=urgency)
        assert incident.urgency_confirmed is True

    def test_an_agent_confirming_the_urgency_clears_the_flag_and_keeps_the_urgency(
        self, contact, contact_a, l1
    ):
        incident = register(contact, contact_a, channel=Channel.EMAIL, urgency=Urgency.VERY_HIGH)
        services.incident_confirm_urgency(incident=incident, actor=l1)
        incident.refresh_from_db()
        assert incident.urgency_confirmed is True
        assert incident.urgency == Urgency.VERY_HIGH
        assert incident.history.first().history_change_reason == (
            "Urgency confirmed with the contact"
        )

    def test_a_contact_cannot_confirm_their_own_urgency(self, contact, contact_a):
        incident = register(contact, contact_a, channel=Channel.PORTAL, urgency=Urgency.HIGH)
        with pytest.raises(PermissionDenied):
            services.incident_confirm_urgency(incident=incident, actor=contact_a)
        incident.refresh_from_db()
        assert incident.urgency_confirmed is False

    def test_an_agent_changing_the_urgency_confirms_it(self, contact, contact_a, l1):
        incident = register(contact, contact_a, channel=Channel.PORTAL, urgency=Urgency.VERY_HIGH)
        services.incident_classify(incident=incident, actor=l1, urgency=Urgency.HIGH)
        incident.refresh_from_db()
        assert incident.urgency_confirmed is True


# ----- assignment and escalation -----------------------------------------------------------


class TestAssignment:
    def test_assigning_gives_the_ticket_to_a_group_and_a_member(self, contact, l1, l1_group):
        incident = register(contact, l1)
        services.incident_assign(incident=incident, group=l1_group, assignee=l1, actor=l1)
        incident.refresh_from_db()
        assert incident.status == Status.ASSIGNED
        assert incident.support_group == l1_group
        assert incident.assignee == l1
        assert incident.assigned_at is not None
        assert incident.first_response_at is not None

    def test_the_assignee_must_be_a_member_of_the_group(self, contact, l1, l2, l1_group):
        incident = register(contact, l1)
        with pytest.raises(ValidationError) as error:
            services.incident_assign(incident=incident, group=l1_group, assignee=l2, actor=l1)
        assert "assignee" in error.value.message_dict
        assert Incident.objects.get(pk=incident.pk).status == Status.REGISTERED

    def test_an_inactive_group_cannot_receive_tickets(self, contact, l1):
        incident = register(contact, l1)
        group = SupportGroupFactory(is_active=False)
        with pytest.raises(ValidationError):
            services.incident_assign(incident=incident, group=group, actor=l1)

    def test_reassigning_needs_a_reason(self, contact, l1, l1_group):
        incident = make_incident_in(Status.ASSIGNED, contact=contact, group=l1_group)
        other = SupportGroupFactory(line=Line.L1, members=[l1])
        with pytest.raises(ValidationError) as error:
            services.incident_assign(incident=incident, group=other, actor=l1)
        assert "reason" in error.value.message_dict
        services.incident_assign(incident=incident, group=other, actor=l1, reason="Wrong team")
        incident.refresh_from_db()
        assert incident.support_group == other
        assert incident.history.first().history_change_reason == "Wrong team"

    def test_escalation_needs_a_reason(self, contact, l1, l1_group, l2_group):
        incident = make_incident_in(Status.IN_PROGRESS, contact=contact, group=l1_group)
        with pytest.raises(ValidationError) as error:
            services.incident_escalate(incident=incident, to_group=l2_group, reason=" ", actor=l1)
        assert "reason" in error.value.message_dict
        assert Incident.objects.get(pk=incident.pk).status == Status.IN_PROGRESS

    def test_escalation_goes_to_another_line(self, contact, l1, l1_group):
        incident = make_incident_in(Status.IN_PROGRESS, contact=contact, group=l1_group)
        same_line = SupportGroupFactory(line=Line.L1)
        with pytest.raises(ValidationError) as error:
            services.incident_escalate(
                incident=incident, to_group=same_line, reason="Busy", actor=l1
            )
        assert "to_group" in error.value.message_dict

    def test_an_unassigned_ticket_counts_as_l1_for_escalation(self, contact, l1, l2_group):
        incident = register(contact, l1)
        with pytest.raises(ValidationError):
            services.incident_escalate(
                incident=incident, to_group=SupportGroupFactory(line=Line.L1), reason="x", actor=l1
            )
        services.incident_escalate(incident=incident, to_group=l2_group, reason="Disk", actor=l1)
        assert Incident.objects.get(pk=incident.pk).support_group == l2_group

    def test_escalation_hands_the_ticket_to_the_other_line_with_the_reason(
        self, contact, l1, l1_group, l3, l3_group
    ):
        incident = make_incident_in(Status.IN_PROGRESS, contact=contact, group=l1_group)
        services.incident_escalate(
            incident=incident, to_group=l3_group, assignee=l3, reason="BGP flaps", actor=l1
        )
        incident.refresh_from_db()
        assert incident.status == Status.ASSIGNED
        assert incident.support_group == l3_group
        assert incident.assignee == l3
        row = incident.history.first()
        assert row.history_user == l1
        assert "BGP flaps" in row.history_change_reason
        assert "L1" in row.history_change_reason
        assert "L3" in row.history_change_reason

    def test_the_escalation_assignee_must_be_a_member_of_the_target_group(
        self, contact, l1, l2, l1_group, l3_group
    ):
        incident = make_incident_in(Status.IN_PROGRESS, contact=contact, group=l1_group)
        with pytest.raises(ValidationError) as error:
            services.incident_escalate(
                incident=incident, to_group=l3_group, assignee=l2, reason="Net", actor=l1
            )
        assert "assignee" in error.value.message_dict


# ----- what every transition leaves behind -------------------------------------------------

#: transition → (source status, call(incident, actor), expected change reason).
STEPS = {
    "assign": (
        Status.REGISTERED,
        lambda i, a, g: services.incident_assign(incident=i, group=g, actor=a),
        "Assigned to Operations",
    ),
    "escalate": (
        Status.IN_PROGRESS,
        lambda i, a, g: services.incident_escalate(
            incident=i,
            to_group=SupportGroupFactory.create(line=Line.L3),
            reason="Kernel bug",
            actor=a,
        ),
        "Escalated from L2 to L3: Kernel bug",
    ),
    "start_work": (
        Status.ASSIGNED,
        lambda i, a, g: services.incident_start_work(incident=i, actor=a),
        "Work started",
    ),
    "request_information": (
        Status.IN_PROGRESS,
        lambda i, a, g: services.incident_request_information(
            incident=i, comment="Which VM?", actor=a
        ),
        "Which VM?",
    ),
    "engage_third_party": (
        Status.IN_PROGRESS,
        lambda i, a, g: services.incident_engage_third_party(
            incident=i, third_party="Acme", comment="Case 42", actor=a
        ),
        "Handed to Acme: Case 42",
    ),
    "resume": (
        Status.EXTERNAL_PROCESSING,
        lambda i, a, g: services.incident_resume(incident=i, actor=a),
        "Work resumed",
    ),
    "complete": (
        Status.IN_PROGRESS,
        lambda i, a, g: services.incident_complete(
            incident=i, closure_code=ClosureCode.RESOLVED, resolution="Replaced disk", actor=a
        ),
        "Replaced disk",
    ),
    "complete_as_invalid": (
        Status.ASSIGNED,
        lambda i, a, g: services.incident_complete_as_invalid(
            incident=i, closure_code=ClosureCode.OUT_OF_SCOPE, reason="Not covered", actor=a
        ),
        "Not covered",
    ),
    "confirm": (
        Status.COMPLETED,
        lambda i, a, g: services.incident_confirm(incident=i, actor=a),
        "Resolution confirmed",
    ),
    "reject_resolution": (
        Status.COMPLETED,
        lambda i, a, g: services.incident_reject_resolution(incident=i, reason="Nope", actor=a),
        "Nope",
    ),
}


@pytest.fixture
def worked_ticket(desk_manager, contact, l2, l2_group):
    def make(status):
        return make_incident_in(
            status, actor=desk_manager, group=l2_group, assignee=l2, contact=contact
        )

    return make


def actor_for(name, l2, contact_a):
    return contact_a if name in {"confirm", "reject_resolution"} else l2


@pytest.mark.parametrize("name", list(STEPS))
def test_every_transition_records_who_did_it_and_why(worked_ticket, l2, l2_group, contact_a, name):
    source, step, reason = STEPS[name]
    incident = worked_ticket(source)
    version = incident.version
    actor = actor_for(name, l2, contact_a)
    step(incident, actor, l2_group)
    incident.refresh_from_db()
    row = incident.history.first()
    assert row.status == incident.status != source
    assert row.history_user == actor
    assert row.history_change_reason == reason
    assert incident.version == version + 1


def test_a_contacts_answer_records_the_contact_and_the_answer(worked_ticket, contact_a):
    incident = worked_ticket(Status.INFORMATION_NEEDED)
    services.incident_add_comment(incident=incident, body="VM web-01", actor=contact_a)
    row = incident.history.first()
    assert (row.status, row.history_user, row.history_change_reason) == (
        Status.IN_PROGRESS,
        contact_a,
        "VM web-01",
    )


@pytest.mark.parametrize("name", list(STEPS))
def test_every_transition_is_announced_only_after_the_commit(
    worked_ticket, l2, l2_group, contact_a, django_capture_on_commit_callbacks, name
):
    source, step, reason = STEPS[name]
    incident = worked_ticket(source)
    actor = actor_for(name, l2, contact_a)
    with Recorder(ticket_status_changed) as sent:
        with django_capture_on_commit_callbacks(execute=True):
            step(incident, actor, l2_group)
            assert sent.calls == []
        assert len(sent.calls) == 1
    call = sent.calls[0]
    assert call["incident"].pk == incident.pk
    assert call["source"] == source
    assert call["target"] == Incident.objects.get(pk=incident.pk).status
    assert call["actor"] == actor
    assert call["reason"] == reason


def test_a_transition_rolled_back_is_never_announced(
    worked_ticket, l2, django_capture_on_commit_callbacks
):
    incident = worked_ticket(Status.ASSIGNED)
    with (
        Recorder(ticket_status_changed) as sent,
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.incident_start_work(incident=incident, actor=l2)
        raise RuntimeError("something later in the request failed")
    assert callbacks == []
    assert sent.calls == []
    assert Incident.objects.get(pk=incident.pk).status == Status.ASSIGNED


def test_a_refused_transition_is_not_announced(
    worked_ticket, l1, django_capture_on_commit_callbacks
):
    incident = worked_ticket(Status.ASSIGNED)
    with (
        Recorder(ticket_status_changed) as sent,
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(PermissionDenied),
    ):
        services.incident_start_work(incident=incident, actor=l1)
    assert sent.calls == []


def test_auto_close_is_announced_without_an_actor(
    worked_ticket, django_capture_on_commit_callbacks
):
    incident = worked_ticket(Status.COMPLETED)
    with (
        Recorder(ticket_status_changed) as sent,
        django_capture_on_commit_callbacks(execute=True),
    ):
        services.incident_auto_close(incident=incident)
    assert [(c["source"], c["target"], c["actor"]) for c in sent.calls] == [
        (Status.COMPLETED, Status.CLOSED, None)
    ]


def test_the_callers_ticket_reflects_what_the_service_saved(worked_ticket, l2):
    incident = worked_ticket(Status.ASSIGNED)
    returned = services.incident_start_work(incident=incident, actor=l2)
    assert incident.status == returned.status == Status.IN_PROGRESS
    assert incident.version == returned.version


def test_a_public_reply_from_support_is_the_first_response(contact, l1):
    incident = IncidentFactory(contact=contact)
    assert incident.first_response_at is None
    services.incident_add_comment(incident=incident, body="Looking", actor=l1, is_public=True)
    incident.refresh_from_db()
    assert incident.first_response_at is not None
    assert incident.status == Status.REGISTERED


def test_an_internal_note_is_not_a_first_response(contact, l1):
    incident = IncidentFactory(contact=contact)
    services.incident_add_comment(incident=incident, body="Hmm", actor=l1)
    incident.refresh_from_db()
    assert incident.first_response_at is None


@pytest.mark.parametrize("name", ["contact_b", "outsider", "cab_member"])
def test_strangers_cannot_comment(actors, contact, name):
    incident = IncidentFactory(contact=contact)
    with pytest.raises(PermissionDenied):
        services.incident_add_comment(incident=incident, body="Hi", actor=actors[name])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "allowed"),
    [("email", True), ("monitoring", True), ("portal", False), ("phone", False)],
)
def test_only_email_and_monitoring_intake_register_without_a_user(channel, allowed):
    from tests.factories import ContactFactory

    contact = ContactFactory()
    if allowed:
        incident = services.incident_register(
            contact=contact, actor=None, channel=channel, title="From intake"
        )
        assert incident.history.first().history_user is None
    else:
        with pytest.raises(PermissionDenied):
            services.incident_register(contact=contact, actor=None, channel=channel, title="x")


@pytest.mark.django_db
def test_a_contact_who_may_not_open_tickets_can_neither_comment_nor_decide(contact_a):
    from tests.factories import make_incident_in

    incident = make_incident_in("completed", contact=contact_a.contact)
    contact_a.contact.is_authorised = False
    contact_a.contact.save()
    with pytest.raises(PermissionDenied):
        services.incident_add_comment(incident=incident, actor=contact_a, body="Hello")
    with pytest.raises(PermissionDenied):
        services.incident_confirm(incident=incident, actor=contact_a)
    incident.refresh_from_db()
    assert incident.status == Status.COMPLETED


class TestConfigurationItemsBelongToTheCustomer:
    """Defect 7: a ticket never names another customer's configuration item."""

    def test_registering_with_another_customers_ci_is_refused(self, contact, org_b, l1):
        foreign = ConfigurationItemFactory(organisation=org_b)
        with pytest.raises(ValidationError) as error:
            register(contact, l1, configuration_item=foreign)
        assert "configuration_item" in error.value.message_dict
        assert not Incident.objects.exists()

    def test_registering_with_the_customers_own_or_shared_ci_is_fine(self, contact, l1):
        own = ConfigurationItemFactory(organisation=contact.organisation)
        shared = ConfigurationItemFactory(organisation=None)
        assert register(contact, l1, configuration_item=own).configuration_item == own
        assert register(contact, l1, configuration_item=shared).configuration_item == shared

    def test_classifying_with_another_customers_ci_is_refused(self, contact, org_b, l1):
        incident = register(contact, l1)
        foreign = ConfigurationItemFactory(organisation=org_b)
        with pytest.raises(ValidationError) as error:
            services.incident_classify(
                incident=incident, actor=l1, configuration_item=foreign, service=foreign.service
            )
        assert "configuration_item" in error.value.message_dict
        incident.refresh_from_db()
        assert incident.configuration_item is None
