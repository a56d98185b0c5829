"""The workspaces: who lands where, what each queue shows, and that every queue page
costs the same number of queries at 10 tickets as at 500."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incidents.models import Channel, Incident, Kind
from incidents.services import incident_assign
from servicedesk.models import Line, Specialisation
from tests.factories import ContactFactory, IncidentFactory, SupportGroupFactory, make_incident_in

pytestmark = pytest.mark.django_db


def bulk_tickets(n, *, contact, group=None, assignee=None):
    """Volume for query-count tests: plain rows (Registered), numbered like real ones."""
    start = Incident.objects.count()
    rows = [
        Incident(
            number=f"INC-9{start + i:05d}",
            kind=Kind.INCIDENT,
            title=f"Bulk {i}",
            organisation_id=contact.organisation_id,
            contact=contact,
            channel=Channel.PHONE,
            support_group=group,
            assignee=assignee,
            priority=1 + i % 5,
        )
        for i in range(n)
    ]
    Incident.objects.bulk_create(rows)


class TestLanding:
    @pytest.mark.parametrize(
        ("actor", "url_name"),
        [
            ("l1", "incidents:triage"),
            ("l2", "incidents:queue_l2"),
            ("l3", "incidents:queue_l3"),
            ("desk_manager", "dashboard:index"),
            ("problem_manager", "problems:home"),
            ("change_manager", "changes:home"),
            ("cab_member", "changes:approvals"),
            ("kb_manager", "knowledge:home"),
            ("contact_a", "portal:home"),
            ("outsider", "no_workspace"),
        ],
    )
    def test_each_role_lands_on_its_own_workspace(self, client, actors, actor, url_name):
        client.force_login(actors[actor])
        response = client.get("/")
        assert response.status_code == 302
        assert response["Location"] == reverse(url_name)

    def test_anonymous_visitors_are_sent_to_the_login_page(self, client):
        response = client.get(reverse("incidents:triage"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


class TestQueueContents:
    def test_triage_shows_registered_tickets_highest_priority_first(self, client, l1):
        low = IncidentFactory(urgency=5, impact=5)
        high = IncidentFactory(urgency=1, impact=1)
        worked = make_incident_in("in_progress")
        client.force_login(l1)
        response = client.get(reverse("incidents:triage"))
        rows = response.context["rows"]
        assert rows == [high, low]
        assert worked not in rows
        counts = {tab.key: tab.count for tab in response.context["tabs"]}
        assert counts["1"] == 1 and counts["5"] == 1

    def test_a_service_request_is_marked_req_in_the_queue(self, client, l1):
        IncidentFactory(kind="request", title="New laptop")
        IncidentFactory(kind="incident", title="Printer jam")
        client.force_login(l1)
        page = client.get(reverse("incidents:triage")).content.decode()
        assert page.count('<span class="kind"') == 1
        assert "REQ</span> New laptop" in page

    def test_l2_queue_shows_only_the_users_l2_groups(self, client, l2, l2_group, desk_manager):
        other_group = SupportGroupFactory(line=Line.L2)
        mine = IncidentFactory()
        incident_assign(incident=mine, group=l2_group, actor=desk_manager)
        theirs = IncidentFactory()
        incident_assign(incident=theirs, group=other_group, actor=desk_manager)
        client.force_login(l2)
        rows = client.get(reverse("incidents:queue_l2")).context["rows"]
        assert rows == [mine]

    def test_l3_queue_filters_by_specialisation(self, client, l3, l3_group, desk_manager):
        storage = SupportGroupFactory(
            line=Line.L3, specialisation=Specialisation.STORAGE, members=[l3]
        )
        net = IncidentFactory()
        incident_assign(incident=net, group=l3_group, actor=desk_manager)
        disk = IncidentFactory()
        incident_assign(incident=disk, group=storage, actor=desk_manager)
        client.force_login(l3)
        url = reverse("incidents:queue_l3")
        assert set(client.get(url).context["rows"]) == {net, disk}
        assert client.get(url, {"specialisation": "storage"}).context["rows"] == [disk]
        tabs = {t.key: t.count for t in client.get(url).context["tabs"]}
        assert tabs == {"network": 1, "storage": 1}

    def test_my_work_shows_open_tickets_assigned_to_me(self, client, l2, l2_group):
        mine = make_incident_in("in_progress", group=l2_group, assignee=l2)
        make_incident_in("closed", group=l2_group, assignee=l2)
        client.force_login(l2)
        assert client.get(reverse("incidents:mine")).context["rows"] == [mine]

    def test_show_more_continues_after_the_last_row(self, client, l1):
        contact = ContactFactory()
        bulk_tickets(120, contact=contact)
        client.force_login(l1)
        url = reverse("incidents:triage")
        first = client.get(url)
        seen = [t.pk for t in first.context["rows"]]
        cursor = first.context["next_cursor"]
        while cursor:
            more = client.get(url, {"after": cursor}, headers={"HX-Request": "true"})
            seen += [t.pk for t in more.context["rows"]]
            cursor = more.context["next_cursor"]
        assert len(seen) == len(set(seen)) == 120


QUEUES = [
    ("l1", "incidents:triage", {}),
    ("l2", "incidents:queue_l2", {"group": "l2_group"}),
    ("l3", "incidents:queue_l3", {"group": "l3_group"}),
    ("l2", "incidents:mine", {"group": "l2_group", "assign_to_me": True}),
    ("desk_manager", "incidents:overview", {}),
]


@pytest.mark.parametrize(("actor", "url_name", "setup"), QUEUES, ids=[q[1] for q in QUEUES])
def test_queue_query_count_stays_flat_from_10_to_500_tickets(
    client, actors, request, actor, url_name, setup, django_assert_max_num_queries
):
    user = actors[actor]
    group = request.getfixturevalue(setup["group"]) if "group" in setup else None
    assignee = user if setup.get("assign_to_me") else None
    contact = ContactFactory()
    client.force_login(user)
    url = reverse(url_name)

    bulk_tickets(10, contact=contact, group=group, assignee=assignee)
    client.get(url)  # warm the session and role caches
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    bulk_tickets(490, contact=contact, group=group, assignee=assignee)
    with django_assert_max_num_queries(len(small)):
        response = client.get(url)
    assert response.status_code == 200
    assert len(response.context["rows"]) == 50
    assert len(small) <= 8
