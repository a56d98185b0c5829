"""`manage.py seed_demo`: the data `make run` shows a newcomer."""

import itertools
import logging
from datetime import datetime, timedelta
from importlib import import_module
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.apps import apps as django_apps
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Max, Min, Q
from django.test import TestCase
from django.utils import timezone
from kombu import pools

from incidents.demo import TICKETS, opened_at, timeline
from incidents.demo_tickets import Ticket
from incidents.models import Comment, Incident, SlaEvent, Status
from servicedesk.celery import app as celery_app
from servicedesk.models import Contact, Notification, Organisation

STAFF_LOGINS = [
    "l1",
    "l2",
    "l3",
    "desk-manager",
    "problem-manager",
    "change-manager",
    "cab1",
    "cab2",
    "kb-manager",
    "admin",
]
CONTACT_LOGINS = {"northwind": "C-1001", "contoso": "C-2002"}
OPEN = [s for s in Status if s not in (Status.COMPLETED, Status.CLOSED)]


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def restore_migrated_data() -> None:
    """The roles and the priority matrix a data migration puts in, which the flush after
    an earlier transactional test in the same process removed (get_or_create)."""
    migration = import_module("servicedesk.migrations.0002_roles_and_priority_matrix")
    migration.create_roles_and_matrix(django_apps, None)


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the class (with the after-commit side effects, as a real run),
    inside a transaction rolled back afterwards; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        restore_migrated_data()
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = seed()
        yield output
        transaction.set_rollback(True)


@pytest.mark.usefixtures("seeded", "db")
class TestSeedDemo:
    def test_a_second_run_changes_nothing(self):
        tickets, comments, users = (
            Incident.objects.count(),
            Comment.objects.count(),
            get_user_model().objects.count(),
        )

        output = seed()

        assert "already there" in output
        assert Incident.objects.count() == tickets
        assert Comment.objects.count() == comments
        assert get_user_model().objects.count() == users
        assert Organisation.objects.count() == 2

    def test_tickets_exist_in_every_status(self):
        present = set(Incident.objects.values_list("status", flat=True))

        assert present == set(Status.values)
        assert Incident.objects.count() >= 30

    def test_tickets_link_knowledge_articles_and_some_were_resolved_with_one(self):
        from incidents.models import TicketArticle

        resolved = Incident.objects.filter(resolved_with__isnull=False).select_related(
            "resolved_with"
        )
        assert resolved.count() >= 3
        for ticket in resolved:
            link = TicketArticle.objects.get(incident=ticket, article=ticket.resolved_with)
            assert link.use_counted_at is not None
            assert ticket.resolved_with.use_count >= 1
        assert TicketArticle.objects.filter(use_counted_at__isnull=True).exists()  # only linked

    def test_the_triage_queue_has_at_least_six_registered_tickets(self):
        assert Incident.objects.filter(status=Status.REGISTERED).count() >= 6

    def test_l2_and_l3_have_work_in_their_own_line(self):
        working = [Status.ASSIGNED, Status.IN_PROGRESS]
        for username, line in [("l2", "l2"), ("l3", "l3")]:
            assert Incident.objects.filter(
                assignee__username=username, support_group__line=line, status__in=working
            ).exists()

    def test_every_ticket_has_a_history_that_names_who_acted(self):
        moved = Incident.objects.exclude(status=Status.REGISTERED)
        for ticket in moved:
            actors = {h.history_user_id for h in ticket.history.all()}
            assert actors - {None}, ticket.number

    # ----- weeks of history, so that the SLA and closed views have something to show ----

    def test_the_history_spans_at_least_two_weeks_and_ends_before_now(self):
        span = Incident.history.aggregate(first=Min("history_date"), last=Max("history_date"))

        assert span["last"] - span["first"] >= timedelta(days=14)
        assert span["last"] <= timezone.now()
        comment_days = {c.date() for c in Comment.objects.values_list("created_at", flat=True)}
        assert len(comment_days) >= 7

    def test_the_sweep_has_marked_open_tickets_breached_and_at_risk(self):
        open_tickets = Incident.objects.filter(status__in=OPEN)
        breached = open_tickets.filter(Q(response_breached=True) | Q(resolution_breached=True))
        at_risk = open_tickets.filter(
            sla_warned=True, response_breached=False, resolution_breached=False
        )

        assert breached.filter(response_breached=True).exists()
        assert breached.filter(resolution_breached=True).exists()
        assert at_risk.exists()
        # The sweep put them on the ledgers, at the real time, not back-dated.
        assert SlaEvent.objects.filter(
            kind=SlaEvent.Kind.BREACH, at__gte=timezone.now() - timedelta(minutes=10)
        ).exists()

    def test_closed_tickets_were_confirmed_or_closed_after_three_quiet_days(self):
        closed = Incident.objects.filter(status=Status.CLOSED)
        auto = [
            t
            for t in closed
            if t.history.filter(history_change_reason__startswith="Closed automatically")
        ]
        confirmed = [
            t for t in closed if t.history.filter(history_change_reason="Resolution confirmed")
        ]

        assert confirmed
        assert auto
        for ticket in auto:
            assert ticket.closed_at - ticket.resolved_at >= timedelta(days=3)

    def test_contacts_rated_some_closed_tickets_for_the_dashboards_csat(self):
        from incidents.models import SatisfactionRating

        scores = sorted(SatisfactionRating.objects.values_list("score", flat=True))
        assert scores == [2, 4, 5]
        assert not SatisfactionRating.objects.exclude(incident__status=Status.CLOSED).exists()

    def test_a_ticket_rejected_by_the_contact_was_reworked(self):
        reopened = Incident.objects.filter(
            sla_events__kind=SlaEvent.Kind.STATUS,
            sla_events__status=Status.REJECTED_BY_USER,
            status__in=[Status.IN_PROGRESS, Status.CLOSED],
        )

        assert reopened.filter(status=Status.IN_PROGRESS).exists()
        assert reopened.filter(status=Status.CLOSED).exists()

    def test_times_on_each_ticket_agree_with_its_ledger(self):
        for ticket in Incident.objects.prefetch_related("sla_events"):
            events = sorted(ticket.sla_events.all(), key=lambda e: (e.at, e.pk))
            assert events[0].kind == SlaEvent.Kind.START
            assert events[0].at == ticket.registered_at, ticket.number
            if ticket.first_response_at:
                assert ticket.first_response_at >= ticket.registered_at
            for later in (ticket.assigned_at, ticket.resolved_at, ticket.closed_at):
                assert later is None or later >= ticket.registered_at, ticket.number

    def test_the_first_response_is_the_first_one_on_the_ledger(self):
        for ticket in Incident.objects.exclude(first_response_at=None):
            first = ticket.sla_events.filter(kind=SlaEvent.Kind.RESPOND).order_by("at").first()
            assert first.at == ticket.first_response_at, ticket.number

    def test_numbers_follow_the_order_of_registration(self):
        # Two tickets may share a minute; among them the database's order is arbitrary.
        by_time = list(
            Incident.objects.order_by("registered_at", "pk").values_list("pk", flat=True)
        )

        assert by_time == sorted(by_time)

    # ----- people --------------------------------------------------------------------

    def test_each_demo_login_authenticates_with_password_demo(self):
        refused = [
            username
            for username in [*STAFF_LOGINS, *CONTACT_LOGINS]
            if authenticate(username=username, password="demo") is None
        ]

        assert refused == []

    def test_each_staff_demo_login_lands_on_its_own_workspace(self, client):
        landings = {}
        for username in ["l1", "l2", "l3", "desk-manager", "problem-manager", "kb-manager"]:
            client.force_login(get_user_model().objects.get(username=username))
            landings[username] = client.get("/")["Location"]

        assert landings == {
            "l1": "/tickets/triage/",
            "l2": "/tickets/queue/l2/",
            "l3": "/tickets/queue/l3/",
            "desk-manager": "/manager/",
            "problem-manager": "/problems/",
            "kb-manager": "/kb/",
        }
        assert client.get("/problems/").status_code == 200

    def test_only_admin_reaches_the_django_admin(self):
        staff = get_user_model().objects.filter(is_staff=True)

        assert list(staff.values_list("username", flat=True)) == ["admin"]

    def test_portal_logins_are_linked_to_an_authorised_contact(self):
        for username, contract_number in CONTACT_LOGINS.items():
            contact = Contact.objects.select_related("organisation").get(user__username=username)

            assert contact.is_authorised
            assert contact.organisation.contract_number == contract_number

    def test_each_organisation_has_one_contact_who_may_not_open_tickets(self):
        for organisation in Organisation.objects.all():
            assert organisation.contacts.filter(is_authorised=False).count() == 1

    def test_contacts_speak_french_and_russian_and_some_have_no_portal_login(self):
        languages = set(Contact.objects.values_list("language", flat=True))

        assert {"en", "de", "fr", "ru"} <= languages
        doctors = Contact.objects.filter(title=Contact.Title.DR)
        assert set(doctors.values_list("form_of_address", flat=True)) == {"mr", "ms"}
        for organisation in Organisation.objects.all():
            assert organisation.contacts.filter(user__isnull=False).exists()
            assert organisation.contacts.filter(user__isnull=True).exists()
        for language in ("fr", "ru"):
            assert Incident.objects.filter(contact__language=language).exists()

    def test_a_major_incident_is_open_with_three_children_two_updates_and_a_proposal(self):
        from incidents.major import open_major_on_service

        (major,) = Incident.objects.filter(is_major=True, status__in=OPEN)
        assert major.children.count() == 3
        assert {c.organisation.contract_number for c in major.children.all()} == {
            "C-1001",
            "C-2002",
        }
        assert major.major_updates.count() == 2
        assert major.outage_started_at is not None and major.outage_ended_at is None
        sent = Notification.objects.filter(event="major_update")
        assert sent.filter(recipient_email__startswith="priya").count() >= 2
        new = Incident.objects.filter(service=major.service, parent__isnull=True).exclude(
            pk=major.pk
        )
        assert any(open_major_on_service(t) == major for t in new.filter(status__in=OPEN))

    def test_a_major_incident_was_resolved_last_month_with_its_outage_window(self):
        (major,) = Incident.objects.filter(is_major=True).exclude(status__in=OPEN)
        start, end = major.outage_started_at, major.outage_ended_at
        assert start is not None and end is not None and start < end
        this_month = timezone.localtime().date().replace(day=1)
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        assert last_month <= timezone.localtime(start).date() < this_month
        assert timezone.localtime(start).weekday() < 5  # inside the support hours
        assert major.children.count() == 2
        assert set(major.children.values_list("status", flat=True)) == {Status.CLOSED}
        assert major.major_updates.count() == 2

    def test_canned_responses_are_personal_and_shared_and_one_is_translated(self):
        from incidents.canned import canned_responses_usable_by
        from incidents.models import CannedResponse

        rows = CannedResponse.objects.select_related("owner", "group")
        assert {r.owner.username for r in rows if r.owner} >= {"l1", "l2"}
        assert {r.group.name for r in rows if r.group} >= {"Service Desk", "Network Operations"}
        assert any(set(r.translations) == {"de", "fr", "ru"} for r in rows)
        l1 = get_user_model().objects.get(username="l1")
        usable = {r.title for r in canned_responses_usable_by(l1)}
        assert {"Password reset done", "Could not reach you by phone"} <= usable
        assert "Looking into it" not in usable  # l2's own

    def test_the_summary_is_short_and_says_what_to_try(self, seeded):
        lines = seeded.strip().splitlines()

        # A line per app with demo data (incidents: tickets, SLA, articles, major
        # incidents), the mail and the logins.
        assert len(lines) <= 11
        assert "Logins (password 'demo'): l1, l2, l3" in seeded
        assert "at risk" in seeded
        assert "breached" in seeded


def test_refuses_to_mix_into_a_database_that_has_a_demo_username(db):
    get_user_model().objects.create_user(username="l1", password="secret")

    with pytest.raises(CommandError, match="l1"):
        seed()

    assert not Incident.objects.exists()
    assert not Organisation.objects.exists()


@pytest.fixture
def committing_run(transactional_db):
    """A clean slate for a run that commits: the migrations' data back, and fresh broker
    pools (the Redis worker tests close theirs; in-process tasks still take a producer)."""
    restore_migrated_data()
    pools.reset()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None


def test_mail_sent_while_seeding_is_dated_and_worded_for_its_step(committing_run, caplog):
    """Committed step by step, as `make run` seeds: each mail is written when its step
    happened and quotes that step's own text; the in-process tasks log no line each."""
    with caplog.at_level(logging.INFO):
        seed()

    assert not [r for r in caplog.records if r.name == "celery.app.trace"]
    asked = Incident.objects.get(title__startswith="Nightly backup of nw-db-01")
    mail = Notification.objects.get(target_id=asked.pk, event="status_changed:information_needed")
    assert "Could you forward one of the warning mails?" in mail.body
    assert "Work started" not in mail.body
    assert mail.created_at < timezone.now() - timedelta(days=3)
    assert mail.sent_at == mail.created_at
    rejected = Notification.objects.filter(event="status_changed:rejected_by_user")
    assert rejected.exists()
    for notification in rejected:
        assert "We added 203.0.113.25" not in notification.body


# ----- the demo's clock, whatever day it is seeded on ------------------------------------

BERLIN = ZoneInfo("Europe/Berlin")


def test_a_day_anchored_ticket_opens_in_berlin_office_time_on_a_weekday():
    monday = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)

    assert opened_at("1d@10:30", monday) == datetime(2026, 11, 27, 10, 30, tzinfo=BERLIN)
    assert opened_at("3d@08:00", monday) == datetime(2026, 11, 27, 8, 0, tzinfo=BERLIN)
    assert opened_at("2h", monday) == monday - timedelta(hours=2)


def test_a_ticket_whose_steps_would_reach_the_future_moves_back_whole():
    now = datetime(2026, 11, 25, 6, 0, tzinfo=BERLIN)
    spec = Ticket("x", "jana", "l1", "phone", "Title", "", opened="20m")
    spec.steps = [("15m", "assign", "l1", {}), ("30m", "start", "l1", {})]

    times = timeline(spec, now)

    assert times[-1] == now - timedelta(minutes=2)
    assert [b - a for a, b in itertools.pairwise(times)] == [
        timedelta(minutes=15),
        timedelta(minutes=30),
    ]


@pytest.mark.parametrize("hours", range(0, 7 * 24, 7))
def test_every_hour_of_the_week_gives_the_same_story(hours):
    """Seeded at any hour: nothing happens in the future, and a ticket left Completed
    waits less than the 3 days after which the auto-close would take it."""
    now = datetime(2026, 11, 30, 0, 0, tzinfo=BERLIN) + timedelta(hours=hours)
    for spec in TICKETS:
        times = timeline(spec, now)
        assert times == sorted(times), spec.key
        assert times[-1] <= now, spec.key
        if spec.steps and spec.steps[-1][1] in ("complete", "invalid"):
            assert now - times[-1] < timedelta(days=3), spec.key


def test_make_seed_compiles_the_translations_before_the_demo_writes_its_mail():
    """The demo mails French, German and Russian contacts while seeding: on a fresh clone
    `make run` must compile the catalogues first, or that mail comes out in English."""
    import shutil
    import subprocess
    from pathlib import Path

    if shutil.which("make") is None:
        pytest.skip("make is not installed (apt-get install -y make)")
    root = Path(__file__).resolve().parents[2]
    plan = subprocess.run(
        ["make", "-n", "-W", "pyproject.toml", "seed"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "compilemessages" in plan
    assert plan.index("compilemessages") < plan.index("seed_demo")
    assert "SITE_URL=" in plan[plan.index("seed_demo") - 200 : plan.index("seed_demo")]
