"""The ticket list: its filter (each field alone, on hand-built tickets), sorts and
keyset pages, saved views (own, shared with a group), CSV export, and who may use it."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from incidents.models import Channel, Incident, Kind, SavedView, Status
from incidents.ticket_lists.export import safe_cell
from incidents.ticket_lists.filters import TicketFilterForm
from servicedesk.pagination import keyset_page
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    SupportGroupFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db

BERLIN = ZoneInfo("Europe/Berlin")
STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
OTHERS = ["contact_a", "contact_b", "outsider"]


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=BERLIN)


def ticket(**fields) -> Incident:
    """A ticket with its columns set as given (hand-built data for the filter)."""
    made: Incident = IncidentFactory.create()
    Incident.objects.filter(pk=made.pk).update(**fields)
    made.refresh_from_db()
    return made


def selected(user, **query) -> set[str]:
    form = TicketFilterForm(query, user=user)
    return set(form.tickets().values_list("number", flat=True))


class TestFilter:
    def test_open_by_default_closed_or_any_on_request(self, l1):
        open_one = ticket(status=Status.IN_PROGRESS)
        closed = ticket(status=Status.CLOSED, resolved_at=at(2))
        completed = ticket(status=Status.COMPLETED, resolved_at=at(3))
        assert selected(l1) == {open_one.number}
        assert selected(l1, status="closed") == {closed.number, completed.number}
        assert selected(l1, status="any") == {open_one.number, closed.number, completed.number}
        assert selected(l1, status=Status.COMPLETED) == {completed.number}

    def test_each_field_narrows(self, l1, l2, l2_group):
        org, service, group = OrganisationFactory(), ServiceFactory(), SupportGroupFactory()
        contact = ContactFactory(organisation=org)
        base = {"status": Status.IN_PROGRESS}
        plain = ticket(**base)
        p1 = ticket(priority=1, **base)
        mine = ticket(assignee=l1, **base)
        theirs = ticket(assignee=l2, **base)
        request = ticket(kind=Kind.REQUEST, **base)
        of_org = ticket(organisation=org, contact=contact, **base)
        of_service = ticket(service=service, **base)
        of_group = ticket(support_group=group, **base)
        by_mail = ticket(channel=Channel.EMAIL, **base)
        assert selected(l1, priority=["1"]) == {p1.number}
        assert selected(l1, assignee="me") == {mine.number}
        assert selected(l1, assignee=str(l2.pk)) == {theirs.number}
        assert mine.number not in selected(l1, assignee="none")
        assert plain.number in selected(l1, assignee="none")
        assert selected(l1, kind=Kind.REQUEST) == {request.number}
        assert selected(l1, organisation=str(org.pk)) == {of_org.number}
        assert selected(l1, service=str(service.pk)) == {of_service.number}
        assert selected(l1, group=str(group.pk)) == {of_group.number}
        assert by_mail.number in selected(l1, channel=Channel.EMAIL)
        assert plain.number not in selected(l1, channel=Channel.EMAIL)

    def test_sla_states(self, l1):
        base = {"status": Status.IN_PROGRESS}
        policy = ticket(**base).sla_policy  # None unless the organisation has one
        assert policy is None
        none = ticket(**base)
        assert none.number in selected(l1, sla="none")
        breached = ticket(resolution_breached=True, **base)
        at_risk = ticket(sla_warned=True, **base)
        assert selected(l1, sla="breached") == {breached.number}
        assert selected(l1, sla="at_risk") == {at_risk.number}

    def test_registered_dates_include_both_days(self, l1):
        before, first, last, after = (ticket(registered_at=at(d)) for d in (1, 2, 4, 5))
        assert selected(l1, registered_from="2026-11-02", registered_to="2026-11-04") == {
            first.number,
            last.number,
        }
        del before, after

    def test_a_bad_field_says_so_and_the_others_still_apply(self, l1):
        p1 = ticket(priority=1, registered_at=at(2))
        ticket(priority=3, registered_at=at(2))
        form = TicketFilterForm(
            {"priority": ["1"], "registered_from": "2026-11-05", "registered_to": "2026-11-01"},
            user=l1,
        )
        assert "registered_to" in form.errors
        assert set(form.tickets().values_list("number", flat=True)) <= {p1.number}

    def test_the_query_string_is_canonical(self, l1):
        form = TicketFilterForm(
            {"sort": "-registered", "priority": ["2", "1"], "status": "closed", "x": "1"},
            user=l1,
        )
        assert form.query_string() == "status=closed&priority=2&priority=1&sort=-registered"


class TestSortAndPages:
    def test_newest_first_across_pages(self, l1):
        made = [ticket(status=Status.IN_PROGRESS, registered_at=at(d)) for d in range(1, 6)]
        form = TicketFilterForm({"sort": "-registered"}, user=l1)
        first = keyset_page(form.tickets(), None, form.order, size=2)
        second = keyset_page(form.tickets(), first.next_cursor, form.order, size=2)
        third = keyset_page(form.tickets(), second.next_cursor, form.order, size=2)
        numbers = [t.number for page in (first, second, third) for t in page.rows]
        assert numbers == [t.number for t in reversed(made)]
        assert third.next_cursor is None

    def test_ties_are_broken_by_number_in_the_same_direction(self, l1):
        same = [ticket(status=Status.IN_PROGRESS, registered_at=at(3)) for _ in range(3)]
        form = TicketFilterForm({"sort": "-registered"}, user=l1)
        first = keyset_page(form.tickets(), None, form.order, size=2)
        rest = keyset_page(form.tickets(), first.next_cursor, form.order, size=2)
        assert [t.pk for t in first.rows + rest.rows] == sorted((t.pk for t in same), reverse=True)

    def test_recently_resolved_lists_only_resolved_tickets(self, l1):
        resolved = ticket(status=Status.CLOSED, resolved_at=at(3))
        ticket(status=Status.CLOSED, resolved_at=None)
        assert selected(l1, status="closed", sort="-resolved") == {resolved.number}


class TestPage:
    @pytest.mark.parametrize("route", ["incidents:tickets", "incidents:tickets_export"])
    @pytest.mark.parametrize("actor", STAFF + OTHERS)
    def test_staff_only(self, client, actors, actor, route):
        client.force_login(actors[actor])
        response = client.get(reverse(route))
        assert response.status_code == (200 if actor in STAFF else 403)

    @pytest.mark.parametrize("actor", OTHERS)
    def test_others_cannot_save_or_delete(self, client, actors, actor, l1):
        view = SavedView.objects.create(owner=l1, name="Mine", query="status=closed")
        client.force_login(actors[actor])
        assert client.post(reverse("incidents:save_view"), {"name": "x"}).status_code == 403
        assert client.post(reverse("incidents:delete_view", args=[view.pk])).status_code == 403
        assert SavedView.objects.count() == 1

    @pytest.mark.parametrize("rows", [2, 25])
    def test_the_query_count_is_flat(
        self, client, l1, l1_group, rows, django_assert_max_num_queries
    ):
        for _ in range(rows):
            make_incident_in(Status.IN_PROGRESS, group=l1_group, assignee=l1)
        for name in ("One", "Two"):
            SavedView.objects.create(owner=l1, name=name, query="status=open")
        client.force_login(l1)
        with django_assert_max_num_queries(20):
            response = client.get(reverse("incidents:tickets"), {"status": "open"})
        assert response.status_code == 200
        assert response.content.decode().count('data-href="') == rows

    def test_the_closed_tickets_are_listed(self, client, l1):
        closed = ticket(status=Status.CLOSED, resolved_at=at(3), title="Old printer")
        client.force_login(l1)
        page = client.get(reverse("incidents:tickets"), {"status": "closed"}).content.decode()
        assert closed.number in page and "Old printer" in page

    def test_export_has_every_ticket_of_the_filter(self, client, l1):
        made = [ticket(status=Status.CLOSED, resolved_at=at(d)) for d in (1, 2)]
        ticket(status=Status.IN_PROGRESS)
        ticket(status=Status.CLOSED, resolved_at=at(3), title='=HYPERLINK("x")')
        client.force_login(l1)
        response = client.get(
            reverse("incidents:tickets_export"), {"status": "closed", "sort": "-resolved"}
        )
        lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
        assert lines[0][:3] == ["Number", "Kind", "Summary"]
        assert [line[0] for line in lines[2:]] == [made[1].number, made[0].number]
        assert lines[1][2] == '\'=HYPERLINK("x")'

    def test_safe_cell(self):
        assert [safe_cell(t) for t in ("=1+1", "+a", "-a", "@a", "ok")] == [
            "'=1+1",
            "'+a",
            "'-a",
            "'@a",
            "ok",
        ]


class TestSavedViews:
    def test_saving_a_personal_view(self, client, l1):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:save_view"),
            {"name": "  Closed   P1 ", "query": "priority=1&status=closed&junk=1"},
        )
        view = SavedView.objects.get()
        assert (view.owner, view.name, view.query, view.shared_with) == (
            l1,
            "Closed P1",
            "status=closed&priority=1",
            None,
        )
        assert response["Location"] == f"{reverse('incidents:tickets')}?status=closed&priority=1"
        page = client.get(response["Location"]).content.decode()
        assert 'data-view="Closed P1"' in page

    def test_a_view_shared_with_a_group_is_seen_by_its_members_only(self, client, l1, l1_group, l2):
        client.force_login(l1)
        client.post(
            reverse("incidents:save_view"),
            {"name": "Desk P1", "query": "priority=1", "shared_with": l1_group.pk},
        )
        colleague_view = SavedView.objects.get()
        assert colleague_view.shared_with == l1_group
        assert list(SavedView.objects.visible_to(l2)) == []
        l1_group.members.add(l2)
        assert list(SavedView.objects.visible_to(l2)) == [colleague_view]

    def test_sharing_with_a_group_one_is_not_in_is_refused(self, client, l1, l2_group):
        client.force_login(l1)
        response = client.post(
            reverse("incidents:save_view"),
            {"name": "Sneaky", "query": "priority=1", "shared_with": l2_group.pk},
        )
        assert response.status_code == 422
        assert "Select a valid choice" in response.content.decode()
        assert 'value="Sneaky"' in response.content.decode()
        assert not SavedView.objects.exists()

    def test_a_name_is_used_once_per_owner(self, client, l1):
        SavedView.objects.create(owner=l1, name="Mine", query="")
        client.force_login(l1)
        response = client.post(reverse("incidents:save_view"), {"name": "mine", "query": ""})
        assert response.status_code == 422
        assert "You already have a view of this name." in response.content.decode()

    def test_only_the_owner_deletes(self, client, l1, l2, l1_group):
        view = SavedView.objects.create(owner=l1, name="Shared", shared_with=l1_group)
        l1_group.members.add(l2)
        client.force_login(l2)
        assert client.post(reverse("incidents:delete_view", args=[view.pk])).status_code == 404
        client.force_login(l1)
        response = client.post(reverse("incidents:delete_view", args=[view.pk]))
        assert response.status_code == 302 and not SavedView.objects.exists()

    def test_each_view_shows_its_count(self, client, l1):
        for _ in range(3):
            ticket(status=Status.CLOSED, resolved_at=at(2))
        SavedView.objects.create(owner=l1, name="Closed", query="status=closed")
        client.force_login(l1)
        page = client.get(reverse("incidents:tickets")).content.decode()
        entry = page[page.index('data-view="Closed"') :]
        assert '<span class="count">3</span>' in entry[:400]


class TestSavedViewServices:
    def test_a_view_is_shared_only_with_a_group_of_its_owner(self, l1, l2_group):
        from django.core.exceptions import ValidationError

        from incidents import services

        with pytest.raises(ValidationError) as refused:
            services.saved_view_create(owner=l1, name="X", query="", shared_with=l2_group)
        assert "shared_with" in refused.value.message_dict

    def test_only_the_owner_deletes_and_the_history_says_who(self, l1, l2):
        from django.core.exceptions import PermissionDenied

        from incidents import services

        view = services.saved_view_create(owner=l1, name="Mine", query="status=closed")
        with pytest.raises(PermissionDenied):
            services.saved_view_delete(view=view, actor=l2)
        services.saved_view_delete(view=view, actor=l1)
        assert not SavedView.objects.exists()
        assert [(h.history_type, h.history_user) for h in SavedView.history.all()] == [
            ("-", l1),
            ("+", l1),
        ]
