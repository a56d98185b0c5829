"""The organisation page (/organisations/<id>/) and the configuration-item page
(/cis/<id>/): who may open them (the permission matrix), what they show (the platform's
own facts and the apps' panels: tickets, problems, changes), and a query count that stays
flat as the lists grow."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents.models import Status
from problems.models import Status as ProblemStatus
from tests.changes.factories import ChangeFactory
from tests.factories import (
    BusinessCalendarFactory,
    ConfigurationItemFactory,
    ContactFactory,
    OrganisationFactory,
    ServiceFactory,
    SlaPolicyFactory,
    make_incident_in,
)
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

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
EVERYONE = [*STAFF, "contact_a", "contact_b", "outsider"]


@pytest.fixture
def item(org_a):
    return ConfigurationItemFactory(name="db-01", organisation=org_a)


def record_urls(org_a, item) -> dict[str, str]:
    """Every route of the two pages, with the incidents app's lists behind their links."""
    return {
        "organisation": reverse("organisation", args=[org_a.pk]),
        "configuration_item": reverse("configuration_item", args=[item.pk]),
        "incidents:organisation_tickets": reverse(
            "incidents:organisation_tickets", args=[org_a.pk]
        ),
        "incidents:configuration_item_tickets": reverse(
            "incidents:configuration_item_tickets", args=[item.pk]
        ),
    }


ROUTES = [
    "organisation",
    "configuration_item",
    "incidents:organisation_tickets",
    "incidents:configuration_item_tickets",
]


# ----- the permission matrix -------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("actor", EVERYONE)
def test_record_page_permission_matrix(client, actors, org_a, item, actor, route):
    """Any staff role reads them; a contact (even of the organisation itself) and a user
    without a role get 403."""
    client.force_login(actors[actor])
    response = client.get(record_urls(org_a, item)[route])
    assert response.status_code == (200 if actor in STAFF else 403)


@pytest.mark.parametrize("route", ROUTES)
def test_anonymous_users_are_sent_to_log_in(client, org_a, item, route):
    response = client.get(record_urls(org_a, item)[route])
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("route", ROUTES)
def test_the_record_pages_refuse_post(client, l1, org_a, item, route):
    client.force_login(l1)
    assert client.post(record_urls(org_a, item)[route]).status_code == 405


@pytest.mark.parametrize(
    "route",
    [
        "organisation",
        "configuration_item",
        "incidents:organisation_tickets",
        "incidents:configuration_item_tickets",
    ],
)
def test_an_unknown_record_is_404(client, l1, route):
    client.force_login(l1)
    assert client.get(reverse(route, args=[999999])).status_code == 404


# ----- the organisation page -------------------------------------------------------------


def page(client, user, url, **headers):
    client.force_login(user)
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response.content.decode()


class TestOrganisationPage:
    def test_shows_the_organisation_and_its_contacts(self, client, l1, org_a):
        ContactFactory(
            organisation=org_a,
            name="Jana Becker",
            email="jana@a.test",
            phone="+49 30 1234",
            language="de",
            with_login=True,
        )
        ContactFactory(organisation=org_a, name="Tom Reader", is_authorised=False)
        ContactFactory(name="Someone Elsewhere")  # another organisation
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        assert "Organisation A" in html and "A-001" in html and "Europe/Berlin" in html
        assert "Jana Becker" in html and "jana@a.test" in html and "+49 30 1234" in html
        assert "German" in html
        assert "Tom Reader" in html
        assert "Someone Elsewhere" not in html

    def test_says_when_the_organisation_is_inactive(self, client, l1):
        organisation = OrganisationFactory(is_active=False)
        html = page(client, l1, reverse("organisation", args=[organisation.pk]))
        assert "data-active>inactive<" in html.replace('"', "")

    def test_shows_the_contracts_sla(self, client, l1, org_a):
        mail = ServiceFactory(name="Managed mail")
        policy = SlaPolicyFactory(
            organisation=org_a, name="Gold", availability_target_percent="99.950"
        )
        policy.services.set([mail])
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        assert "Gold" in html and policy.calendar.name in html
        assert "99.950 %" in html
        assert "Managed mail" in html
        # Every priority's targets: P1 reacts in 15 min and resolves in 4 h.
        assert 'data-target="1"' in html and "15 min" in html and "4 h" in html
        # The customer SLA report is the desk manager's: not for L1.
        assert "data-sla-report" not in html

    def test_a_desk_manager_gets_last_months_sla_report(self, client, desk_manager, org_a):
        SlaPolicyFactory(organisation=org_a)
        html = page(client, desk_manager, reverse("organisation", args=[org_a.pk]))
        today = timezone.localdate()
        last = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
        assert f"/manager/reports/A-001/{last:%Y-%m}/" in html

    def test_without_an_sla(self, client, l1, org_a):
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        assert "No SLA applies to this customer." in html

    def test_lists_open_and_recently_resolved_tickets_of_the_organisation_only(
        self, client, l1, org_a, contact_a, contact_b
    ):
        SlaPolicyFactory(organisation=org_a)
        mine = make_incident_in("in_progress", contact=contact_a.contact, title="Mail is slow")
        done = make_incident_in("completed", contact=contact_a.contact, title="VPN fixed")
        old = make_incident_in("closed", contact=contact_a.contact, title="Ancient history")
        type(old).objects.filter(pk=old.pk).update(resolved_at=timezone.now() - timedelta(days=45))
        other = make_incident_in("in_progress", contact=contact_b.contact, title="Not ours")
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        open_part, recent_part = html.split("data-recent-tickets", 1)
        assert mine.number in open_part.split("data-open-tickets", 1)[1]
        assert done.number in recent_part and done.number not in open_part
        assert old.number not in html
        assert other.number not in html
        # The SLA badge, as in the queues.
        assert "left</time>" in open_part or "over</time>" in open_part

    def test_each_ticket_list_is_capped_with_a_link_to_the_rest(self, client, l1, org_a, contact_a):
        from incidents import record_panels

        tickets = [
            make_incident_in("registered", contact=contact_a.contact)
            for _ in range(record_panels.SHOWN + 2)
        ]
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        open_part = html.split("data-recent-tickets", 1)[0]
        assert open_part.count("data-ticket=") == record_panels.SHOWN
        more = reverse("incidents:organisation_tickets", args=[org_a.pk]) + "?list=open"
        assert f'href="{more}"' in html
        assert f"All {len(tickets)} open tickets" in html
        listed = page(client, l1, more)
        assert all(t.number in listed for t in tickets)

    def test_lists_problems_and_changes_on_its_services(
        self, client, l1, org_a, contact_a, problem_manager
    ):
        covered, ticketed, elsewhere = (
            ServiceFactory(name="Covered"),
            ServiceFactory(name="Ticketed"),
            ServiceFactory(name="Elsewhere"),
        )
        SlaPolicyFactory(organisation=org_a).services.set([covered])
        make_incident_in("in_progress", contact=contact_a.contact, service=ticketed)
        by_contract = ProblemFactory(service=covered, actor=problem_manager)
        by_ticket = ProblemFactory(
            configuration_item=ConfigurationItemFactory(service=ticketed), actor=problem_manager
        )
        unrelated = ProblemFactory(service=elsewhere, actor=problem_manager)
        on_service = ChangeFactory(services=[covered])
        on_item = ChangeFactory(configuration_items=[ConfigurationItemFactory(service=ticketed)])
        not_ours = ChangeFactory(services=[elsewhere])
        html = page(client, l1, reverse("organisation", args=[org_a.pk]))
        problems = html.split("data-record-problems", 1)[1].split("</section>", 1)[0]
        changes = html.split("data-record-changes", 1)[1].split("</section>", 1)[0]
        # Newest first.
        assert problems.index(by_ticket.number) < problems.index(by_contract.number)
        assert unrelated.number not in problems
        assert changes.index(on_item.number) < changes.index(on_service.number)
        assert not_ours.number not in changes
        assert reverse("problems:detail", args=[by_contract.number]) in problems
        assert reverse("changes:detail", args=[on_service.number]) in changes

    def test_htmx_gets_the_record_alone(self, client, l1, org_a):
        html = page(client, l1, reverse("organisation", args=[org_a.pk]), HTTP_HX_REQUEST="true")
        assert html.lstrip().startswith('<article id="record"')
        assert "<html" not in html


def organisation_with(org, contact, *, tickets: int, problem_manager) -> None:
    """`tickets` open and as many recently resolved tickets, and as many problems and
    changes on the organisation's services (a new one each time), with contacts."""
    service = ServiceFactory()
    SlaPolicyFactory._meta.model.objects.get_or_create(
        organisation=org, defaults={"name": "SLA", "calendar": BusinessCalendarFactory()}
    )[0].services.add(service)
    for _ in range(tickets):
        ContactFactory(organisation=org, with_login=True)
        make_incident_in("in_progress", contact=contact, service=service)
        make_incident_in("completed", contact=contact, service=service)
        ProblemFactory(service=service, actor=problem_manager)
        ChangeFactory(services=[service])


def test_the_organisation_page_costs_the_same_for_one_row_or_many(
    client, l1, org_a, contact_a, problem_manager, django_assert_max_num_queries
):
    url = reverse("organisation", args=[org_a.pk])
    organisation_with(org_a, contact_a.contact, tickets=1, problem_manager=problem_manager)
    client.force_login(l1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    counted = len(one)  # (read now: it slices the connection's log, which a request resets)
    organisation_with(org_a, contact_a.contact, tickets=14, problem_manager=problem_manager)
    client.get(url)  # warm as for the first count (the new tickets' SLA calendars read)
    with django_assert_max_num_queries(counted):
        html = client.get(url).content.decode()
    assert html.count("data-ticket=") == 20  # two lists of ten


def test_the_configuration_item_page_costs_the_same_for_one_row_or_many(
    client, l1, org_a, contact_a, item, problem_manager, django_assert_max_num_queries
):
    url = reverse("configuration_item", args=[item.pk])

    def add(n: int) -> None:
        for _ in range(n):
            make_incident_in(
                "in_progress",
                contact=contact_a.contact,
                service=item.service,
                configuration_item=item,
            )
            ProblemFactory(configuration_item=item, actor=problem_manager)
            ChangeFactory(configuration_items=[item])

    add(1)
    client.force_login(l1)
    client.get(url)
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    add(12)
    with django_assert_max_num_queries(len(one)):
        html = client.get(url).content.decode()
    assert html.count("data-ticket=") == 10


# ----- the configuration-item page -------------------------------------------------------


class TestConfigurationItemPage:
    def test_shows_the_item_its_service_and_owner(self, client, l1, org_a, item):
        html = page(client, l1, reverse("configuration_item", args=[item.pk]))
        assert "db-01" in html and item.service.name in html and "Server" in html
        assert reverse("organisation", args=[org_a.pk]) in html

    def test_a_shared_item_has_no_owner(self, client, l1):
        shared = ConfigurationItemFactory(organisation=None)
        html = page(client, l1, reverse("configuration_item", args=[shared.pk]))
        assert "Shared infrastructure" in html

    def test_lists_its_tickets_open_first_then_newest(self, client, l1, contact_a, item):
        def on_item(status, title):
            return make_incident_in(
                status,
                contact=contact_a.contact,
                service=item.service,
                configuration_item=item,
                title=title,
            )

        older_open = on_item("in_progress", "Disk full")
        done = on_item("completed", "Restarted")
        newer_open = on_item("registered", "Slow queries")
        elsewhere = make_incident_in("in_progress", contact=contact_a.contact)
        html = page(client, l1, reverse("configuration_item", args=[item.pk]))
        order = [html.index(t.number) for t in (newer_open, older_open, done)]
        assert order == sorted(order)
        assert elsewhere.number not in html

    def test_lists_its_problems_and_changes_newest_first(self, client, l1, item, problem_manager):
        first = ProblemFactory(configuration_item=item, actor=problem_manager)
        second = ProblemFactory(
            configuration_item=item, status=ProblemStatus.KNOWN_ERROR, actor=problem_manager
        )
        other = ProblemFactory(service=item.service, actor=problem_manager)  # not on the item
        old_change = ChangeFactory(configuration_items=[item])
        new_change = ChangeFactory(configuration_items=[item])
        html = page(client, l1, reverse("configuration_item", args=[item.pk]))
        assert html.index(second.number) < html.index(first.number)
        assert other.number not in html
        assert html.index(new_change.number) < html.index(old_change.number)

    def test_htmx_gets_the_record_alone(self, client, l1, item):
        html = page(
            client, l1, reverse("configuration_item", args=[item.pk]), HTTP_HX_REQUEST="true"
        )
        assert html.lstrip().startswith('<article id="record"')


# ----- links from the records that name them ---------------------------------------------


def test_the_ticket_page_links_its_organisation_and_configuration_item(
    client, l1, org_a, contact_a, item
):
    ticket = make_incident_in(
        "in_progress", contact=contact_a.contact, service=item.service, configuration_item=item
    )
    html = page(client, l1, reverse("incidents:detail", args=[ticket.number]))
    assert f'href="{reverse("organisation", args=[org_a.pk])}"' in html
    assert f'href="{reverse("configuration_item", args=[item.pk])}"' in html


def test_the_problem_and_change_pages_link_their_configuration_items(
    client, l1, item, problem_manager
):
    problem = ProblemFactory(configuration_item=item, actor=problem_manager)
    change = ChangeFactory(configuration_items=[item])
    link = f'href="{reverse("configuration_item", args=[item.pk])}"'
    assert link in page(client, l1, reverse("problems:detail", args=[problem.number]))
    assert link in page(client, l1, reverse("changes:detail", args=[change.number]))


def test_the_lists_behind_the_links_filter_by_open_and_recent(client, l1, org_a, contact_a):
    open_ticket = make_incident_in("in_progress", contact=contact_a.contact)
    done = make_incident_in("completed", contact=contact_a.contact)
    base = reverse("incidents:organisation_tickets", args=[org_a.pk])
    listed_open = page(client, l1, f"{base}?list=open")
    assert open_ticket.number in listed_open and done.number not in listed_open
    listed_recent = page(client, l1, f"{base}?list=recent")
    assert done.number in listed_recent and open_ticket.number not in listed_recent
    assert str(Status.COMPLETED.label) in listed_recent
