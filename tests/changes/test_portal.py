"""Planned maintenance in the portal: the contacts of the organisations a scheduled change
affects see it on their home page and on the affected services (catalogue cards, the
raise page), with the window in their organisation's time zone, in customers' words, in
a fixed number of queries."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from changes.models import ChangeRequest, Status
from changes.selectors_portal import affected_organisation_ids, maintenance_for
from servicedesk.models import Organisation
from tests.changes.factories import ChangeFactory
from tests.factories import ConfigurationItemFactory, ServiceFactory

pytestmark = pytest.mark.django_db

#: A window well ahead: Thu 10 Jan 2030, 15:00–17:00 UTC.
START = datetime(2030, 1, 10, 15, 0, tzinfo=UTC)
END = START + timedelta(hours=2)


@pytest.fixture
def web(db):
    return ServiceFactory(name="Web hosting")


@pytest.fixture
def mail(db):
    return ServiceFactory(name="Mail")


@pytest.fixture
def setup(org_a, org_b, web, mail):
    """A runs a server on Web hosting; B one on Mail; both time zones differ."""
    Organisation.objects.filter(pk=org_a.pk).update(time_zone="America/New_York")
    Organisation.objects.filter(pk=org_b.pk).update(time_zone="Asia/Tokyo")
    return {
        "a_web": ConfigurationItemFactory(name="a-web-01", service=web, organisation=org_a),
        "b_mail": ConfigurationItemFactory(name="b-mail-01", service=mail, organisation=org_b),
    }


def scheduled(**kwargs) -> ChangeRequest:
    kwargs.setdefault("planned_start", START)
    kwargs.setdefault("planned_end", END)
    kwargs.setdefault("title", "Kernel 6.12 on the INTERNAL web cluster")
    kwargs.setdefault("implementation_plan", "drain lb-7, reboot SECRET-HOST")
    return ChangeFactory.create(status=Status.SCHEDULED, **kwargs)


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    return response.text


class TestWhoIsAffected:
    def test_an_active_item_on_a_named_service_makes_its_organisation_affected(
        self, setup, org_a, web
    ):
        assert affected_organisation_ids(scheduled(services=[web])) == {org_a.pk}

    def test_a_named_item_affects_its_organisation_even_when_inactive(self, setup, org_b, mail):
        old = ConfigurationItemFactory(service=mail, organisation=org_b, is_active=False)
        change = scheduled(configuration_items=[old])
        assert affected_organisation_ids(change) == {org_b.pk}

    def test_an_inactive_item_on_a_named_service_affects_nobody(self, org_a):
        quiet = ServiceFactory(name="Backup")
        ConfigurationItemFactory(service=quiet, organisation=org_a, is_active=False)
        assert affected_organisation_ids(scheduled(services=[quiet])) == set()

    def test_a_named_item_affects_its_owner_not_every_customer_on_its_service(
        self, setup, org_a, org_b, web
    ):
        b_web = ConfigurationItemFactory(name="b-web-01", service=web, organisation=org_b)
        change = scheduled(configuration_items=[b_web])
        assert list(change.services.all()) == [web]  # brought along by the item
        assert affected_organisation_ids(change) == {org_b.pk}
        assert maintenance_for(org_a.pk) == []
        assert [m.number for m in maintenance_for(org_b.pk)] == [change.number]

    def test_shared_infrastructure_affects_nobody_by_itself(self, setup, org_a):
        shared = ConfigurationItemFactory(name="core-switch", organisation=None)
        change = scheduled(configuration_items=[shared])
        # The item brings its own service, on which no organisation has an item.
        assert affected_organisation_ids(change) == set()


class TestHome:
    def test_the_affected_contact_sees_the_window_in_their_time_zone(
        self, client, setup, contact_a, web
    ):
        change = scheduled(services=[web])
        page = home(client, contact_a)
        assert "data-maintenance-panel" in page
        assert f'data-maintenance="{change.number}"' in page
        assert "Web hosting" in page
        # 15:00–17:00 UTC is 10:00–12:00 in New York.
        assert "Thu 10 Jan 2030 10:00" in page and "Thu 10 Jan 2030 12:00" in page
        assert "America/New_York" in page

    def test_customers_never_see_the_staff_wording(self, client, setup, contact_a, web):
        scheduled(services=[web])
        page = home(client, contact_a)
        assert "INTERNAL" not in page and "SECRET-HOST" not in page

    def test_an_unaffected_contact_sees_nothing(self, client, setup, contact_b, web):
        scheduled(services=[web])
        assert "data-maintenance-panel" not in home(client, contact_b)

    def test_only_the_affected_services_are_named(self, client, setup, contact_a, web, mail):
        scheduled(services=[web, mail])
        page = home(client, contact_a)
        panel = page.split("data-maintenance-panel")[1].split("</section>")[0]
        assert "<strong>Web hosting</strong>" in panel
        assert "Mail" not in panel  # B's service, not A's

    def test_a_change_under_way_says_so(self, client, setup, contact_a, web):
        change = ChangeFactory(status=Status.IMPLEMENTING, services=[web])
        page = home(client, contact_a)
        assert f'data-maintenance="{change.number}"' in page
        assert "under way" in page

    @pytest.mark.parametrize(
        "status",
        [Status.DRAFT, Status.CAB_REVIEW, Status.APPROVED, Status.IMPLEMENTED, Status.CLOSED],
    )
    def test_changes_not_scheduled_or_under_way_are_not_shown(
        self, client, setup, contact_a, web, status
    ):
        ChangeFactory(status=status, services=[web], planned_start=START, planned_end=END)
        assert "data-maintenance-panel" not in home(client, contact_a)

    def test_a_window_that_ended_is_not_shown(self, setup, org_a, web):
        change = scheduled(services=[web])
        ChangeRequest.objects.filter(pk=change.pk).update(
            planned_start=timezone.now() - timedelta(hours=3),
            planned_end=timezone.now() - timedelta(hours=1),
        )
        assert maintenance_for(org_a.pk) == []

    def test_soonest_first(self, setup, org_a, web):
        later = scheduled(
            services=[web],
            planned_start=START + timedelta(days=2),
            planned_end=END + timedelta(days=2),
        )
        sooner = scheduled(services=[web])
        assert [m.number for m in maintenance_for(org_a.pk)] == [sooner.number, later.number]

    def test_the_query_count_does_not_grow_with_the_notices(
        self, client, setup, contact_a, web, org_a
    ):
        scheduled(services=[web])
        client.force_login(contact_a)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert "data-maintenance-panel" in client.get(reverse("portal:home")).text
            return len(captured)

        queries()
        few = queries()
        for n in range(5):
            other = ServiceFactory()
            ConfigurationItemFactory(service=other, organisation=org_a)
            scheduled(
                services=[web, other],
                planned_start=START + timedelta(days=n + 1),
                planned_end=END + timedelta(days=n + 1),
            )
        assert queries() == few


class TestServices:
    def test_the_catalogue_card_of_the_affected_service_carries_the_notice(
        self, client, setup, contact_a, web, mail
    ):
        change = scheduled(services=[web])
        client.force_login(contact_a)
        page = client.get(reverse("portal:catalogue")).text
        card = page.split("<h2>Web hosting</h2>")[1].split("</li>")[0]
        assert f'data-maintenance="{change.number}"' in card
        other = page.split("<h2>Mail</h2>")[1].split("</li>")[0]
        assert "data-maintenance" not in other
        assert "INTERNAL" not in page

    def test_the_raise_page_of_the_service_carries_the_notice(
        self, client, setup, contact_a, web, mail
    ):
        change = scheduled(services=[web])
        client.force_login(contact_a)
        page = client.get(reverse("portal:raise", args=[web.pk])).text
        assert f'data-maintenance="{change.number}"' in page
        assert "10:00" in page
        other = client.get(reverse("portal:raise", args=[mail.pk])).text
        assert "data-maintenance" not in other

    def test_the_catalogue_costs_the_same_however_many_services_have_notices(
        self, client, setup, contact_a, web, org_a
    ):
        scheduled(services=[web])
        client.force_login(contact_a)

        def queries() -> int:
            with CaptureQueriesContext(connection) as captured:
                assert "data-maintenance" in client.get(reverse("portal:catalogue")).text
            return len(captured)

        queries()
        few = queries()
        for _ in range(5):
            other = ServiceFactory()
            ConfigurationItemFactory(service=other, organisation=org_a)
            scheduled(services=[other])
        assert queries() == few
