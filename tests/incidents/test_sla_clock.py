"""The SLA clock ledger: due times from the policy, pauses, re-prioritisation, reopen,
first response, breach for good; the sweep and auto-close, each safe to run twice."""

from datetime import UTC, datetime, time, timedelta

import pytest
from django.utils import timezone

from incidents import services
from incidents.models import Channel, Kind, SlaEvent, Status
from incidents.signals import sla_at_risk
from incidents.sla import clock_for, countdowns, ledger
from tests.factories import (
    BusinessCalendarFactory,
    ContactFactory,
    FulfilmentTargetFactory,
    IncidentFactory,
    ServiceFactory,
    SlaPolicyFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

H = timedelta(hours=1)
MONDAY_9 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)  # a Monday


class FrozenClock:
    def __init__(self, start):
        self.now = start

    def advance(self, delta):
        self.now += delta


@pytest.fixture
def clock(monkeypatch):
    frozen = FrozenClock(MONDAY_9)
    monkeypatch.setattr(timezone, "now", lambda: frozen.now)
    return frozen


@pytest.fixture
def policy():
    """24x7 in UTC; P3: reaction 1 h, resolution 8 h; P2: reaction 30 min, resolution 4 h."""
    calendar = BusinessCalendarFactory(is_24x7=True, time_zone="UTC")
    return SlaPolicyFactory(calendar=calendar, targets={3: (60, 480), 2: (30, 240)})


@pytest.fixture
def agent():
    from servicedesk import roles

    user = UserFactory(roles=[roles.DESK_MANAGER])
    SupportGroupFactory(members=[user])
    return user


def register(policy, agent, **kwargs):
    contact = ContactFactory(organisation=policy.organisation)
    kwargs.setdefault("urgency", 3)
    kwargs.setdefault("impact", 3)  # P3 on the default matrix
    return services.incident_register(
        contact=contact, actor=agent, channel=Channel.PHONE, title="Broken", **kwargs
    )


def start_work(incident, agent):
    group = SupportGroupFactory(members=[agent])
    services.incident_assign(incident=incident, group=group, assignee=agent, actor=agent)
    services.incident_start_work(incident=incident, actor=agent)


class TestDueTimes:
    def test_registration_sets_reaction_and_resolution_due_from_the_policy(
        self, clock, policy, agent
    ):
        incident = register(policy, agent)
        assert incident.sla_policy == policy
        assert incident.response_due_at == MONDAY_9 + H
        assert incident.response_warn_at == MONDAY_9 + 45 * timedelta(minutes=1)
        assert incident.resolution_due_at == MONDAY_9 + 8 * H
        assert incident.resolution_warn_at == MONDAY_9 + 6 * H

    def test_without_a_policy_there_are_no_due_times(self, clock, agent):
        incident = IncidentFactory(actor=agent)
        assert incident.sla_policy is None
        assert incident.resolution_due_at is None and incident.response_due_at is None

    def test_business_hours_push_the_due_time_over_the_weekend(self, clock, agent):
        calendar = BusinessCalendarFactory(
            time_zone="UTC", hours=[(d, time(9), time(17)) for d in range(5)]
        )
        policy = SlaPolicyFactory(calendar=calendar, targets={3: (60, 120)})
        clock.now = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)  # Friday 16:00
        incident = register(policy, agent)
        assert incident.response_due_at == datetime(2026, 11, 6, 17, 0, tzinfo=UTC)
        assert incident.resolution_due_at == datetime(2026, 11, 9, 10, 0, tzinfo=UTC)  # Monday

    def test_a_request_uses_the_fulfilment_target_of_its_service(self, clock, policy, agent):
        service = ServiceFactory()
        FulfilmentTargetFactory(policy=policy, service=service, fulfilment_minutes=24 * 60)
        incident = register(policy, agent, kind=Kind.REQUEST, service=service)
        assert incident.resolution_due_at == MONDAY_9 + 24 * H


class TestPausesAndChanges:
    def test_information_needed_pauses_the_resolution_clock(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        clock.advance(H)
        services.incident_request_information(incident=incident, comment="Which VM?", actor=agent)
        incident.refresh_from_db()
        assert incident.resolution_due_at is None  # paused: cannot breach
        clock.advance(2 * H)
        services.incident_resume(incident=incident, actor=agent)
        incident.refresh_from_db()
        assert incident.resolution_due_at == MONDAY_9 + 10 * H  # 8 h target + 2 h paused
        explained = [s.text for s in clock_for(incident, ledger(incident)).steps]
        assert any("2 h 0 min paused" in text for text in explained)

    def test_reprioritising_keeps_the_elapsed_and_the_paused_time(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        clock.advance(H)
        services.incident_request_information(incident=incident, comment="Logs?", actor=agent)
        clock.advance(2 * H)
        services.incident_resume(incident=incident, actor=agent)
        clock.advance(H)  # 2 h elapsed so far, 2 h paused
        services.incident_classify(incident=incident, actor=agent, impact=1, urgency=3)
        incident.refresh_from_db()
        assert incident.priority == 2
        # 4 h target for P2, 2 h used: due in 2 h from now.
        assert incident.resolution_due_at == clock.now + 2 * H
        assert incident.response_due_at is None  # responded when it was assigned

    def test_reopening_continues_from_the_elapsed_time(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        clock.advance(3 * H)
        services.incident_complete(
            incident=incident, closure_code="resolved", resolution="Done", actor=agent
        )
        incident.refresh_from_db()
        assert incident.resolution_due_at is None and not incident.resolution_breached
        clock.advance(2 * H)  # time in Completed does not count
        customer = incident.contact
        customer_user = UserFactory()
        customer.user = customer_user
        customer.save()
        services.incident_reject_resolution(
            incident=incident, reason="Still down", actor=customer_user
        )
        incident.refresh_from_db()
        assert incident.status == Status.REJECTED_BY_USER
        assert incident.resolution_due_at == clock.now + 5 * H

    def test_a_changed_policy_rereads_the_ledger_by_its_own_rules(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        clock.advance(H)
        services.incident_engage_third_party(incident=incident, third_party="Vendor", actor=agent)
        clock.advance(2 * H)
        events = ledger(incident)
        assert clock_for(incident, events).resolution_due_at == MONDAY_9 + 8 * H
        incident.sla_policy.pause_statuses = ["information_needed", "external_processing"]
        # the two hours with the vendor no longer count, and the clock stands still now
        replay = clock_for(incident, events)
        assert replay.running is False and replay.resolution_elapsed == H


class TestFirstResponseAndBreach:
    def test_a_public_comment_is_the_first_response(self, clock, policy, agent):
        incident = register(policy, agent)
        clock.advance(timedelta(minutes=20))
        services.incident_add_comment(incident=incident, actor=agent, body="On it", is_public=True)
        incident.refresh_from_db()
        assert incident.first_response_at == MONDAY_9 + timedelta(minutes=20)
        assert incident.response_due_at is None and not incident.response_breached
        assert ledger(incident)[-1].kind == SlaEvent.Kind.RESPOND

    def test_a_late_first_response_is_a_reaction_breach(self, clock, policy, agent):
        incident = register(policy, agent)
        clock.advance(2 * H)
        start_work(incident, agent)
        incident.refresh_from_db()
        assert incident.response_breached

    def test_completing_late_is_a_breach_that_reopening_does_not_clear(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        clock.advance(9 * H)
        services.incident_complete(
            incident=incident, closure_code="resolved", resolution="Done", actor=agent
        )
        incident.refresh_from_db()
        assert incident.resolution_breached


class TestSweep:
    def test_sweep_marks_breaches_once(self, clock, policy, agent):
        incident = register(policy, agent)
        clock.advance(9 * H)
        # past both deadlines at once: breached, and no warning after the fact
        assert services.sla_sweep() == {
            "reaction_breached": 1,
            "resolution_breached": 1,
            "warned": 0,
        }
        incident.refresh_from_db()
        assert incident.response_breached and incident.resolution_breached
        assert services.sla_sweep() == {
            "reaction_breached": 0,
            "resolution_breached": 0,
            "warned": 0,
        }
        kinds = [e.kind for e in ledger(incident)]
        assert kinds.count(SlaEvent.Kind.BREACH) == 2 and SlaEvent.Kind.WARN not in kinds

    def test_sweep_warns_a_group_once_at_the_threshold(
        self, clock, policy, agent, django_capture_on_commit_callbacks
    ):
        incident = register(policy, agent)
        start_work(incident, agent)  # responded: only the resolution clock remains
        received = []

        def on_risk(sender, incident_ids, **kwargs):
            received.extend(incident_ids)

        sla_at_risk.connect(on_risk)
        try:
            clock.advance(5 * H)
            with django_capture_on_commit_callbacks(execute=True):
                services.sla_sweep()
            assert received == []
            clock.advance(H + timedelta(minutes=1))  # past 75 % of 8 h
            for _ in range(2):
                with django_capture_on_commit_callbacks(execute=True):
                    services.sla_sweep()
        finally:
            sla_at_risk.disconnect(on_risk)
        assert received == [incident.pk]

    def test_paused_tickets_never_breach(self, clock, policy, agent):
        incident = register(policy, agent)
        start_work(incident, agent)
        services.incident_request_information(incident=incident, comment="?", actor=agent)
        clock.advance(30 * H)
        assert services.sla_sweep()["resolution_breached"] == 0

    def test_sweep_query_count_does_not_grow_with_breaches(self, clock, policy, agent):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        def breach_round(count):
            for _ in range(count):
                register(policy, agent)
            clock.advance(7 * H)
            services.sla_sweep()  # reaction breaches and warnings
            clock.advance(2 * H)
            with CaptureQueriesContext(connection) as queries:
                assert services.sla_sweep()["resolution_breached"] == count
            return len(queries)

        assert breach_round(1) == breach_round(20)


class TestAutoClose:
    def _completed(self, policy, agent, clock):
        incident = register(policy, agent)
        start_work(incident, agent)
        services.incident_complete(
            incident=incident, closure_code="resolved", resolution="Done", actor=agent
        )
        return incident

    def test_completed_tickets_close_after_three_quiet_days_once(self, clock, policy, agent):
        incident = self._completed(policy, agent, clock)
        clock.advance(timedelta(days=3) - timedelta(minutes=1))
        assert services.auto_close_completed() == 0
        clock.advance(timedelta(minutes=2))
        assert services.auto_close_completed() == 1
        assert services.auto_close_completed() == 0
        incident.refresh_from_db()
        assert incident.status == Status.CLOSED
        last = incident.history.first()
        assert last.history_user is None
        assert "automatically" in last.history_change_reason

    def test_a_word_from_the_contact_keeps_the_ticket_open(self, clock, policy, agent):
        incident = self._completed(policy, agent, clock)
        customer_user = UserFactory()
        incident.contact.user = customer_user
        incident.contact.save()
        clock.advance(timedelta(days=2))
        services.incident_add_comment(incident=incident, actor=customer_user, body="Checking")
        clock.advance(timedelta(days=2))
        assert services.auto_close_completed() == 0
        clock.advance(timedelta(days=2))
        assert services.auto_close_completed() == 1

    def test_the_quiet_period_is_configurable(self, clock, policy, agent, settings):
        settings.AUTO_CLOSE_AFTER_DAYS = 1
        self._completed(policy, agent, clock)
        clock.advance(timedelta(days=1, minutes=1))
        assert services.auto_close_completed() == 1


def test_group_and_desk_managers_are_told_once_when_a_ticket_is_at_risk(
    clock, policy, agent, django_capture_on_commit_callbacks
):
    from servicedesk.models import Notification

    incident = register(policy, agent)
    start_work(incident, agent)
    clock.advance(6 * H + timedelta(minutes=1))
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            services.sla_sweep()
    warned = Notification.objects.filter(event="sla_digest")
    recipients = sorted(warned.values_list("recipient_email", flat=True))
    assert recipients == [agent.email]  # the group member, who is also the desk manager
    assert "1 at risk" in warned.get().subject
    assert incident.number in warned.get().body


class TestDigest:
    """Defects 5 and 17: one digest per sweep and recipient, naming the clock at risk."""

    def test_a_backlog_gives_each_recipient_one_digest(
        self, clock, policy, agent, django_capture_on_commit_callbacks, mailoutbox
    ):
        from servicedesk import roles
        from servicedesk.models import Notification

        other_manager = UserFactory(roles=[roles.DESK_MANAGER])
        made = [register(policy, agent) for _ in range(6)]
        for incident in made[:3]:
            start_work(incident, agent)  # responded: only resolution can breach
        clock.advance(9 * H)
        with django_capture_on_commit_callbacks(execute=True):
            assert services.sla_sweep()["resolution_breached"] == 6
        digests = Notification.objects.filter(event="sla_digest")
        assert sorted(digests.values_list("recipient_email", flat=True)) == sorted(
            [agent.email, other_manager.email]
        )
        assert len(mailoutbox) == 2
        body = digests.get(recipient_email=other_manager.email).body
        assert all(incident.number in body for incident in made)
        assert (
            Notification.objects.exclude(event="sla_digest").filter(event__startswith="sla").count()
            == 0
        )

    def test_the_mail_names_the_clock_at_risk_in_the_recipients_time_zone(
        self, clock, agent, django_capture_on_commit_callbacks, settings
    ):
        from servicedesk.models import Notification

        settings.TIME_ZONE = "Europe/Berlin"
        calendar = BusinessCalendarFactory(is_24x7=True, time_zone="UTC")
        p1 = SlaPolicyFactory(calendar=calendar, targets={1: (60, 240), 3: (60, 480)})
        incident = register(p1, agent, urgency=1, impact=1)
        assert incident.priority == 1
        clock.advance(50 * timedelta(minutes=1))  # reaction 75 % used, resolution not
        with django_capture_on_commit_callbacks(execute=True):
            services.sla_sweep()
        digest = Notification.objects.get(event="sla_digest")
        # reaction due 10:00 UTC = 11:00 in Berlin; resolution (13:00 UTC) is not at risk
        assert "Reaction due 02 Nov 2026 11:00 (Europe/Berlin)" in digest.body
        assert "14:00" not in digest.body


class TestFirstResponseIsRecordedOnce:
    """Defect 3: a later classify or assign must not move the first response."""

    def test_later_actions_do_not_move_the_first_response(self, clock, policy, agent):
        incident = register(policy, agent)
        clock.advance(timedelta(minutes=10))
        services.incident_classify(incident=incident, actor=agent, impact=3, urgency=3)
        clock.advance(2 * H)
        services.incident_classify(incident=incident, actor=agent, impact=2, urgency=3)
        clock.advance(H)
        group = SupportGroupFactory(members=[agent])
        services.incident_assign(incident=incident, group=group, assignee=agent, actor=agent)
        services.incident_start_work(incident=incident, actor=agent)
        incident.refresh_from_db()
        assert incident.first_response_at == MONDAY_9 + timedelta(minutes=10)
        kinds = [e.kind for e in ledger(incident)]
        assert kinds.count(SlaEvent.Kind.RESPOND) == 1
        assert not incident.response_breached

    def test_met_or_missed_is_judged_on_the_first_response(self, clock, policy, agent):
        incident = register(policy, agent)
        clock.advance(2 * H)  # the reaction (1 h) was due an hour ago
        services.incident_classify(incident=incident, actor=agent, impact=3, urgency=3)
        clock.advance(H)
        group = SupportGroupFactory(members=[agent])
        services.incident_assign(incident=incident, group=group, assignee=agent, actor=agent)
        incident.refresh_from_db()
        assert incident.first_response_at == MONDAY_9 + 2 * H
        assert incident.response_breached
        reaction = countdowns(incident, clock_for(incident, ledger(incident)))[0]
        assert reaction.state == "breached"


class TestRecomputeWhenTermsChange:
    """Defect 4: a new holiday or changed policy moves the due times of open tickets."""

    @pytest.fixture
    def office(self):
        calendar = BusinessCalendarFactory(
            time_zone="UTC", hours=[(d, time(9), time(17)) for d in range(5)]
        )
        return SlaPolicyFactory(calendar=calendar, targets={3: (60, 120)})

    def test_a_holiday_on_the_due_day_moves_the_due_time_once(self, clock, office, agent):
        from incidents.sla_recompute import sla_recompute_open
        from tests.factories import CalendarHolidayFactory

        clock.now = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)  # Friday 16:00
        incident = register(office, agent)
        closed = register(office, agent)
        start_work(closed, agent)
        services.incident_complete(
            incident=closed, closure_code="resolved", resolution="Done", actor=agent
        )
        assert incident.resolution_due_at == datetime(2026, 11, 9, 10, 0, tzinfo=UTC)
        CalendarHolidayFactory(calendar=office.calendar, date=datetime(2026, 11, 9).date())

        assert sla_recompute_open(policy_ids=[office.pk]) == incident.pk
        incident.refresh_from_db()
        assert incident.resolution_due_at == datetime(2026, 11, 10, 10, 0, tzinfo=UTC)
        assert incident.response_due_at == datetime(2026, 11, 6, 17, 0, tzinfo=UTC)  # same day
        events = ledger(incident)
        assert events[-1].kind == SlaEvent.Kind.POLICY
        # idempotent: a second run changes nothing and adds nothing to the ledger
        sla_recompute_open(policy_ids=[office.pk])
        assert len(ledger(incident)) == len(events)

    def test_tickets_are_recomputed_in_batches_with_a_fixed_number_of_queries(
        self, clock, office, agent, django_assert_max_num_queries
    ):
        from incidents.sla_recompute import sla_recompute_open

        made = [register(office, agent) for _ in range(6)]
        office.targets.update(resolution_minutes=240)
        done, after = [], 0
        while True:
            with django_assert_max_num_queries(11):  # whatever the batch size
                after = sla_recompute_open(policy_ids=[office.pk], after=after, batch=2)
            if after is None:
                break
            done.append(after)
        assert done == [made[1].pk, made[3].pk, made[5].pk]
        for incident in made:
            incident.refresh_from_db()
            assert incident.resolution_due_at == MONDAY_9 + 4 * H

    def test_the_task_walks_every_batch(self, clock, office, agent, settings):
        from incidents import tasks

        made = [register(office, agent) for _ in range(3)]
        office.targets.update(resolution_minutes=240)
        tasks.sla_recompute.delay([office.pk], batch=2)  # eager in tests
        for incident in made:
            incident.refresh_from_db()
            assert incident.resolution_due_at == MONDAY_9 + 4 * H
