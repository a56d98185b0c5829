"""Major incidents through the HTTP layer (incidents/views/major.py): who gets each route
(the access matrix is in test_views_access.py), 404/405, the plain and the htmx answer of
each step, forms that keep what was typed, the proposal on a new ticket's page, the queue
badge and triage marker, and flat query counts for the children panel and the queues."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from incidents import services
from incidents.models import Incident, MajorIncidentUpdate, Status
from tests.factories import (
    ContactFactory,
    IncidentFactory,
    OrganisationFactory,
    ServiceFactory,
    make_incident_in,
)
from tests.problems import bulk

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def storage():
    return ServiceFactory(name="Object storage")


@pytest.fixture
def incident(desk_manager, contact_a, storage):
    return make_incident_in(
        Status.IN_PROGRESS,
        actor=desk_manager,
        contact=contact_a.contact,
        service=storage,
        title="S3 endpoint answers 503",
    )


@pytest.fixture
def major(incident, desk_manager):
    return services.incident_declare_major(
        incident=incident, manager=desk_manager, reason="Storage down", actor=desk_manager
    )


def url(name, *args):
    return reverse(f"incidents:{name}", args=args)


def fresh(ticket) -> Incident:
    return Incident.objects.get(pk=ticket.pk)


# ----- declaring -----------------------------------------------------------------------------


class TestDeclare:
    def test_the_button_is_there_for_the_desk_manager_only(
        self, client, incident, desk_manager, l1
    ):
        client.force_login(desk_manager)
        page = client.get(url("detail", incident.number)).content.decode()
        assert 'data-action="declare_major"' in page
        client.force_login(l1)
        page = client.get(url("detail", incident.number)).content.decode()
        assert 'data-action="declare_major"' not in page

    def test_htmx_opens_the_form_in_the_action_panel(self, client, incident, desk_manager):
        client.force_login(desk_manager)
        response = client.get(url("major_declare", incident.number), headers=HTMX)
        assert response.status_code == 200
        assert response["HX-Retarget"] == "#action-panel"
        html = response.content.decode()
        assert "<html" not in html
        assert 'name="manager"' in html and 'name="reason"' in html
        assert 'type="datetime-local"' in html

    def test_a_plain_visit_shows_the_ticket_with_the_form_open(
        self, client, incident, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.get(url("major_declare", incident.number))
        assert response.status_code == 200
        assert "<html" in response.content.decode()
        assert 'data-submit="declare_major"' in response.content.decode()

    def test_a_plain_post_declares_and_redirects_to_the_ticket(
        self, client, incident, desk_manager, l2
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("major_declare", incident.number),
            {
                "version": incident.version,
                "manager": l2.pk,
                "outage_started_at": "2026-11-02T09:40",
                "reason": "Storage down for everyone",
            },
        )
        assert response.status_code == 302
        assert response["Location"] == url("detail", incident.number)
        declared = fresh(incident)
        assert declared.is_major and declared.major_manager == l2
        assert declared.outage_started_at.isoformat() == "2026-11-02T08:40:00+00:00"  # Berlin

    def test_htmx_answers_with_the_ticket_now_major(self, client, incident, desk_manager):
        client.force_login(desk_manager)
        response = client.post(
            url("major_declare", incident.number),
            {"version": incident.version, "manager": desk_manager.pk, "reason": "Down"},
            headers=HTMX,
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="ticket"' in html and "<html" not in html
        assert "data-major" in html and 'id="major-panel"' in html

    def test_an_error_sits_next_to_its_field_and_what_was_typed_stays(
        self, client, incident, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("major_declare", incident.number),
            {"version": incident.version, "manager": desk_manager.pk, "reason": ""},
            headers=HTMX,
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert 'id="id_reason_error"' in html
        assert f'<option value="{desk_manager.pk}" selected>' in html
        assert not fresh(incident).is_major

    def test_a_stale_form_keeps_the_input_on_top_of_the_current_version(
        self, client, incident, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("major_declare", incident.number),
            {"version": incident.version - 1, "manager": desk_manager.pk, "reason": "Keep me"},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "Keep me" in html
        assert f'name="version" value="{incident.version}"' in html
        assert not fresh(incident).is_major

    def test_a_ticket_that_cannot_be_major_says_why_on_top(self, client, major, desk_manager):
        client.force_login(desk_manager)
        response = client.post(
            url("major_declare", major.number),
            {"version": major.version, "manager": desk_manager.pk, "reason": "Again"},
        )
        assert response.status_code == 422
        assert "is a major incident already" in response.content.decode()


# ----- the panel -----------------------------------------------------------------------------


class TestLinking:
    def test_htmx_links_typed_numbers_and_answers_with_the_panel(self, client, major, storage, l1):
        first, second = IncidentFactory(service=storage), IncidentFactory(service=storage)
        client.force_login(l1)
        response = client.post(
            url("major_link", major.number),
            {"numbers": f"{first.number.lower()}, {second.number}"},
            headers=HTMX,
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith("<section") or 'id="major-panel"' in html
        assert f'data-child="{first.number}"' in html and f'data-child="{second.number}"' in html
        assert "Linked:" in html
        assert fresh(first).parent_id == major.pk

    def test_a_plain_post_links_and_redirects(self, client, major, storage, l1):
        child = IncidentFactory(service=storage)
        client.force_login(l1)
        response = client.post(url("major_link", major.number), {"numbers": child.number})
        assert response.status_code == 302
        assert response["Location"] == url("detail", major.number)
        assert fresh(child).parent_id == major.pk

    @pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
    def test_an_unknown_number_is_named_next_to_the_field_and_the_input_stays(
        self, client, major, l1, htmx
    ):
        client.force_login(l1)
        response = client.post(
            url("major_link", major.number),
            {"numbers": "INC-999999 nonsense"},
            headers=HTMX if htmx else {},
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "No ticket has the number INC-999999." in html
        assert 'id="id_numbers_error"' in html
        assert "INC-999999 nonsense" in html
        assert ("<html" in html) is not htmx

    def test_a_refused_link_says_why_next_to_the_field(self, client, major, storage, l1):
        closed = make_incident_in(Status.CLOSED, service=storage)
        client.force_login(l1)
        response = client.post(
            url("major_link", major.number), {"numbers": closed.number}, headers=HTMX
        )
        assert response.status_code == 422
        assert f"{closed.number} is closed." in response.content.decode()

    def test_the_suggestions_are_offered_with_one_click_each_and_all_at_once(
        self, client, major, storage, l1
    ):
        first, second = IncidentFactory(service=storage), IncidentFactory(service=storage)
        client.force_login(l1)
        html = client.get(url("detail", major.number)).content.decode()
        assert f'data-suggestion="{first.number}"' in html
        assert f'data-suggestion="{second.number}"' in html
        assert f'name="numbers" value="{second.number} {first.number}"' in html
        client.post(url("major_link", major.number), {"numbers": f"{second.number} {first.number}"})
        assert set(major.children.all()) == {first, second}

    def test_the_search_lists_tickets_to_link(self, client, major, storage, l1):
        wanted = IncidentFactory(title="Bucket listing hangs")
        IncidentFactory(title="Printer jam")
        client.force_login(l1)
        response = client.get(url("major_candidates", major.number), {"q": "bucket"}, headers=HTMX)
        assert response.status_code == 200
        html = response.content.decode()
        assert html.lstrip().startswith('<div id="major-candidates"')
        assert f'data-candidate="{wanted.number}"' in html
        assert "Printer jam" not in html
        plain = client.get(url("major_candidates", major.number), {"q": "bucket"})
        assert plain.status_code == 200 and "<html" in plain.content.decode()
        assert f'data-candidate="{wanted.number}"' in plain.content.decode()

    @pytest.mark.parametrize(
        "query", ["Bruno Bauer", "bruno@b.test", "Brewery", "b-042", "Cooling fails"]
    )
    def test_the_search_finds_tickets_by_contact_organisation_or_summary(
        self, client, major, storage, l1, query
    ):
        org = OrganisationFactory(name="Bavarian Brewery", contract_number="B-042")
        caller = ContactFactory(organisation=org, name="Bruno Bauer", email="bruno@b.test")
        wanted = IncidentFactory(contact=caller, service=storage, title="Cooling fails")
        other = IncidentFactory(title="Printer jam")
        client.force_login(l1)
        response = client.get(url("major_candidates", major.number), {"q": query}, headers=HTMX)
        html = response.content.decode()
        assert f'data-candidate="{wanted.number}"' in html
        assert f'data-candidate="{other.number}"' not in html
        assert "Bruno Bauer" in html  # the row says whose ticket it is

    def test_the_search_leaves_out_what_cannot_be_linked(
        self, client, major, storage, l1, desk_manager
    ):
        org = OrganisationFactory(name="Bavarian Brewery", contract_number="B-042")
        caller = ContactFactory(organisation=org)
        linkable = IncidentFactory(contact=caller, service=storage)
        linked = IncidentFactory(contact=caller, service=storage)
        services.incident_link_child(parent=major, child=linked, actor=l1)
        request = IncidentFactory(contact=caller, kind="request")
        closed = make_incident_in(Status.CLOSED, contact=caller, actor=desk_manager)
        client.force_login(l1)
        response = client.get(url("major_candidates", major.number), {"q": "Brewery"}, headers=HTMX)
        html = response.content.decode()
        assert f'data-candidate="{linkable.number}"' in html
        for ticket in (linked, request, closed):
            assert f'data-candidate="{ticket.number}"' not in html

    def test_a_ticket_found_by_its_organisation_is_linked_by_a_plain_post(
        self, client, major, storage, l1
    ):
        org = OrganisationFactory(name="Bavarian Brewery", contract_number="B-042")
        wanted = IncidentFactory(contact=ContactFactory(organisation=org))
        client.force_login(l1)
        page = client.get(url("major_candidates", major.number), {"q": "Bavarian"})
        html = page.content.decode()
        assert page.status_code == 200 and 'value="Bavarian"' in html
        assert f'name="numbers" value="{wanted.number}"' in html
        response = client.post(url("major_link", major.number), {"numbers": wanted.number})
        assert response.status_code == 302
        assert response["Location"] == url("detail", major.number)
        assert fresh(wanted).parent_id == major.pk

    def test_the_search_says_when_nothing_matches(self, client, major, l1):
        client.force_login(l1)
        response = client.get(url("major_candidates", major.number), {"q": "zzz"}, headers=HTMX)
        assert "No ticket to link matches" in response.content.decode()


class TestUnlinking:
    @pytest.fixture
    def child(self, major, storage, l1):
        ticket = IncidentFactory(service=storage)
        services.incident_link_child(parent=major, child=ticket, actor=l1)
        return ticket

    def test_htmx_takes_a_ticket_off_and_answers_with_the_panel(
        self, client, major, child, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.post(url("major_unlink", major.number, child.number), headers=HTMX)
        assert response.status_code == 200
        assert f'data-child="{child.number}"' not in response.content.decode()
        assert fresh(child).parent_id is None

    def test_from_the_childs_page_the_answer_is_that_ticket(
        self, client, major, child, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("major_unlink", major.number, child.number), {"back": "child"}, headers=HTMX
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<span class="number">{child.number}</span>' in html
        plain = client.post(url("major_unlink", major.number, child.number), {"back": "child"})
        assert plain.status_code == 404  # taken off already

    def test_a_ticket_that_is_not_a_child_is_404(self, client, major, storage, desk_manager):
        other = IncidentFactory(service=storage)
        client.force_login(desk_manager)
        assert client.post(url("major_unlink", major.number, other.number)).status_code == 404

    def test_the_childs_page_names_its_major_incident(self, client, major, child, desk_manager, l1):
        client.force_login(desk_manager)
        html = client.get(url("detail", child.number)).content.decode()
        assert 'id="major-member"' in html and major.number in html
        assert "data-major-leave" in html
        client.force_login(l1)
        html = client.get(url("detail", child.number)).content.decode()
        assert 'id="major-member"' in html and "data-major-leave" not in html


class TestProposal:
    def test_a_new_ticket_on_the_service_proposes_the_open_major_incident(
        self, client, major, storage, l1
    ):
        new = IncidentFactory(service=storage)
        client.force_login(l1)
        html = client.get(url("detail", new.number)).content.decode()
        assert 'id="major-proposal"' in html
        assert f'name="parent" value="{major.number}"' in html

    def test_one_click_links_it_htmx_and_plain(self, client, major, storage, l1):
        first, second = IncidentFactory(service=storage), IncidentFactory(service=storage)
        client.force_login(l1)
        response = client.post(
            url("major_join", first.number), {"parent": major.number}, headers=HTMX
        )
        assert response.status_code == 200
        html = response.content.decode()
        assert 'id="major-member"' in html and 'id="major-proposal"' not in html
        assert (
            client.post(url("major_join", second.number), {"parent": major.number}).status_code
            == 302
        )
        assert set(major.children.all()) == {first, second}

    def test_a_refused_link_says_why_on_the_ticket(self, client, major, storage, l1, desk_manager):
        new = IncidentFactory(service=storage)
        services.incident_complete(
            incident=major, closure_code="resolved", resolution="Fixed", actor=desk_manager
        )
        client.force_login(l1)
        response = client.post(
            url("major_join", new.number), {"parent": major.number}, headers=HTMX
        )
        assert response.status_code == 422
        assert "takes no more tickets" in response.content.decode()
        assert fresh(new).parent_id is None

    def test_no_proposal_on_another_service_or_for_non_agents(
        self, client, major, problem_manager, l1
    ):
        elsewhere = IncidentFactory(service=ServiceFactory())
        client.force_login(l1)
        assert (
            'id="major-proposal"'
            not in client.get(url("detail", elsewhere.number)).content.decode()
        )
        same = IncidentFactory(service=major.service)
        client.force_login(problem_manager)
        assert 'id="major-proposal"' not in client.get(url("detail", same.number)).content.decode()

    def test_an_unknown_parent_is_404(self, client, incident, l1):
        client.force_login(l1)
        response = client.post(url("major_join", incident.number), {"parent": "INC-999999"})
        assert response.status_code == 404


class TestUpdatesAndOutage:
    def test_htmx_posts_an_update_into_the_log_and_mails_it(
        self, client, major, desk_manager, django_capture_on_commit_callbacks
    ):
        client.force_login(desk_manager)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                url("major_post_update", major.number),
                {"text": "A switch is being replaced."},
                headers=HTMX,
            )
        assert response.status_code == 200
        html = response.content.decode()
        assert "A switch is being replaced." in html and "data-major-updates" in html
        assert MajorIncidentUpdate.objects.filter(incident=major).count() == 1
        assert [m.to for m in mail.outbox if "disruption" in m.subject] == [["alice@a.test"]]

    def test_a_plain_post_redirects_and_an_empty_one_is_refused_next_to_its_field(
        self, client, major, desk_manager
    ):
        client.force_login(desk_manager)
        assert (
            client.post(url("major_post_update", major.number), {"text": "News"}).status_code == 302
        )
        response = client.post(url("major_post_update", major.number), {"text": " "})
        assert response.status_code == 422
        assert 'id="id_text_error"' in response.content.decode()

    def test_the_outage_ends_now_with_one_click(self, client, major, desk_manager):
        client.force_login(desk_manager)
        response = client.post(
            url("major_end_outage", major.number), {"version": major.version}, headers=HTMX
        )
        assert response.status_code == 200
        assert "The outage has ended." in response.content.decode()
        assert fresh(major).outage_ended_at is not None
        again = client.post(
            url("major_end_outage", major.number), {"version": fresh(major).version}, headers=HTMX
        )
        assert again.status_code == 422
        assert "ended already" in again.content.decode()

    def test_the_outage_window_is_corrected_and_a_bad_one_kept_with_its_error(
        self, client, major, desk_manager
    ):
        client.force_login(desk_manager)
        response = client.post(
            url("major_outage", major.number),
            {
                "version": major.version,
                "outage_started_at": "2026-11-02T10:00",
                "outage_ended_at": "2026-11-02T09:00",
            },
            headers=HTMX,
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert 'id="id_outage_ended_at_error"' in html and "2026-11-02T09:00" in html
        response = client.post(
            url("major_outage", major.number),
            {
                "version": major.version,
                "outage_started_at": "2026-11-02T09:00",
                "outage_ended_at": "2026-11-02T10:30",
            },
        )
        assert response.status_code == 302
        saved = fresh(major)
        assert (saved.outage_ended_at - saved.outage_started_at).total_seconds() == 90 * 60

    def test_a_stale_outage_form_keeps_what_was_typed(self, client, major, desk_manager):
        client.force_login(desk_manager)
        shown = major.version
        services.incident_end_outage(incident=major, actor=desk_manager)  # a new version
        response = client.post(
            url("major_outage", major.number),
            {
                "version": shown,
                "outage_started_at": "2026-11-02T08:15",
                "outage_ended_at": "2026-11-02T08:45",
            },
            headers=HTMX,
        )
        assert response.status_code == 422
        html = response.content.decode()
        assert "2026-11-02T08:15" in html and "2026-11-02T08:45" in html
        assert f'name="version" value="{fresh(major).version}"' in html
        assert "Someone else changed this ticket" in html
        assert fresh(major).outage_ended_at == major.outage_ended_at  # nothing saved


class TestNotFoundAndMethods:
    @pytest.mark.parametrize(
        ("name", "method"),
        [
            ("major_link", "post"),
            ("major_candidates", "get"),
            ("major_outage", "post"),
            ("major_end_outage", "post"),
            ("major_post_update", "post"),
        ],
    )
    def test_the_major_routes_of_a_ticket_that_is_not_major_are_404(
        self, client, incident, desk_manager, name, method
    ):
        client.force_login(desk_manager)
        assert getattr(client, method)(url(name, incident.number)).status_code == 404

    @pytest.mark.parametrize(
        "name",
        ["major_declare", "major_join", "major_link", "major_outage", "major_post_update"],
    )
    def test_an_unknown_number_is_404(self, client, desk_manager, name):
        client.force_login(desk_manager)
        assert client.post(url(name, "INC-999999")).status_code == 404

    @pytest.mark.parametrize(
        "name",
        ["major_join", "major_link", "major_outage", "major_end_outage", "major_post_update"],
    )
    def test_the_changing_routes_refuse_get(self, client, major, desk_manager, name):
        client.force_login(desk_manager)
        assert client.get(url(name, major.number)).status_code == 405

    def test_unlink_refuses_get_and_declare_refuses_put(self, client, major, desk_manager):
        client.force_login(desk_manager)
        assert client.get(url("major_unlink", major.number, "INC-000001")).status_code == 405
        assert client.put(url("major_declare", major.number)).status_code == 405
        assert client.post(url("major_candidates", major.number)).status_code == 405


# ----- queues and query counts --------------------------------------------------------------


class TestQueues:
    def test_the_triage_queue_marks_new_tickets_on_the_service_and_badges_the_major(
        self, client, major, storage, desk_manager, l1
    ):
        new = IncidentFactory(service=storage)
        elsewhere = IncidentFactory(service=ServiceFactory())
        linked = IncidentFactory(service=storage)
        services.incident_link_child(parent=major, child=linked, actor=l1)
        client.force_login(l1)
        html = client.get(reverse("incidents:triage")).content.decode()
        row = html.split(f"{new.number}/")[2].split("</tr>")[0]
        assert "data-major-proposal" in row and major.number in row
        other = html.split(f"{elsewhere.number}/")[2].split("</tr>")[0]
        assert "data-major-proposal" not in other
        child_row = html.split(f"{linked.number}/")[2].split("</tr>")[0]
        assert "data-major-child" in child_row and major.number in child_row
        overview = client.get(reverse("incidents:overview")).content.decode()
        major_row = overview.split(f"{major.number}/")[2].split("</tr>")[0]
        assert "data-major" in major_row

    def test_the_marks_cost_one_query_for_the_page(
        self, client, major, storage, l1, django_assert_max_num_queries
    ):
        client.force_login(l1)
        triage = reverse("incidents:triage")
        IncidentFactory(service=storage)
        client.get(triage)
        with CaptureQueriesContext(connection) as few:
            client.get(triage)
        for _ in range(20):
            services.incident_link_child(
                parent=major, child=IncidentFactory(service=storage), actor=l1
            )
            IncidentFactory(service=storage)
        contact = Incident.objects.get(pk=major.pk).contact
        bulk.save(
            [
                bulk.incident(f"Bulk {n}", timezone.now(), contact=contact, service=storage)
                for n in range(30)
            ]
        )
        with django_assert_max_num_queries(len(few)):
            response = client.get(triage)
        assert response.content.decode().count("data-major-proposal") >= 20


class TestQueryCounts:
    def test_the_major_incidents_page_costs_the_same_with_3_or_30_children(
        self, client, major, storage, desk_manager, l1, django_assert_max_num_queries
    ):
        for _ in range(3):
            services.incident_link_child(
                parent=major, child=IncidentFactory(service=storage), actor=l1
            )
        services.major_post_update(incident=major, text="One", actor=desk_manager)
        IncidentFactory(service=storage)  # a suggestion
        client.force_login(desk_manager)
        page = url("detail", major.number)
        client.get(page)
        with CaptureQueriesContext(connection) as few:
            client.get(page)
        for n in range(27):
            services.incident_link_child(
                parent=major, child=IncidentFactory(service=storage), actor=l1
            )
            services.major_post_update(incident=major, text=f"Update {n}", actor=desk_manager)
            IncidentFactory(service=storage)
        with django_assert_max_num_queries(len(few)):
            response = client.get(page)
        assert response.content.decode().count("data-child=") == 30

    def test_the_panel_alone_costs_the_same_with_3_or_30_children(
        self, client, major, storage, desk_manager, l1, django_assert_max_num_queries
    ):
        """The panel as htmx gets it after an update is posted."""
        children = [IncidentFactory(service=storage) for _ in range(30)]
        services.incident_link_children(parent=major, children=children[:3], actor=l1)
        client.force_login(desk_manager)
        post = url("major_post_update", major.number)
        client.post(post, {"text": "Warm-up"}, headers=HTMX)
        with CaptureQueriesContext(connection) as few:
            client.post(post, {"text": "First"}, headers=HTMX)
        services.incident_link_children(parent=major, children=children[3:], actor=l1)
        with django_assert_max_num_queries(len(few)):
            response = client.post(post, {"text": "Second"}, headers=HTMX)
        assert response.content.decode().count("data-child=") == 30
