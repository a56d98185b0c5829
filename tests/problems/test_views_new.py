"""The new-problem page: problem managers open a problem by hand, or from incidents that
keep happening (?incident=INC-000123, repeatable), which prefills it and links them."""

import pytest
from django.urls import reverse

from problems.models import Problem, Status
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory
from tests.problems.page_fixtures import open_problem, page_url

pytestmark = pytest.mark.django_db
NEW = reverse("problems:new")


def _data(**changes) -> dict:
    return {"title": "Mail queue stalls", "priority": 3, "category": "degradation", **changes}


class TestOpeningByHand:
    def test_the_form_offers_the_problem_manager_as_owner(self, client, problem_manager):
        client.force_login(problem_manager)
        response = client.get(NEW)
        assert response.status_code == 200
        form = response.context["form"]
        assert form["owner"].value() == problem_manager.pk
        assert set(form.fields["owner"].queryset) == {problem_manager}

    def test_investigators_are_l2_and_l3_staff(self, client, problem_manager, l1, l2, l3):
        client.force_login(problem_manager)
        form = client.get(NEW).context["form"]
        assert set(form.fields["investigator"].queryset) == {l2, l3}

    def test_saving_opens_the_problem_and_goes_to_its_page(self, client, problem_manager, l3):
        service = ServiceFactory()
        ci = ConfigurationItemFactory(service=service)
        client.force_login(problem_manager)
        response = client.post(
            NEW,
            _data(
                description="Every Monday at 9",
                service=service.pk,
                configuration_item=ci.pk,
                owner=problem_manager.pk,
                investigator=l3.pk,
            ),
        )
        problem = Problem.objects.get()
        assert response.status_code == 302 and response["Location"] == page_url(problem)
        assert problem.status == Status.NEW and problem.number.startswith("PRB-")
        assert problem.configuration_item == ci and problem.investigator == l3
        assert problem.owner == problem_manager and problem.created_by == problem_manager

    def test_a_missing_title_is_refused_next_to_it_and_the_rest_kept(self, client, problem_manager):
        client.force_login(problem_manager)
        response = client.post(NEW, _data(title="", description="Keep this description"))
        assert response.status_code == 422
        body = response.content.decode()
        assert 'id="id_title_error"' in body and "Keep this description" in body
        assert not Problem.objects.exists()

    def test_an_item_of_another_service_is_refused_next_to_it(self, client, problem_manager):
        client.force_login(problem_manager)
        response = client.post(
            NEW,
            _data(service=ServiceFactory().pk, configuration_item=ConfigurationItemFactory().pk),
        )
        assert response.status_code == 422
        assert 'id="id_configuration_item_error"' in response.content.decode()


class TestOpeningFromIncidents:
    @pytest.fixture
    def incidents(self):
        service = ServiceFactory(name="Mail hosting")
        ci = ConfigurationItemFactory(service=service, name="mx-01")
        first = IncidentFactory(
            title="Mail stuck in queue", service=service, configuration_item=ci, category="error"
        )
        return first, IncidentFactory(title="Mail late again")

    def test_the_first_incident_prefills_the_problem_and_all_are_offered_ticked(
        self, client, problem_manager, incidents
    ):
        first, second = incidents
        client.force_login(problem_manager)
        response = client.get(
            NEW, {"incident": [first.number.lower(), second.number, "INC-999999"]}
        )
        assert response.status_code == 200
        form = response.context["form"]
        assert form["title"].value() == "Mail stuck in queue"
        assert form["service"].value() == first.service_id
        assert form["configuration_item"].value() == first.configuration_item_id
        assert form["category"].value() == "error"
        body = response.content.decode()
        for incident in incidents:
            assert f'name="incidents" value="{incident.number}" checked' in body
        assert "No incident has the number INC-999999." in body

    def test_saving_links_the_ticked_incidents_only(self, client, problem_manager, incidents):
        first, second = incidents
        client.force_login(problem_manager)
        response = client.post(
            NEW,
            _data(incidents=[first.number], offered=[first.number, second.number]),
        )
        assert response.status_code == 302
        problem = Problem.objects.get()
        assert [link.incident for link in problem.incident_links.all()] == [first]

    def test_an_error_keeps_the_offered_incidents_and_which_were_ticked(
        self, client, problem_manager, incidents
    ):
        first, second = incidents
        client.force_login(problem_manager)
        response = client.post(
            NEW, _data(title="", incidents=[second.number], offered=[first.number, second.number])
        )
        assert response.status_code == 422
        body = response.content.decode()
        assert f'name="incidents" value="{first.number}">' in body
        assert f'name="incidents" value="{second.number}" checked' in body

    def test_an_incident_of_another_problem_is_flagged_and_moved_on_save(
        self, client, problem_manager, incidents
    ):
        first, _ = incidents
        other = open_problem(problem_manager, incidents=[first])
        client.force_login(problem_manager)
        body = client.get(NEW, {"incident": first.number}).content.decode()
        assert f"Linked to {other.number} now" in body
        client.post(NEW, _data(incidents=[first.number], offered=[first.number]))
        first.refresh_from_db()
        assert first.problem_link.problem != other

    def test_a_forged_incident_number_is_refused_next_to_the_list(
        self, client, problem_manager, incidents
    ):
        first, _ = incidents
        client.force_login(problem_manager)
        response = client.post(
            NEW, _data(incidents=[first.number, "INC-777777"], offered=[first.number])
        )
        assert response.status_code == 422
        assert "No incident has the number INC-777777." in response.content.decode()
        assert not Problem.objects.exists()


@pytest.mark.parametrize("role", ["l1", "l2", "l3", "desk_manager", "change_manager", "kb_manager"])
def test_only_problem_managers_open_problems(client, actors, role):
    client.force_login(actors[role])
    assert client.get(NEW).status_code == 403
    assert client.post(NEW, _data()).status_code == 403
    assert not Problem.objects.exists()
