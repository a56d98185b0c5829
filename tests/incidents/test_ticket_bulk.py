"""Bulk actions from the ticket list: the chosen tickets or a whole filtered list, each
ticket done or refused on its own by the single action's rules, with the reasons; who may
use them."""

import pytest
from django.urls import reverse

from incidents.models import Incident, Kind, Status
from problems.models import ProblemIncident
from servicedesk.bulk import MAX_RECORDS
from tests.factories import IncidentFactory, make_incident_in
from tests.problems.factories import ProblemFactory

pytestmark = pytest.mark.django_db

URL = "/tickets/list/bulk/"


def post(client, action, tickets=(), **fields):
    data = {"action": action, "tickets": [t.pk for t in tickets], "confirm": "1"}
    data.update({f"{action}-{name}": value for name, value in fields.items()})
    return client.post(URL, data)


def test_the_url_is_the_list_s_bulk_route():
    assert reverse("incidents:bulk") == URL


@pytest.mark.parametrize("actor", ["contact_a", "contact_b", "outsider"])
def test_contacts_and_strangers_are_refused(client, actors, actor):
    ticket = IncidentFactory()
    client.force_login(actors[actor])
    response = client.post(URL, {"action": "assign", "tickets": [ticket.pk]})
    assert response.status_code == 403


def test_staff_without_an_agent_role_get_only_what_they_may(client, change_manager):
    ticket = IncidentFactory()
    client.force_login(change_manager)
    response = client.post(URL, {"action": "assign", "tickets": [ticket.pk]})
    assert response.status_code == 403  # no bulk action is theirs


def test_a_problem_manager_may_link_to_a_problem_but_not_assign(client, problem_manager, l1_group):
    ticket = IncidentFactory()
    client.force_login(problem_manager)
    refused = post(client, "assign", [ticket], group=l1_group.pk)
    assert refused.status_code == 422 and "Choose an action." in refused.content.decode()
    problem = ProblemFactory()
    done = post(client, "problem", [ticket], problem=problem.number)
    assert done.status_code == 200
    assert ProblemIncident.objects.filter(problem=problem, incident=ticket).exists()


class TestSteps:
    def test_the_first_step_shows_the_action_s_form_and_the_chosen_tickets(self, client, l1):
        tickets = [IncidentFactory(), IncidentFactory()]
        client.force_login(l1)
        response = client.post(URL, {"action": "escalate", "tickets": [t.pk for t in tickets]})
        page = response.content.decode()
        assert response.status_code == 200
        assert all(t.number in page for t in tickets)
        assert 'name="escalate-reason"' in page and 'name="confirm"' in page
        assert Incident.objects.filter(support_group__isnull=False).count() == 0

    def test_an_invalid_form_keeps_the_input_and_changes_nothing(self, client, l1, l2_group):
        ticket = make_incident_in(Status.ASSIGNED)
        client.force_login(l1)
        response = post(client, "escalate", [ticket], to_group=l2_group.pk, reason="")
        assert response.status_code == 422
        assert "This field is required." in response.content.decode()
        ticket.refresh_from_db()
        assert ticket.support_group != l2_group

    def test_no_ticket_chosen(self, client, l1):
        client.force_login(l1)
        response = client.post(URL, {"action": "assign"})
        assert response.status_code == 422
        assert "Choose at least one ticket." in response.content.decode()

    def test_a_whole_list_over_the_limit_is_refused(self, client, l1, monkeypatch):
        monkeypatch.setattr("incidents.ticket_lists.bulk.MAX_RECORDS", 2)
        for _ in range(3):
            IncidentFactory()
        client.force_login(l1)
        response = client.post(URL, {"action": "assign", "everything": "1", "query": ""})
        assert response.status_code == 422
        assert "more than 2 tickets" in response.content.decode()
        assert MAX_RECORDS == 500


class TestActions:
    def test_assign_does_what_it_may_and_says_why_not_for_the_rest(self, client, l1, l1_group):
        fresh = IncidentFactory()
        held = make_incident_in(Status.ASSIGNED)  # has a group: reassigning needs a reason
        client.force_login(l1)
        response = post(client, "assign", [fresh, held], group=l1_group.pk, assignee="", reason="")
        page = response.content.decode()
        assert response.status_code == 200
        assert "1 ticket done." in page and "1 ticket was left as it was:" in page
        assert "Say why the ticket is reassigned." in page
        fresh.refresh_from_db()
        held.refresh_from_db()
        assert fresh.support_group == l1_group and held.support_group != l1_group

    def test_escalate(self, client, l1, l2_group):
        ticket = make_incident_in(Status.ASSIGNED)
        client.force_login(l1)
        post(client, "escalate", [ticket], to_group=l2_group.pk, reason="Needs the platform team")
        ticket.refresh_from_db()
        assert ticket.support_group == l2_group
        assert ticket.history.latest().history_change_reason.endswith("Needs the platform team")

    def test_change_priority_follows_the_matrix_and_keeps_the_reason(self, client, l1):
        ticket = IncidentFactory(urgency=4)
        client.force_login(l1)
        post(client, "priority", [ticket], urgency=1, impact=1, reason="Whole site down")
        ticket.refresh_from_db()
        assert (ticket.urgency, ticket.impact, ticket.priority) == (1, 1, 1)

    def test_link_to_a_major_incident(self, client, desk_manager, l1):
        parent = IncidentFactory()
        Incident.objects.filter(pk=parent.pk).update(is_major=True)
        child = IncidentFactory()
        client.force_login(desk_manager)
        response = post(client, "major", [child], major=parent.number.lower())
        assert response.status_code == 200
        child.refresh_from_db()
        assert child.parent_id == parent.pk

    def test_link_to_an_unknown_major_incident_is_said_next_to_the_field(self, client, l1):
        ticket = IncidentFactory()
        client.force_login(l1)
        response = post(client, "major", [ticket], major=ticket.number)
        assert response.status_code == 422
        assert f"{ticket.number} is not a major incident." in response.content.decode()

    def test_a_service_request_is_not_linked_to_a_problem(self, client, l1):
        problem = ProblemFactory()
        incident, request = IncidentFactory(), IncidentFactory(kind=Kind.REQUEST)
        client.force_login(l1)
        response = post(client, "problem", [incident, request], problem=problem.number)
        page = response.content.decode()
        assert "1 ticket done." in page and "not a symptom of a problem" in page
        assert list(ProblemIncident.objects.values_list("incident_id", flat=True)) == [incident.pk]

    def test_the_whole_filtered_list(self, client, l1):
        problem = ProblemFactory()
        closed = [make_incident_in(Status.CLOSED) for _ in range(2)]
        IncidentFactory()  # open: not in the list
        client.force_login(l1)
        client.post(
            URL,
            {
                "action": "problem",
                "everything": "1",
                "query": "status=closed",
                "confirm": "1",
                "problem-problem": problem.number,
            },
        )
        linked = set(ProblemIncident.objects.values_list("incident_id", flat=True))
        assert linked == {t.pk for t in closed}


def test_a_ticket_whose_state_forbids_the_action_is_refused_not_a_crash(client, l1, l1_group):
    closed = make_incident_in(Status.CLOSED)
    fresh = IncidentFactory()
    client.force_login(l1)
    response = post(client, "assign", [closed, fresh], group=l1_group.pk, reason="Sort out")
    page = response.content.decode()
    assert response.status_code == 200
    assert "1 ticket done." in page and "This is not possible while the ticket is Closed." in page
