"""The portal's disruption banner (incidents/major.py): on the home page, the catalogue,
the affected service's page and the affected tickets, for the contacts of affected
organisations only, with neutral words and the public updates; the major incident's own
number, title and description stay with its own organisation."""

import pytest
from django.urls import reverse

from incidents import services
from incidents.models import Status
from servicedesk.models import ConfigurationItem
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    make_incident_in,
)

pytestmark = pytest.mark.django_db

BANNER = "data-major-banner"
NEUTRAL = "We are working on a disruption of Object storage since"


@pytest.fixture
def storage():
    return ServiceFactory(name="Object storage")


@pytest.fixture
def major(storage, contact_a, desk_manager):
    """Organisation A's ticket, declared the major incident, with one public update."""
    incident = make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        contact=contact_a.contact,
        service=storage,
        title="Secret: ceph-osd-17 disk controller fault",
        description="Internal: rack B4, firmware 2.1.3",
    )
    services.incident_declare_major(
        incident=incident, manager=desk_manager, reason="Storage down", actor=desk_manager
    )
    services.major_post_update(
        incident=incident, text="A replacement part is on its way.", actor=desk_manager
    )
    return incident


@pytest.fixture
def child_of_b(major, storage, contact_b, l1):
    child = IncidentFactory(service=storage, contact=contact_b.contact, title="Our backups fail")
    services.incident_link_child(parent=major, child=child, actor=l1)
    return child


def home(client, user) -> str:
    client.force_login(user)
    return client.get(reverse("portal:home")).content.decode()


def assert_no_internals(page: str, major) -> None:
    assert major.number not in page
    assert "Secret: ceph-osd-17" not in page
    assert "rack B4" not in page


class TestWhoSeesIt:
    def test_the_major_incidents_own_organisation_sees_it_with_its_ticket(
        self, client, contact_a, major
    ):
        page = home(client, contact_a)
        banner = page.split(BANNER)[1].split("</section>")[0]
        assert NEUTRAL in banner
        assert "A replacement part is on its way." in banner
        assert reverse("portal:ticket", args=[major.number]) in banner

    def test_a_contact_of_another_organisation_with_a_linked_ticket_sees_only_neutral_words(
        self, client, contact_b, major, child_of_b
    ):
        page = home(client, contact_b)
        banner = page.split(BANNER)[1].split("</section>")[0]
        assert NEUTRAL in banner
        assert "A replacement part is on its way." in banner
        assert reverse("portal:ticket", args=[child_of_b.number]) in banner
        assert_no_internals(page, major)

    def test_the_other_organisation_cannot_open_the_major_incident(
        self, client, contact_b, major, child_of_b
    ):
        client.force_login(contact_b)
        response = client.get(reverse("portal:ticket", args=[major.number]))
        assert response.status_code == 404

    def test_an_organisation_with_an_open_ticket_on_the_service_sees_it(
        self, client, contact_b, major, storage
    ):
        IncidentFactory(service=storage, contact=contact_b.contact)
        page = home(client, contact_b)
        assert NEUTRAL in page
        assert_no_internals(page, major)

    def test_an_organisation_using_the_service_sees_it(self, client, major, storage):
        org = OrganisationFactory()
        ConfigurationItem.objects.create(name="bucket-c", service=storage, organisation=org)
        user = ContactFactory(organisation=org, with_login=True).user
        page = home(client, user)
        assert NEUTRAL in page
        assert_no_internals(page, major)

    def test_an_unaffected_organisation_sees_nothing(self, client, contact_b, major, storage):
        IncidentFactory(service=ServiceFactory(), contact=contact_b.contact)  # another service
        ConfigurationItem.objects.create(name="shared", service=storage)  # no owner: shared
        make_incident_in(Status.CLOSED, service=storage, contact=contact_b.contact)
        page = home(client, contact_b)
        assert BANNER not in page
        assert "disruption" not in page

    def test_the_banner_is_gone_once_the_major_incident_is_resolved(
        self, client, contact_b, major, child_of_b, desk_manager
    ):
        services.incident_complete(
            incident=major, closure_code="resolved", resolution="Fixed.", actor=desk_manager
        )
        assert BANNER not in home(client, contact_b)

    def test_an_ended_outage_says_the_service_is_back(
        self, client, contact_b, major, child_of_b, desk_manager
    ):
        services.incident_end_outage(incident=major, actor=desk_manager)
        assert "has been working again since" in home(client, contact_b)


class TestWhereItShows:
    def test_on_the_catalogue_and_the_affected_services_page(
        self, client, contact_b, major, child_of_b, storage
    ):
        other = ServiceFactory(name="Mail")
        client.force_login(contact_b)
        catalogue = client.get(reverse("portal:catalogue")).content.decode()
        assert NEUTRAL in catalogue and "data-disrupted" in catalogue
        assert_no_internals(catalogue, major)
        raising = client.get(reverse("portal:raise", args=[storage.pk])).content.decode()
        assert NEUTRAL in raising
        assert "you need not raise a ticket" in raising
        elsewhere = client.get(reverse("portal:raise", args=[other.pk])).content.decode()
        assert BANNER not in elsewhere

    def test_on_an_affected_ticket_with_the_updates(self, client, contact_b, major, child_of_b):
        client.force_login(contact_b)
        page = client.get(reverse("portal:ticket", args=[child_of_b.number])).content.decode()
        assert NEUTRAL in page
        assert "A replacement part is on its way." in page
        assert_no_internals(page, major)

    def test_a_ticket_outside_any_major_incident_has_none(self, client, contact_b, major):
        own = IncidentFactory(contact=contact_b.contact)
        client.force_login(contact_b)
        page = client.get(reverse("portal:ticket", args=[own.number])).content.decode()
        assert BANNER not in page


def test_the_home_page_with_banners_costs_a_fixed_number_of_queries(
    client, contact_b, major, child_of_b, storage, desk_manager, django_assert_max_num_queries
):
    client.force_login(contact_b)
    client.get(reverse("portal:home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one:
        client.get(reverse("portal:home"))
    # Organisation B uses the service: every major incident on it affects B.
    ConfigurationItem.objects.create(
        name="bucket-b", service=storage, organisation=child_of_b.organisation
    )
    for n in range(5):
        other = services.incident_declare_major(
            incident=make_incident_in(Status.IN_PROGRESS, service=storage),
            manager=desk_manager,
            reason="Another",
            actor=desk_manager,
        )
        services.major_post_update(incident=other, text=f"News {n}", actor=desk_manager)
    with django_assert_max_num_queries(len(one)):
        page = client.get(reverse("portal:home")).content.decode()
    assert page.count(BANNER) == 6
