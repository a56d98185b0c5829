"""SLA in the workspaces: time left on the ticket, queues sorted by time left, and the
manager's view of breached and at-risk tickets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from incidents import services
from incidents.models import Channel
from servicedesk import pagination, roles
from tests.factories import (
    BusinessCalendarFactory,
    ContactFactory,
    SlaPolicyFactory,
    SupportGroupFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


@pytest.fixture
def now(monkeypatch):
    moment = {"now": datetime(2026, 11, 2, 9, 0, tzinfo=UTC)}
    monkeypatch.setattr(timezone, "now", lambda: moment["now"])
    return moment


@pytest.fixture
def policy():
    calendar = BusinessCalendarFactory(is_24x7=True, time_zone="UTC")
    return SlaPolicyFactory(calendar=calendar, targets={p: (60, 60 * 8 * p) for p in range(1, 6)})


def tickets(policy, count, **kwargs):
    contact = ContactFactory(organisation=policy.organisation)
    agent = UserFactory(roles=[roles.DESK_MANAGER])
    return [
        services.incident_register(
            contact=contact,
            actor=agent,
            channel=Channel.PHONE,
            title=f"T{i}",
            urgency=1 + i % 5,
            impact=3,
            **kwargs,
        )
        for i in range(count)
    ]


def test_ticket_page_shows_business_time_left_and_the_explanation(client, l1, now, policy):
    incident = tickets(policy, 1)[0]
    now["now"] += 2 * H
    client.force_login(l1)
    response = client.get(reverse("incidents:detail", args=[incident.number]))
    page = response.content.decode()
    states = {c.label: c.state for c in response.context["countdowns"]}
    assert states == {"Reaction": "breached", "Resolution": "running"}
    assert "left (business time)" in page and "How this was worked out" in page
    panel = client.get(
        reverse("incidents:sla_panel", args=[incident.number]), headers={"HX-Request": "true"}
    )
    assert panel.status_code == 200 and 'id="sla-panel"' in panel.content.decode()


def test_queue_sorted_by_time_left_pages_through_every_running_clock(
    client, desk_manager, now, policy
):
    made = tickets(policy, 60)
    client.force_login(desk_manager)
    url = reverse("incidents:overview")
    first = client.get(url, {"sort": "due"})
    dues = [t.resolution_due_at for t in first.context["rows"]]
    assert dues == sorted(dues)
    seen = [t.pk for t in first.context["rows"]]
    more = client.get(
        url, {"sort": "due", "after": first.context["next_cursor"]}, headers={"HX-Request": "true"}
    )
    seen += [t.pk for t in more.context["rows"]]
    assert sorted(seen) == sorted(t.pk for t in made)


def test_sla_dashboard_counts_at_risk_and_breached(client, desk_manager, now, policy):
    made = tickets(policy, 3)
    now["now"] += 7 * H  # P1: 8 h target, warned at 6 h
    services.sla_sweep()
    client.force_login(desk_manager)
    response = client.get(reverse("incidents:sla"))
    counts = {t.key: t.count for t in response.context["tabs"]}
    assert counts == {"at_risk": 0, "breached": 3}  # reaction (1 h) breached for all
    assert {
        r.pk for r in client.get(reverse("incidents:sla"), {"view": "breached"}).context["rows"]
    } == {t.pk for t in made}


@pytest.mark.parametrize("actor", ["contact_a", "outsider"])
def test_sla_dashboard_is_for_staff_only(client, actors, actor):
    client.force_login(actors[actor])
    assert client.get(reverse("incidents:sla")).status_code == 403


def test_sla_dashboard_query_count_is_flat(client, desk_manager, now, policy):
    client.force_login(desk_manager)
    SupportGroupFactory()
    tickets(policy, 5)
    now["now"] += 3 * H
    services.sla_sweep()  # five reaction breaches
    client.get(reverse("incidents:sla"), {"view": "breached"})
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("incidents:sla"), {"view": "breached"})
    tickets(policy, 60)
    now["now"] += 3 * H
    services.sla_sweep()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("incidents:sla"), {"view": "breached"})
    assert len(many) <= len(few)


def test_queue_and_ticket_page_show_the_same_business_time_left(client, l1, now):
    """Defect 6: one definition of time left (business time) in the queue and on the
    ticket page, and the queue says so."""
    from datetime import time

    calendar = BusinessCalendarFactory(
        time_zone="UTC", hours=[(d, time(9), time(17)) for d in range(5)]
    )
    office = SlaPolicyFactory(calendar=calendar, targets={3: (60, 120)})
    now["now"] = datetime(2026, 11, 6, 16, 0, tzinfo=UTC)  # Friday 16:00
    incident = tickets(office, 1)[0]
    agent = UserFactory(roles=[roles.DESK_MANAGER])
    services.incident_classify(incident=incident, actor=agent, urgency=3, impact=3)  # responds
    now["now"] += 30 * timedelta(minutes=1)  # resolution due Monday 10:00: 90 business min
    client.force_login(l1)
    queue = client.get(reverse("incidents:triage")).content.decode()
    page = client.get(reverse("incidents:detail", args=[incident.number])).content.decode()
    assert "1 h 30 min left (business time)" in page
    assert "1 h 30 min left" in queue and "business time left" in queue


def test_the_at_risk_list_shows_the_clock_at_risk(client, desk_manager, now, policy):
    """Defect 5: a P1 whose reaction is at risk is listed with its reaction due time."""
    incident = tickets(policy, 1)[0]  # urgency 1 x impact 3 on the default matrix
    now["now"] += 50 * timedelta(minutes=1)  # reaction (60 min) 75 % used; resolution not
    services.sla_sweep()
    client.force_login(desk_manager)
    response = client.get(reverse("incidents:sla"))
    [row] = response.context["rows"]
    assert row.pk == incident.pk
    assert row.sla_countdown.clock == "reaction" and row.sla_countdown.state == "at_risk"
    page = response.content.decode()
    iso = lambda moment: dateformat.format(timezone.localtime(moment), "c")  # noqa: E731
    assert f'datetime="{iso(incident.response_due_at)}"' in page
    assert f'datetime="{iso(incident.resolution_due_at)}"' not in page


def test_the_sla_page_reads_only_bounded_sets_of_tickets(client, desk_manager, now, policy):
    """Defect 18: no query of the SLA page reads every open ticket: each one on the
    ticket table is limited (lists, capped counts) or fetches a page of rows by id."""
    tickets(policy, 8)
    now["now"] += 3 * H
    services.sla_sweep()
    client.force_login(desk_manager)
    client.get(reverse("incidents:sla"))
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("incidents:sla"))
    on_tickets = [q["sql"] for q in queries if 'FROM "incidents_incident"' in q["sql"]]
    assert on_tickets
    unbounded = [sql for sql in on_tickets if "LIMIT" not in sql]
    assert unbounded == []


def test_counts_above_the_cap_show_as_capped(client, desk_manager, now, policy, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    tickets(policy, 5)
    now["now"] += 3 * H
    services.sla_sweep()
    client.force_login(desk_manager)
    response = client.get(reverse("incidents:sla"))
    assert [t.shown for t in response.context["tabs"]] == ["0", "3+"]
    [unassigned] = response.context["groups"]
    assert unassigned.breached.shown == "3+"
    assert "3+ / 0" in response.content.decode()


def test_a_count_at_the_cap_is_exact(client, desk_manager, now, policy, monkeypatch):
    """Issue 8: "1,000+" only above 1,000; exactly the cap shows as the plain number."""
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    tickets(policy, 3)
    now["now"] += 3 * H
    services.sla_sweep()
    client.force_login(desk_manager)
    response = client.get(reverse("incidents:sla"))
    assert [t.shown for t in response.context["tabs"]] == ["0", "3"]
    [unassigned] = response.context["groups"]
    assert unassigned.breached.shown == "3"
