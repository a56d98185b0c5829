"""The benchmark harness (`make bench`, servicedesk/benchmark/) on a tiny data set: the
loader makes consistent rows and resumes, the floor page is mounted only with
BENCH_FLOOR, and every page the runner measures answers its login as it should (a smoke
run through the test client, no server and no wrk)."""

import importlib
import random
import re
from datetime import timedelta
from io import StringIO
from itertools import pairwise

import pytest
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.db.models import Count
from django.test import Client, override_settings
from django.urls import clear_url_caches
from django.utils import timezone

from changes.models import ChangeRequest
from incidents import bench as incidents_bench
from incidents.models import Comment, Incident, SlaEvent, Status
from knowledge.models import Article
from problems.models import Problem, ProblemIncident
from servicedesk import bench as core_bench
from servicedesk import tokens
from servicedesk.benchmark import measure
from servicedesk.benchmark.floor import HEADER, QueryCountMiddleware
from servicedesk.benchmark.pages import Cycle, Page, Seq, Target, Unique
from servicedesk.models import ApiToken

TICKETS = 200
#: A short span: every age band has tickets, and the dashboard's roll-up has few days.
DAYS = 20


def load(tickets: int = TICKETS, **options) -> str:
    out = StringIO()
    call_command(
        "bench_load",
        tickets=tickets,
        days=DAYS,
        batch=70,
        no_migrate=True,
        force=True,
        stdout=out,
        **options,
    )
    return out.getvalue()


@pytest.mark.django_db
def test_the_loader_makes_a_consistent_data_set_and_resumes():
    report = load()

    tickets = Incident.objects.filter(number__startswith="BNC-")
    assert tickets.count() == TICKETS
    assert "200 / 200" in report and "rows/s" in report
    statuses = set(tickets.values_list("status", flat=True))
    assert Status.CLOSED in statuses and len(statuses) >= 4
    # Registered in the order of their numbers over the span (closed ones moved into
    # office hours of their day).
    times = list(tickets.order_by("pk").values_list("registered_at", flat=True))
    assert times[0] < timezone.now() - timedelta(days=DAYS - 2)
    assert not [(a, b) for a, b in pairwise(times) if a - b > timedelta(days=1)]

    # Every ticket has its creation row first, and its version counts its history rows.
    history = Incident.history.model.objects.filter(id__in=tickets.values("pk"))
    firsts = history.filter(history_type="+")
    assert firsts.count() == TICKETS
    assert not firsts.exclude(status=Status.REGISTERED).exists()
    rows = dict(history.values("id").annotate(n=Count("pk")).values_list("id", "n"))
    for pk, version, status in tickets.values_list("pk", "version", "status"):
        assert rows[pk] == version
        last = history.filter(id=pk).order_by("-history_date", "-history_id").first()
        assert last is not None and last.status == status

    comments = Comment.objects.filter(incident__in=tickets)
    assert comments.filter(is_public=True).exists() and comments.filter(is_public=False).exists()
    assert not comments.filter(author__isnull=True, author_contact__isnull=True).exists()
    open_ones = tickets.exclude(status=Status.CLOSED)
    assert (
        not comments.filter(incident__in=open_ones)
        .exclude(created_at__gte=timezone.now() - timedelta(days=DAYS + 1))
        .exists()
    )

    # The SLA ledger: tickets not closed start their clock at registration; closed: none.
    for ticket in open_ones:
        events = list(SlaEvent.objects.filter(incident=ticket).order_by("at", "pk"))
        assert events[0].kind == SlaEvent.Kind.START
        assert events[0].at == ticket.registered_at
        assert ticket.sla_policy_id is not None
    assert not SlaEvent.objects.filter(incident__status=Status.CLOSED).exists()
    assert open_ones.filter(resolution_due_at__isnull=False).exists()

    # Portal logins with the bench password; the other apps' parts.
    contact = User.objects.get(username=core_bench.CONTACT_USERNAME)
    assert contact.check_password(core_bench.password()) and contact.contact.may_raise
    assert User.objects.get(username="bench-l1").check_password(core_bench.password())
    assert Article.objects.filter(number__startswith="KBB-").count() >= 20
    assert Problem.objects.filter(number__startswith="PRB-9").count() >= 6
    assert ProblemIncident.objects.filter(incident__in=tickets).exists()
    assert ChangeRequest.objects.filter(number__startswith="CHG-9").count() >= 6

    # Resumable: the same volume adds nothing; a larger one adds the difference (here
    # with the full-text triggers paused and the vectors filled afterwards).
    again = load()
    assert "none to add" in again and tickets.count() == TICKETS
    load(TICKETS + 15, pause_search_triggers=True)
    assert tickets.count() == TICKETS + 15
    numbers = list(tickets.values_list("number", flat=True))
    assert len(set(numbers)) == len(numbers)

    if connection.vendor == "postgresql":  # the search triggers are on again, vectors filled
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM incidents_incident WHERE search_vector IS NULL")
            assert cursor.fetchone()[0] == 0
            cursor.execute(
                "SELECT tgenabled FROM pg_trigger WHERE tgname = 'incidents_incident_search'"
            )
            assert cursor.fetchone()[0] == "O"


def test_ticket_statuses_by_age_cover_every_status():
    maker = incidents_bench.BenchTickets()
    now = timezone.now()
    maker.setup(first_id=1, have=0, total=100_000, span=timedelta(days=730))
    rng = random.Random(3)
    # The newest tickets and a spread of older ones.
    drawn = {maker._status_and_registered(rng, n, now)[0] for n in range(99_000, 100_000)}
    drawn |= {maker._status_and_registered(rng, n, now)[0] for n in range(0, 99_000, 10)}
    assert drawn == set(Status)


def test_a_page_sends_its_targets_in_turn():
    page = Page(
        "t",
        "T",
        "l1",
        method="POST",
        targets=[
            Target("/a/", {"v": Seq(7), "who": Cycle(("x", "y")), "key": Unique("k-")}),
            Target("/b/", {"v": Seq(3), "text": "hi"}),
        ],
    )
    assert page.expect == 302
    assert page.request(0, tag="r") == ("/a/", {"v": "7", "who": "x", "key": "k-rt0n0"})
    assert page.request(1, tag="r") == ("/b/", {"v": "3", "text": "hi"})
    assert page.request(2, tag="r") == ("/a/", {"v": "8", "who": "y", "key": "k-rt0n2"})


@pytest.fixture
def floor_mounted():
    """The URLconf as BENCH_FLOOR=1 makes it (and as it was, afterwards)."""
    import servicedesk.urls

    with override_settings(BENCH_FLOOR=True):
        importlib.reload(servicedesk.urls)
        clear_url_caches()
        yield
    importlib.reload(servicedesk.urls)
    clear_url_caches()


@pytest.mark.django_db
def test_the_floor_is_not_there_without_bench_floor(client):
    assert not settings.BENCH_FLOOR
    assert client.get("/bench/floor/").status_code == 404


@pytest.mark.django_db
def test_the_floor_renders_the_newest_50_tickets_in_one_query(floor_mounted):
    load(60)
    counting = f"{QueryCountMiddleware.__module__}.{QueryCountMiddleware.__name__}"
    middleware = [counting, *settings.MIDDLEWARE]
    with override_settings(MIDDLEWARE=middleware):
        response = Client().get("/bench/floor/")  # no login needed
    assert response.status_code == 200
    html = response.content.decode()
    rows = re.findall(r"<tr><td><a href=\"/tickets/(BNC-\d+)/\">", html)
    newest = Incident.objects.order_by("-pk").values_list("number", flat=True)[:50]
    assert rows == list(newest)
    assert response[HEADER] == "1"  # the session is not read: one query, the rows


@pytest.mark.django_db
def test_every_measured_page_answers_its_login(floor_mounted):
    load()
    ctx = measure.page_context(pool=50)
    pages = measure.all_pages(ctx)
    names = {page.name for page in pages}
    assert {
        "floor",
        "triage",
        "l2",
        "l3",
        "mine",
        "overview",
        "tickets",
        "ticket",
        "sla",
        "dashboard",
        "search",
        "portal",
        "api",
        "kb",
        "problems",
        "changes",
        "comment",
        "transition",
        "log_call",
        "portal_raise",
    } <= names
    with override_settings(DEBUG=False):
        for page in pages:
            client = Client()
            if page.login.startswith(measure.TOKEN):
                user = ctx.users[page.login[len(measure.TOKEN) :]]
                issued = tokens.issue(tokens.API_TOKEN_KIND)
                ApiToken.objects.create(
                    name="t", user=user, prefix=issued.prefix, token_hash=issued.digest
                )
                client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {issued.plaintext}"
            elif page.login:
                client.force_login(ctx.users[page.login])
            before = page.count() if page.count else None
            for k in range(2 if page.is_post else 1):
                path, data = page.request(k, tag="test")
                response = client.post(path, data) if page.is_post else client.get(path)
                assert response.status_code == page.expect, (page.name, response.status_code)
                if page.is_post:
                    assert "/login/" not in response["Location"], page.name
            if page.count is not None:
                assert page.count() >= before + 2, page.name
            if page.cleanup is not None:  # what the POSTs made goes again
                assert page.cleanup() > 0
                assert page.count is not None and page.count() == before, page.name
