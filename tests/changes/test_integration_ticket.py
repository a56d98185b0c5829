"""The changes panel on the ticket page: the changes linked to the ticket, and the changes
carried out on its service or configuration item shortly before it was raised ("a change
touched this service 40 minutes ago"), in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes import panels, services
from changes.models import ChangeRequest, Status
from changes.selectors_records import changes_before
from incidents.models import Incident
from tests.changes.factories import ChangeFactory
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def web(db):
    return ServiceFactory(name="Web hosting")


@pytest.fixture
def ticket(web, contact_a):
    """Raised on Web hosting just now."""
    return IncidentFactory(contact=contact_a.contact, service=web, title="Shop is slow")


def carried_out(
    status: str = Status.IMPLEMENTED,
    *,
    started: timedelta,
    finished: timedelta | None = None,
    **kwargs,
) -> ChangeRequest:
    """A change brought to `status`, then dated: it started `started` ago and (unless it
    is still under way) finished `finished` ago."""
    change = ChangeFactory.create(status=status, **kwargs)
    now = timezone.now()
    ChangeRequest.objects.filter(pk=change.pk).update(
        started_at=now - started,
        finished_at=None if finished is None else now - finished,
        planned_start=now - started - timedelta(minutes=5),
        planned_end=now - started + timedelta(hours=2),
    )
    change.refresh_from_db()
    return change


def panel_html(incident: Incident, user) -> str:
    request = RequestFactory().get("/")
    request.user = user
    return str(panels.ticket_panel(request, incident))


class TestRecentChanges:
    def test_a_change_finished_40_minutes_before_the_ticket_is_shown(self, l1, web, contact_a):
        change = carried_out(
            started=timedelta(hours=2), finished=timedelta(minutes=40), services=[web]
        )
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        html = panel_html(ticket, l1)
        assert f'data-recent-change="{change.number}"' in html
        assert change.title in html
        assert "finished 40\xa0minutes before this ticket was raised" in html
        assert 'class="badge chg-implemented"' in html

    def test_a_change_on_the_configuration_item_counts_too(self, l1, contact_a):
        server = ConfigurationItemFactory(name="web-01")
        change = carried_out(
            Status.CLOSED,
            started=timedelta(hours=3),
            finished=timedelta(hours=2),
            configuration_items=[server],
        )
        ticket = IncidentFactory(contact=contact_a.contact, configuration_item=server)
        assert [c.number for c in changes_before(ticket)] == [change.number]

    @pytest.mark.parametrize(
        "status", [Status.IMPLEMENTED, Status.FAILED, Status.ROLLED_BACK, Status.REVIEW]
    )
    def test_failed_and_rolled_back_changes_count_as_carried_out(self, web, ticket, status):
        change = carried_out(
            status, started=timedelta(hours=1), finished=timedelta(minutes=1), services=[web]
        )
        Incident.objects.filter(pk=ticket.pk).update(registered_at=timezone.now())
        ticket.refresh_from_db()
        assert [c.number for c in changes_before(ticket)] == [change.number]

    def test_a_change_under_way_when_the_ticket_came_in_says_so(self, l1, web, contact_a):
        change = carried_out(Status.IMPLEMENTING, started=timedelta(minutes=30), services=[web])
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        html = panel_html(ticket, l1)
        assert f'data-recent-change="{change.number}"' in html
        assert "under way when this ticket was raised (started 30\xa0minutes before)" in html

    def test_a_change_that_finished_after_the_ticket_was_raised_was_under_way(
        self, l1, web, ticket
    ):
        Incident.objects.filter(pk=ticket.pk).update(
            registered_at=timezone.now() - timedelta(hours=1)
        )
        ticket.refresh_from_db()
        carried_out(started=timedelta(hours=2), finished=timedelta(minutes=10), services=[web])
        assert "under way when this ticket was raised" in panel_html(ticket, l1)

    def test_older_than_change_recent_hours_is_left_out(self, settings, web, contact_a):
        carried_out(started=timedelta(hours=30), finished=timedelta(hours=25), services=[web])
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        assert list(changes_before(ticket)) == []
        settings.CHANGE_RECENT_HOURS = 48
        assert len(changes_before(ticket)) == 1

    def test_without_an_actual_end_the_window_end_counts(self, web, contact_a):
        change = ChangeFactory(status=Status.CLOSED, services=[web])
        now = timezone.now()
        ChangeRequest.objects.filter(pk=change.pk).update(
            started_at=None,
            finished_at=None,
            planned_start=now - timedelta(hours=4),
            planned_end=now - timedelta(hours=3),
        )
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        assert [c.number for c in changes_before(ticket)] == [change.number]
        assert [c.number for c in changes_before(ticket, hours=2)] == []

    def test_a_change_that_started_after_the_ticket_is_not_its_cause(self, web, ticket):
        Incident.objects.filter(pk=ticket.pk).update(
            registered_at=timezone.now() - timedelta(hours=3)
        )
        ticket.refresh_from_db()
        carried_out(started=timedelta(hours=2), finished=timedelta(hours=1), services=[web])
        assert list(changes_before(ticket)) == []

    @pytest.mark.parametrize(
        "status", [Status.DRAFT, Status.CAB_REVIEW, Status.APPROVED, Status.SCHEDULED]
    )
    def test_changes_not_carried_out_are_left_out(self, web, contact_a, status):
        ChangeFactory(status=status, services=[web])  # its window is open right now
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        assert list(changes_before(ticket)) == []

    def test_changes_on_other_services_are_left_out(self, web, contact_a):
        carried_out(
            started=timedelta(hours=1),
            finished=timedelta(minutes=5),
            services=[ServiceFactory(name="Mail")],
        )
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        assert list(changes_before(ticket)) == []

    def test_a_ticket_without_service_or_item_costs_no_query(self, contact_a):
        ticket = IncidentFactory(contact=contact_a.contact)
        with CaptureQueriesContext(connection) as captured:
            assert list(changes_before(ticket)) == []
        assert len(captured) == 0

    def test_the_most_recent_come_first_and_at_most_five(self, web, contact_a):
        made = [
            carried_out(
                started=timedelta(hours=10), finished=timedelta(hours=hours), services=[web]
            )
            for hours in (6, 1, 5, 2, 4, 3)
        ]
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        shown = [c.number for c in changes_before(ticket)[: panels.RECENT_SHOWN]]
        by_end = [made[i].number for i in (1, 3, 5, 4, 2)]
        assert shown == by_end


class TestLinkedChanges:
    def test_the_changes_answering_the_ticket_are_listed_once(self, l1, web, ticket, l2):
        linked = carried_out(
            started=timedelta(hours=2), finished=timedelta(hours=1), services=[web]
        )
        services.change_link(change=linked, incidents=[ticket], actor=l2)
        Incident.objects.filter(pk=ticket.pk).update(registered_at=timezone.now())
        ticket.refresh_from_db()
        html = panel_html(ticket, l1)
        assert f'data-linked-change="{linked.number}"' in html
        assert f'data-recent-change="{linked.number}"' not in html  # not twice

    def test_no_change_no_panel(self, l1, ticket):
        assert panel_html(ticket, l1) == ""

    def test_contacts_and_users_without_a_role_see_nothing(
        self, contact_a, outsider, web, ticket, l2
    ):
        linked = ChangeFactory(services=[web])
        services.change_link(change=linked, incidents=[ticket], actor=l2)
        assert panel_html(ticket, contact_a) == ""
        assert panel_html(ticket, outsider) == ""


class TestTicketPage:
    def test_the_ticket_page_shows_the_panel(self, client, l1, l1_group, web, contact_a):
        change = carried_out(
            started=timedelta(hours=2), finished=timedelta(minutes=40), services=[web]
        )
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        client.force_login(l1)
        page = client.get(reverse("incidents:detail", args=[ticket.number])).text
        assert 'id="change-panel"' in page
        assert reverse("changes:detail", args=[change.number]) in page

    def test_the_query_count_does_not_grow_with_the_changes(
        self, client, l1, l1_group, web, contact_a, l2
    ):
        ticket = IncidentFactory(contact=contact_a.contact, service=web)
        Incident.objects.filter(pk=ticket.pk).update(
            registered_at=timezone.now() + timedelta(minutes=1)
        )
        url = reverse("incidents:detail", args=[ticket.number])
        client.force_login(l1)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                page = client.get(url).text
            assert "data-recent-change" in page and "data-linked-change" in page
            return len(captured)

        first = carried_out(started=timedelta(hours=2), finished=timedelta(hours=1), services=[web])
        services.change_link(change=first, incidents=[ticket], actor=l2)
        carried_out(started=timedelta(hours=2), finished=timedelta(hours=1), services=[web])
        queries()  # warm the caches a first view fills (content types, the session)
        few = queries()
        for _ in range(6):
            more = carried_out(
                started=timedelta(hours=2), finished=timedelta(hours=1), services=[web]
            )
            services.change_link(change=more, incidents=[ticket], actor=l2)
            carried_out(
                started=timedelta(hours=3),
                finished=timedelta(hours=2),
                configuration_items=[ConfigurationItemFactory(service=web)],
            )
        assert queries() == few
