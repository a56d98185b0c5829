"""Linking incidents to the problem that explains them (problems/services/links.py): an
incident belongs to one problem at most; every link, move and unlink is in the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from problems import services
from problems.models import Problem, ProblemIncident, Status
from tests.factories import IncidentFactory, UserFactory
from tests.problems.factories import ProblemFactory
from tests.problems.roles import EVERYONE, LINKERS

pytestmark = pytest.mark.django_db


def trail(link_pk: int) -> list[tuple[str, str, str]]:
    """(history type, who, why) of a link, oldest first, also once it is gone."""
    entries = ProblemIncident.history.filter(id=link_pk).order_by("history_id")
    return [(e.history_type, e.history_user.username, e.history_change_reason) for e in entries]


@pytest.fixture
def problem() -> Problem:
    return ProblemFactory.create(status=Status.KNOWN_ERROR)


class TestLink:
    def test_an_agent_links_an_incident_in_one_step(self, problem, l1):
        incident = IncidentFactory()

        link = services.problem_link_incident(problem=problem, incident=incident, actor=l1)

        incident.refresh_from_db()
        assert incident.problem_link == link
        assert (link.problem, link.linked_by) == (problem, l1)
        assert trail(link.pk) == [("+", "l1", f"Linked to {problem.number}")]

    def test_a_service_request_is_not_linked(self, problem, l1):
        from incidents.models import Kind

        request = IncidentFactory(kind=Kind.REQUEST)

        with pytest.raises(ValidationError, match="not a symptom"):
            services.problem_link_incident(problem=problem, incident=request, actor=l1)
        assert not ProblemIncident.objects.filter(incident=request).exists()

    def test_linking_it_again_changes_nothing(self, problem, l1, l2):
        incident = IncidentFactory()
        first = services.problem_link_incident(problem=problem, incident=incident, actor=l1)

        again = services.problem_link_incident(problem=problem, incident=incident, actor=l2)

        assert again.pk == first.pk
        assert ProblemIncident.objects.get().linked_by == l1
        assert len(trail(first.pk)) == 1

    def test_linking_it_to_another_problem_moves_it_saying_from_where(self, problem, l1, l3):
        incident = IncidentFactory()
        first = services.problem_link_incident(problem=problem, incident=incident, actor=l1)
        other = ProblemFactory(status=Status.UNDER_INVESTIGATION)

        moved = services.problem_link_incident(problem=other, incident=incident, actor=l3)

        assert moved.pk == first.pk
        assert list(ProblemIncident.objects.values_list("problem", "linked_by")) == [
            (other.pk, l3.pk)
        ]
        assert not problem.incident_links.exists()
        assert trail(first.pk)[-1] == ("~", "l3", f"Moved from {problem.number} to {other.number}")

    @pytest.mark.parametrize("status", [Status.NEW, Status.UNDER_INVESTIGATION, Status.RESOLVED])
    def test_an_unfinished_problem_takes_incidents(self, l1, status):
        problem = ProblemFactory(status=status)
        services.problem_link_incident(problem=problem, incident=IncidentFactory(), actor=l1)
        assert problem.incident_links.count() == 1

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_a_closed_or_cancelled_problem_takes_no_more_incidents(self, problem_manager, status):
        problem = ProblemFactory(status=status)
        with pytest.raises(ValidationError):
            services.problem_link_incident(
                problem=problem, incident=IncidentFactory(), actor=problem_manager
            )
        assert not ProblemIncident.objects.exists()

    def test_a_problem_cancelled_meanwhile_takes_no_more_incidents(self, problem_manager, l1):
        problem = ProblemFactory()
        services.problem_cancel(
            problem=Problem.objects.get(pk=problem.pk), actor=problem_manager, reason="Duplicate"
        )
        with pytest.raises(ValidationError):
            services.problem_link_incident(problem=problem, incident=IncidentFactory(), actor=l1)
        assert not ProblemIncident.objects.exists()


class TestUnlink:
    def test_an_incident_is_taken_off_its_problem_saying_so(self, problem, l1, l2):
        incident = IncidentFactory()
        link = services.problem_link_incident(problem=problem, incident=incident, actor=l1)

        services.problem_unlink_incident(problem=problem, incident=incident, actor=l2)

        assert not ProblemIncident.objects.exists()
        assert trail(link.pk)[-1] == ("-", "l2", f"{incident.number} taken off {problem.number}")
        services.problem_link_incident(problem=ProblemFactory(), incident=incident, actor=l1)

    def test_taking_off_an_incident_of_another_problem_changes_nothing(self, problem, l1):
        incident = IncidentFactory()
        other = ProblemFactory(incidents=[incident])

        services.problem_unlink_incident(problem=problem, incident=incident, actor=l1)
        services.problem_unlink_incident(problem=problem, incident=IncidentFactory(), actor=l1)

        assert ProblemIncident.objects.get().problem == other

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_the_incidents_of_a_finished_problem_stay_its_record(self, problem_manager, status):
        incident = IncidentFactory()
        problem = ProblemFactory(status=status, incidents=[incident])
        with pytest.raises(ValidationError):
            services.problem_unlink_incident(
                problem=problem, incident=incident, actor=problem_manager
            )
        assert ProblemIncident.objects.get().problem == problem


@pytest.mark.parametrize("role", EVERYONE)
def test_agents_and_the_problem_manager_link_and_unlink(problem, actors, role):
    incident = IncidentFactory()
    actor = actors[role]

    if role in LINKERS:
        services.problem_link_incident(problem=problem, incident=incident, actor=actor)
        assert ProblemIncident.objects.get().linked_by == actor
        services.problem_unlink_incident(problem=problem, incident=incident, actor=actor)
        assert not ProblemIncident.objects.exists()
    else:
        with pytest.raises(PermissionDenied):
            services.problem_link_incident(problem=problem, incident=incident, actor=actor)
        assert not ProblemIncident.objects.exists()
        services.problem_link_incident(problem=problem, incident=incident, actor=actors["l1"])
        with pytest.raises(PermissionDenied):
            services.problem_unlink_incident(problem=problem, incident=incident, actor=actor)
        assert ProblemIncident.objects.exists()


def test_a_superuser_links_incidents(problem):
    root = UserFactory(username="root", is_superuser=True)
    services.problem_link_incident(problem=problem, incident=IncidentFactory(), actor=root)
    assert problem.incident_links.get().linked_by == root
