"""SLA in the workspaces: time left on the ticket, queues sorted by time left, and the
manager's view of breached and at-risk tickets."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Channel
from servicedesk import roles
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
    client.get(reverse("incidents:sla"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("incidents:sla"))
    tickets(policy, 60)
    now["now"] += 3 * H
    services.sla_sweep()
    with CaptureQueriesContext(connection) as many:
        client.get(reverse("incidents:sla"), {"view": "breached"})
    assert len(many) <= len(few)
