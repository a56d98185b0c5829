"""Major incidents, the services (incidents/services/major.py): who may declare one, which
tickets may hang off it, what is suggested, each update mailed once per affected contact
(and never twice, however often the task runs), and resolving it completing the children
with each contact told once."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from incidents import services, tasks
from incidents.exceptions import StaleTicket
from incidents.models import (
    ClosureCode,
    Comment,
    Incident,
    Kind,
    MajorIncidentUpdate,
    Status,
    TicketCc,
)
from servicedesk import roles
from servicedesk.models import Contact, Notification
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    ServiceFactory,
    UserFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committing(django_capture_on_commit_callbacks):
    """Run a block as if its transaction committed: tasks run, mail is sent (eager)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def storage():
    return ServiceFactory(name="Object storage")


@pytest.fixture
def incident(desk_manager, contact_a, storage):
    """Organisation A's report that object storage is down, being worked."""
    return make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        contact=contact_a.contact,
        service=storage,
        title="S3 endpoint answers 503",
    )


def declare(incident, actor, **kwargs):
    return services.incident_declare_major(
        incident=incident,
        manager=kwargs.pop("manager", actor),
        reason=kwargs.pop("reason", "Storage down for many customers"),
        actor=actor,
        **kwargs,
    )


@pytest.fixture
def major(incident, desk_manager):
    return declare(incident, desk_manager)


def grant_declare(user) -> None:
    """The permission through a group, as an admin would grant it."""
    group, _ = Group.objects.get_or_create(name="Major incident coordinators")
    group.permissions.add(Permission.objects.get(codename="declare_major"))
    user.groups.add(group)


def child_of(storage, **kwargs) -> Incident:
    return IncidentFactory.create(service=storage, **kwargs)


# ----- declaring ---------------------------------------------------------------------------


class TestDeclare:
    @pytest.mark.parametrize(
        ("actor", "granted", "allowed"),
        [
            ("desk_manager", False, True),
            ("l2", True, True),
            ("l2", False, False),
            ("l1", True, False),
            ("l1", False, False),
            ("l3", True, False),
            ("problem_manager", True, False),
            ("contact_a", False, False),
            ("outsider", True, False),
        ],
    )
    def test_the_desk_manager_or_an_l2_agent_with_the_permission_declares(
        self, actors, incident, desk_manager, actor, granted, allowed
    ):
        user = actors[actor]
        if granted:
            grant_declare(user)
        if allowed:
            declare(incident, user, manager=desk_manager)
            incident.refresh_from_db()
            assert incident.is_major
        else:
            with pytest.raises(PermissionDenied):
                declare(incident, user, manager=desk_manager)
            incident.refresh_from_db()
            assert not incident.is_major

    def test_declaring_names_the_manager_and_the_outage_start_and_says_why(
        self, incident, desk_manager, l2
    ):
        before = incident.version
        started = timezone.now() - timedelta(minutes=20)
        declare(incident, desk_manager, manager=l2, outage_started_at=started, reason="All down")
        incident.refresh_from_db()
        assert incident.major_manager == l2
        assert incident.outage_started_at == started
        assert incident.outage_ended_at is None
        assert incident.version == before + 1
        last = incident.history.order_by("-history_id").first()
        assert last.history_change_reason == "Declared a major incident: All down"
        assert last.history_user == desk_manager

    def test_without_a_known_start_the_outage_starts_when_the_ticket_was_registered(
        self, incident, desk_manager
    ):
        declare(incident, desk_manager)
        incident.refresh_from_db()
        assert incident.outage_started_at == incident.registered_at

    @pytest.mark.parametrize(
        "make",
        [
            pytest.param(lambda s: make_incident_in(Status.COMPLETED, service=s), id="completed"),
            pytest.param(lambda s: make_incident_in(Status.CLOSED, service=s), id="closed"),
            pytest.param(lambda s: IncidentFactory(kind=Kind.REQUEST, service=s), id="request"),
        ],
    )
    def test_only_an_open_incident_becomes_major(self, desk_manager, storage, make):
        ticket = make(storage)
        with pytest.raises(ValidationError):
            declare(ticket, desk_manager)
        ticket.refresh_from_db()
        assert not ticket.is_major

    def test_a_major_incident_is_not_declared_twice(self, major, desk_manager):
        with pytest.raises(ValidationError, match="is a major incident already"):
            declare(major, desk_manager)

    def test_a_child_is_not_declared_major(self, major, desk_manager, storage):
        child = child_of(storage)
        services.incident_link_child(parent=major, child=child, actor=desk_manager)
        with pytest.raises(ValidationError, match="part of a major incident"):
            declare(child, desk_manager)

    def test_the_manager_must_be_an_agent_and_the_reason_and_start_make_sense(
        self, incident, desk_manager, problem_manager
    ):
        with pytest.raises(ValidationError) as refused:
            declare(
                incident,
                desk_manager,
                manager=problem_manager,
                reason="  ",
                outage_started_at=timezone.now() + timedelta(hours=1),
            )
        assert set(refused.value.error_dict) == {"manager", "reason", "outage_started_at"}

    def test_a_stale_form_is_refused(self, incident, desk_manager):
        with pytest.raises(StaleTicket):
            declare(incident, desk_manager, expected_version=incident.version - 1)
        incident.refresh_from_db()
        assert not incident.is_major


# ----- children ----------------------------------------------------------------------------


class TestLinking:
    def test_linked_tickets_hang_off_the_major_incident_and_their_history_says_so(
        self, major, storage, l1
    ):
        first, second = child_of(storage), child_of(storage)
        versions = [first.version, second.version]
        linked = services.incident_link_children(parent=major, children=[first, second], actor=l1)
        assert {t.pk for t in linked} == {first.pk, second.pk}
        assert set(major.children.all()) == {first, second}
        for child, version in zip([first, second], versions, strict=True):
            child.refresh_from_db()
            assert child.version == version  # forms open on the child stay valid
            last = child.history.order_by("-history_id").first()
            assert last.history_change_reason == f"Linked to major incident {major.number}"
            assert last.history_user == l1
            assert last.parent_id == major.pk

    def test_linking_again_changes_nothing(self, major, storage, l1):
        child = child_of(storage)
        services.incident_link_child(parent=major, child=child, actor=l1)
        rows = child.history.count()
        assert services.incident_link_children(parent=major, children=[child], actor=l1) == []
        assert child.history.count() == rows

    @pytest.mark.parametrize("actor", ["problem_manager", "kb_manager", "contact_a", "outsider"])
    def test_only_agents_link(self, actors, major, storage, actor):
        child = child_of(storage)
        with pytest.raises(PermissionDenied):
            services.incident_link_child(parent=major, child=child, actor=actors[actor])
        child.refresh_from_db()
        assert child.parent_id is None

    def test_a_ticket_has_one_parent(self, major, storage, desk_manager, l1):
        other = declare(make_incident_in(Status.IN_PROGRESS, service=storage), desk_manager)
        child = child_of(storage)
        services.incident_link_child(parent=other, child=child, actor=l1)
        with pytest.raises(ValidationError, match="part of another major incident"):
            services.incident_link_child(parent=major, child=child, actor=l1)
        child.refresh_from_db()
        assert child.parent_id == other.pk

    def test_a_major_incident_is_nobodys_child(self, major, storage, desk_manager, l1):
        other = declare(make_incident_in(Status.IN_PROGRESS, service=storage), desk_manager)
        with pytest.raises(ValidationError, match="is a major incident itself"):
            services.incident_link_child(parent=major, child=other, actor=l1)
        with pytest.raises(ValidationError, match="the major incident itself"):
            services.incident_link_child(parent=major, child=major, actor=l1)

    def test_closed_tickets_and_requests_are_not_linked(self, major, storage, l1):
        closed = make_incident_in(Status.CLOSED, service=storage)
        request = IncidentFactory(kind=Kind.REQUEST, service=storage)
        with pytest.raises(ValidationError) as refused:
            services.incident_link_children(parent=major, children=[closed, request], actor=l1)
        (messages,) = refused.value.error_dict.values()
        text = " ".join(m for e in messages for m in e.messages)
        assert f"{closed.number} is closed" in text
        assert f"{request.number} is a service request" in text

    def test_one_bad_ticket_links_none(self, major, storage, l1):
        good, closed = child_of(storage), make_incident_in(Status.CLOSED, service=storage)
        with pytest.raises(ValidationError):
            services.incident_link_children(parent=major, children=[good, closed], actor=l1)
        good.refresh_from_db()
        assert good.parent_id is None

    def test_a_completed_ticket_may_be_linked(self, major, storage, l1):
        completed = make_incident_in(Status.COMPLETED, service=storage)
        services.incident_link_child(parent=major, child=completed, actor=l1)
        completed.refresh_from_db()
        assert completed.parent_id == major.pk

    def test_only_an_open_major_incident_takes_tickets(self, incident, storage, l1, desk_manager):
        child = child_of(storage)
        with pytest.raises(ValidationError, match="is not a major incident"):
            services.incident_link_child(parent=incident, child=child, actor=l1)
        declare(incident, desk_manager)
        services.incident_complete(
            incident=incident,
            closure_code=ClosureCode.RESOLVED,
            resolution="ok",
            actor=desk_manager,
        )
        with pytest.raises(ValidationError, match="takes no more tickets"):
            services.incident_link_child(parent=incident, child=child, actor=l1)


class TestUnlinking:
    @pytest.fixture
    def child(self, major, storage, l1):
        ticket = child_of(storage)
        services.incident_link_child(parent=major, child=ticket, actor=l1)
        return ticket

    def test_the_coordinator_takes_a_ticket_off_and_its_history_says_so(
        self, major, child, desk_manager
    ):
        services.incident_unlink_child(parent=major, child=child, actor=desk_manager)
        child.refresh_from_db()
        assert child.parent_id is None
        last = child.history.order_by("-history_id").first()
        assert last.history_change_reason == f"Taken off major incident {major.number}"

    def test_the_named_manager_coordinates_without_the_permission(
        self, incident, desk_manager, l3, storage
    ):
        major = declare(incident, desk_manager, manager=l3)
        ticket = child_of(storage)
        services.incident_link_child(parent=major, child=ticket, actor=l3)
        services.incident_unlink_child(parent=major, child=ticket, actor=l3)
        ticket.refresh_from_db()
        assert ticket.parent_id is None

    @pytest.mark.parametrize("actor", ["l1", "l2", "problem_manager", "contact_a"])
    def test_who_does_not_coordinate_may_not_take_tickets_off(self, actors, major, child, actor):
        with pytest.raises(PermissionDenied):
            services.incident_unlink_child(parent=major, child=child, actor=actors[actor])

    def test_a_ticket_not_linked_is_not_taken_off(self, major, storage, desk_manager):
        with pytest.raises(ValidationError, match="is not part of"):
            services.incident_unlink_child(
                parent=major, child=child_of(storage), actor=desk_manager
            )


class TestSuggestions:
    def test_open_incidents_on_the_service_from_the_last_hour_not_linked_yet(
        self, major, storage, desk_manager, l1
    ):
        with time_machine.travel(timezone.now() - timedelta(minutes=90)):
            old = child_of(storage, title="Too old")
        fresh = child_of(storage, title="Fresh")
        in_progress = make_incident_in(Status.IN_PROGRESS, service=storage, title="Worked")
        linked = child_of(storage, title="Linked")
        services.incident_link_child(parent=major, child=linked, actor=l1)
        other_service = IncidentFactory(service=ServiceFactory(), title="Elsewhere")
        request = IncidentFactory(kind=Kind.REQUEST, service=storage, title="A request")
        completed = make_incident_in(Status.COMPLETED, service=storage, title="Done")
        other_major = declare(
            make_incident_in(Status.IN_PROGRESS, service=storage, title="Other major"),
            desk_manager,
        )

        suggested = list(services.incident_suggest_children(major))

        assert suggested == [in_progress, fresh]  # newest first
        for left_out in [old, linked, other_service, request, completed, other_major, major]:
            assert left_out not in suggested

    def test_nothing_is_suggested_for_a_major_incident_without_a_service(self, desk_manager):
        major = declare(make_incident_in(Status.IN_PROGRESS), desk_manager)
        IncidentFactory()
        assert list(services.incident_suggest_children(major)) == []


# ----- the outage --------------------------------------------------------------------------


class TestOutage:
    def test_ending_the_outage_sets_its_end_now(self, major, desk_manager):
        services.incident_end_outage(incident=major, actor=desk_manager)
        major.refresh_from_db()
        assert major.outage_ended_at is not None
        assert major.outage_ended_at >= major.outage_started_at
        with pytest.raises(ValidationError, match="ended already"):
            services.incident_end_outage(incident=major, actor=desk_manager)

    def test_the_window_is_corrected_within_reason(self, major, desk_manager):
        now = timezone.now()
        services.incident_set_outage(
            incident=major,
            started_at=now - timedelta(hours=2),
            ended_at=now - timedelta(hours=1),
            actor=desk_manager,
        )
        major.refresh_from_db()
        assert major.outage_ended_at - major.outage_started_at == timedelta(hours=1)
        with pytest.raises(ValidationError) as refused:
            services.incident_set_outage(
                incident=major,
                started_at=now - timedelta(hours=1),
                ended_at=now - timedelta(hours=2),
                actor=desk_manager,
            )
        assert set(refused.value.error_dict) == {"outage_ended_at"}
        with pytest.raises(ValidationError) as refused:
            services.incident_set_outage(
                incident=major, started_at=None, ended_at=now + timedelta(1), actor=desk_manager
            )
        assert set(refused.value.error_dict) == {"outage_started_at", "outage_ended_at"}

    def test_only_the_coordinators_set_the_outage(self, major, l1):
        with pytest.raises(PermissionDenied):
            services.incident_end_outage(incident=major, actor=l1)

    def test_a_ticket_that_is_not_major_has_no_outage(self, incident, desk_manager):
        with pytest.raises(ValidationError, match="is not a major incident"):
            services.incident_end_outage(incident=incident, actor=desk_manager)


# ----- the update log and its broadcast ----------------------------------------------------


@pytest.fixture
def family(major, storage, org_a, org_b, contact_a, l1):
    """The major incident (Alice of A) with children: two from Carol of B, one from Dave
    of B who copies Erin, and one from Alice again; Carol and Dave share no address."""
    carol = ContactFactory(organisation=org_b, name="Carol Customer", email="carol@b.test")
    dave = ContactFactory(organisation=org_b, name="Dave Customer", email="dave@b.test")
    erin = ContactFactory(organisation=org_b, name="Erin Customer", email="erin@b.test")
    children = [
        child_of(storage, contact=carol, title="Backups fail"),
        child_of(storage, contact=carol, title="Uploads fail"),
        child_of(storage, contact=dave, title="Bucket unreachable"),
        child_of(storage, contact=contact_a.contact, title="Also down for us"),
    ]
    TicketCc.objects.create(incident=children[2], contact=erin)
    services.incident_link_children(parent=major, children=children, actor=l1)
    return {"major": major, "children": children, "carol": carol, "dave": dave, "erin": erin}


def update_mail() -> dict[str, list]:
    found: dict[str, list] = {}
    for message in mail.outbox:
        if "Update on the disruption" in message.subject or "Aktualisierung" in message.subject:
            found.setdefault(message.to[0], []).append(message)
    return found


class TestUpdates:
    def test_each_affected_contact_gets_an_update_once(self, family, desk_manager, committing):
        with committing():
            update = services.major_post_update(
                incident=family["major"],
                text="Engineers are replacing a switch.",
                actor=desk_manager,
            )
        sent = update_mail()
        assert set(sent) == {"alice@a.test", "carol@b.test", "dave@b.test", "erin@b.test"}
        assert all(len(messages) == 1 for messages in sent.values())
        rows = Notification.objects.filter(event="major_update")
        assert rows.count() == 4
        assert all(row.dedupe_key.startswith(f"major_update:{update.pk}:") for row in rows)

    def test_each_hears_on_their_own_ticket_without_the_parents_internals(
        self, family, desk_manager, committing
    ):
        with committing():
            services.major_post_update(
                incident=family["major"],
                text="Engineers are replacing a switch.",
                actor=desk_manager,
            )
        major, children = family["major"], family["children"]
        (carol,) = update_mail()["carol@b.test"]
        assert carol.subject.startswith(f"[{children[0].number}] ")  # her first ticket
        assert "Object storage" in carol.subject
        assert "Engineers are replacing a switch." in carol.body
        assert major.number not in carol.body + carol.subject
        assert major.title not in carol.body
        (alice,) = update_mail()["alice@a.test"]
        assert alice.subject.startswith(f"[{major.number}] ")  # hers is the major incident
        row = Notification.objects.get(event="major_update", recipient_email="carol@b.test")
        assert row.target == children[0]
        assert row.contact == family["carol"]

    @pytest.mark.translations
    def test_each_contact_reads_it_in_their_language(self, family, desk_manager, committing):
        Contact.objects.filter(pk=family["dave"].pk).update(language="de")
        with committing():
            services.major_post_update(
                incident=family["major"], text="Wir tauschen einen Switch.", actor=desk_manager
            )
        (dave,) = [m for m in mail.outbox if m.to == ["dave@b.test"]]
        (carol,) = [m for m in mail.outbox if m.to == ["carol@b.test"]]
        assert dave.body.startswith("Guten Tag Dave Customer,")
        assert "Ihr Service Desk" in dave.body
        assert "Your service desk" in carol.body

    def test_the_update_is_queued_when_it_commits(
        self, family, desk_manager, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            services.major_post_update(
                incident=family["major"], text="Still working on it.", actor=desk_manager
            )
        assert not Notification.objects.filter(event="major_update").exists()
        assert len(callbacks) == 1

    def test_running_the_task_twice_sends_one_mail_per_contact(
        self, family, desk_manager, committing
    ):
        with committing():
            update = services.major_post_update(
                incident=family["major"], text="Still working on it.", actor=desk_manager
            )
        sent = len(mail.outbox)
        with committing():
            assert tasks.broadcast_major_update.delay(update.pk).get() == 0
            assert services.major_update_broadcast(update_id=update.pk) == 0
        assert len(mail.outbox) == sent
        assert Notification.objects.filter(event="major_update").count() == 4

    def test_two_updates_are_two_mails(self, family, desk_manager, committing):
        with committing():
            for text in ["First.", "Second."]:
                services.major_post_update(incident=family["major"], text=text, actor=desk_manager)
        assert all(len(m) == 2 for m in update_mail().values())

    def test_an_update_is_in_the_log_with_its_history(self, major, desk_manager):
        update = services.major_post_update(incident=major, text=" Working. ", actor=desk_manager)
        assert list(MajorIncidentUpdate.objects.filter(incident=major)) == [update]
        assert update.text == "Working."
        assert update.posted_by == desk_manager
        assert update.history.get().history_user == desk_manager

    @pytest.mark.parametrize("actor", ["l1", "l2", "problem_manager", "contact_a"])
    def test_who_does_not_coordinate_posts_no_update(self, actors, major, actor):
        with pytest.raises(PermissionDenied):
            services.major_post_update(incident=major, text="Hello", actor=actors[actor])
        assert not MajorIncidentUpdate.objects.exists()

    def test_an_empty_update_is_refused_next_to_its_field(self, major, desk_manager):
        with pytest.raises(ValidationError) as refused:
            services.major_post_update(incident=major, text="   ", actor=desk_manager)
        assert set(refused.value.error_dict) == {"text"}

    def test_an_inactive_contact_or_one_without_an_address_is_not_mailed(
        self, family, desk_manager, committing
    ):
        Contact.objects.filter(pk=family["erin"].pk).update(is_active=False)
        with committing():
            services.major_post_update(incident=family["major"], text="News.", actor=desk_manager)
        assert "erin@b.test" not in update_mail()


# ----- resolution ----------------------------------------------------------------------------


def completed_mail() -> dict[str, list]:
    found: dict[str, list] = {}
    for message in mail.outbox:
        if "Status: Completed" in message.subject:
            found.setdefault(message.to[0], []).append(message)
    return found


class TestResolution:
    def test_resolving_completes_every_open_child_with_the_parents_resolution(
        self, family, desk_manager, storage, l1
    ):
        major, children = family["major"], family["children"]
        worked = make_incident_in(Status.IN_PROGRESS, service=storage)
        asked = make_incident_in(Status.INFORMATION_NEEDED, service=storage)
        rejected = make_incident_in(Status.REJECTED_BY_USER, service=storage)
        done = make_incident_in(Status.COMPLETED, service=storage, closure_code="workaround")
        services.incident_link_children(
            parent=major, children=[worked, asked, rejected, done], actor=l1
        )

        services.incident_complete(
            incident=major,
            closure_code=ClosureCode.RESOLVED,
            resolution="The storage switch was replaced.",
            actor=desk_manager,
        )

        major.refresh_from_db()
        assert major.status == Status.COMPLETED
        assert major.outage_ended_at == major.resolved_at
        for child in [*children, worked, asked, rejected]:
            child.refresh_from_db()
            assert child.status == Status.COMPLETED
            assert child.closure_code == ClosureCode.RESOLVED
            assert child.resolved_at == major.resolved_at
            assert child.first_response_at is not None
            comment = Comment.objects.filter(incident=child).order_by("-pk").first()
            assert comment.body == "The storage switch was replaced."
            assert comment.is_public
            last = child.history.order_by("-history_id").first()
            assert last.status == Status.COMPLETED
            assert last.history_user == desk_manager
            assert last.history_change_reason == "The storage switch was replaced."
        done.refresh_from_db()
        assert done.closure_code == "workaround"  # already completed: left as it was

    def test_each_contact_is_told_once(self, family, desk_manager, committing):
        with committing():
            services.incident_complete(
                incident=family["major"],
                closure_code=ClosureCode.RESOLVED,
                resolution="The storage switch was replaced.",
                actor=desk_manager,
            )
        sent = completed_mail()
        # Alice has the major incident and a child, Carol two children; Erin is CC'd.
        assert set(sent) == {"alice@a.test", "carol@b.test", "dave@b.test", "erin@b.test"}
        assert all(len(messages) == 1 for messages in sent.values())
        (alice,) = sent["alice@a.test"]
        # Her child's status mail, not a second one from the parent.
        assert alice.subject.startswith(f"[{family['children'][3].number}] ")
        assert "The storage switch was replaced." in alice.body

    def test_a_child_completed_on_its_own_is_told_as_usual(self, family, desk_manager, committing):
        child = family["children"][2]
        with committing():
            services.incident_complete_as_invalid(
                incident=child,
                closure_code=ClosureCode.INVALID,
                reason="Same as the outage.",
                actor=desk_manager,
            )
        assert set(completed_mail()) == {"dave@b.test", "erin@b.test"}

    def test_no_one_may_complete_a_child_by_its_major_incidents_transition(self, actors, family):
        child = family["children"][0]
        child.closure_code = ClosureCode.RESOLVED
        assert not any(
            t.has_perm(child, user)
            for t in child.get_all_status_transitions()
            if t.name == "complete_with_major_incident"
            for user in actors.values()
        )

    def test_a_major_incident_with_open_children_is_not_waved_away_as_invalid(
        self, storage, desk_manager, l1
    ):
        major = declare(IncidentFactory(service=storage), desk_manager)
        services.incident_link_child(parent=major, child=child_of(storage), actor=l1)
        with pytest.raises(ValidationError, match="Its tickets are still open"):
            services.incident_complete_as_invalid(
                incident=major, closure_code=ClosureCode.INVALID, reason="dup", actor=l1
            )


def test_the_declare_permission_exists_for_the_admin_to_grant():
    permission = Permission.objects.get(codename="declare_major")
    assert permission.content_type.app_label == "incidents"
    user = UserFactory(roles=[roles.L2_AGENT])
    grant_declare(user)
    assert user.has_perm("incidents.declare_major")
