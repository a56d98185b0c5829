"""Opening a problem, editing what defines it, and writing down the investigation's
findings (problems/services/problems.py)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from problems import services
from problems.exceptions import StaleProblem
from problems.models import Problem, ProblemIncident, Status
from servicedesk.models.priority import Priority
from tests.factories import ConfigurationItemFactory, IncidentFactory, ServiceFactory, UserFactory
from tests.problems.factories import ProblemFactory
from tests.problems.roles import EVERYONE, INVESTIGATORS, MANAGERS

pytestmark = pytest.mark.django_db


def reasons(problem: Problem) -> list[str]:
    return list(
        problem.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )


class TestProblemOpen:
    def test_a_problem_manager_opens_a_new_problem_that_they_own(self, problem_manager):
        problem = services.problem_open(
            title="  VPN drops after firmware 9.1 ",
            description="Tunnels drop every few hours.",
            actor=problem_manager,
        )

        problem.refresh_from_db()
        assert problem.number.startswith("PRB-")
        assert problem.status == Status.NEW
        assert problem.title == "VPN drops after firmware 9.1"
        assert problem.owner == problem.created_by == problem_manager
        assert problem.priority == Priority.MEDIUM
        assert problem.category == "other"
        opened = problem.history.get()
        assert (opened.history_change_reason, opened.history_user) == ("Opened", problem_manager)

    def test_an_owner_named_when_opening_is_kept(self, problem_manager):
        colleague = UserFactory(username="tom")
        problem = services.problem_open(
            title="Backups fail", owner=colleague, actor=problem_manager
        )
        assert problem.owner == colleague
        assert problem.created_by == problem_manager

    @pytest.mark.parametrize("role", sorted(set(EVERYONE) - MANAGERS))
    def test_only_a_problem_manager_opens_problems(self, actors, role):
        incident = IncidentFactory()
        with pytest.raises(PermissionDenied):
            services.problem_open(title="Backups fail", incidents=[incident], actor=actors[role])
        assert not Problem.objects.exists()
        assert not ProblemIncident.objects.exists()

    def test_a_superuser_opens_problems(self):
        root = UserFactory(username="root", is_superuser=True)
        assert services.problem_open(title="Backups fail", actor=root).owner == root

    def test_the_incidents_it_explains_are_linked_saying_so(self, problem_manager):
        first, second = IncidentFactory(), IncidentFactory()

        problem = services.problem_open(
            title="Backups fail", incidents=[first, second], actor=problem_manager
        )

        links = problem.incident_links.all()
        assert {link.incident for link in links} == {first, second}
        for link in links:
            assert link.linked_by == problem_manager
            entry = link.history.get()
            assert entry.history_change_reason == f"Linked to {problem.number}"
            assert entry.history_user == problem_manager

    def test_an_incident_of_another_problem_moves_to_the_new_one(self, problem_manager):
        incident = IncidentFactory()
        old = ProblemFactory(incidents=[incident])

        new = services.problem_open(
            title="The real cause", incidents=[incident], actor=problem_manager
        )

        link = ProblemIncident.objects.get(incident=incident)
        assert link.problem == new
        assert not old.incident_links.exists()
        moved = link.history.order_by("history_id").last()
        assert moved.history_change_reason == f"Moved from {old.number} to {new.number}"

    @pytest.mark.parametrize("title", ["", "   ", "x" * 201])
    def test_a_title_is_required_and_short(self, problem_manager, title):
        with pytest.raises(ValidationError) as error:
            services.problem_open(title=title, actor=problem_manager)
        assert "title" in error.value.message_dict
        assert not Problem.objects.exists()

    def test_a_configuration_item_of_another_service_is_refused(self, problem_manager):
        network, backup = ServiceFactory(), ServiceFactory()
        router = ConfigurationItemFactory(service=network)
        with pytest.raises(ValidationError) as error:
            services.problem_open(
                title="Drops", service=backup, configuration_item=router, actor=problem_manager
            )
        assert "configuration_item" in error.value.message_dict

    def test_a_configuration_item_alone_brings_its_service(self, problem_manager):
        router = ConfigurationItemFactory()
        problem = services.problem_open(
            title="Drops", configuration_item=router, actor=problem_manager
        )
        problem.refresh_from_db()
        assert problem.service == router.service

    @pytest.mark.parametrize(("field", "value"), [("category", "weather"), ("priority", 9)])
    def test_an_unknown_category_or_priority_is_refused(self, problem_manager, field, value):
        with pytest.raises(ValidationError) as error:
            services.problem_open(title="Drops", actor=problem_manager, **{field: value})
        assert field in error.value.message_dict


class TestProblemUpdate:
    def test_the_problem_manager_edits_the_definition_and_the_history_says_so(
        self, problem_manager
    ):
        service = ServiceFactory()
        problem = ProblemFactory(actor=problem_manager)
        before = problem.updated_at

        with time_machine.travel(timezone.now() + timedelta(minutes=5)):
            services.problem_update(
                problem=problem,
                actor=problem_manager,
                expected_version=problem.version,
                title="Tunnels drop on firmware 9.1",
                priority=Priority.HIGH,
                service=service,
            )

        problem.refresh_from_db()
        assert (problem.title, problem.priority, problem.service) == (
            "Tunnels drop on firmware 9.1",
            Priority.HIGH,
            service,
        )
        assert problem.version == 2
        assert problem.updated_at > before
        assert reasons(problem)[-1] == "Edited"
        assert problem.history.first().history_user == problem_manager

    @pytest.mark.parametrize("role", sorted(set(EVERYONE) - MANAGERS))
    def test_only_a_problem_manager_edits_the_definition(self, actors, role):
        problem = ProblemFactory(title="Before")
        with pytest.raises(PermissionDenied):
            services.problem_update(problem=problem, actor=actors[role], title="After")
        problem.refresh_from_db()
        assert problem.title == "Before"

    def test_a_stale_edit_is_refused_and_changes_nothing(self, problem_manager):
        problem = ProblemFactory(title="Before")
        shown = problem.version
        services.problem_update(problem=problem, actor=problem_manager, description="Newer")

        with pytest.raises(StaleProblem):
            services.problem_update(
                problem=problem, actor=problem_manager, expected_version=shown, title="After"
            )
        problem.refresh_from_db()
        assert (problem.title, problem.description) == ("Before", "Newer")

    def test_the_configuration_item_must_belong_to_the_service(self, problem_manager):
        router = ConfigurationItemFactory()
        problem = ProblemFactory(service=router.service, configuration_item=router)

        with pytest.raises(ValidationError) as error:
            services.problem_update(
                problem=problem, actor=problem_manager, service=ServiceFactory()
            )

        assert "configuration_item" in error.value.message_dict
        problem.refresh_from_db()
        assert problem.service == router.service

    def test_a_configuration_item_given_later_brings_its_service(self, problem_manager):
        router = ConfigurationItemFactory()
        problem = ProblemFactory()
        services.problem_update(problem=problem, actor=problem_manager, configuration_item=router)
        problem.refresh_from_db()
        assert (problem.configuration_item, problem.service) == (router, router.service)

    def test_findings_and_state_are_not_edited_here(self, problem_manager):
        problem = ProblemFactory()
        for field in ("root_cause", "workaround", "status", "number"):
            with pytest.raises(TypeError):
                services.problem_update(problem=problem, actor=problem_manager, **{field: "x"})

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    def test_a_closed_or_cancelled_problem_is_not_edited(self, problem_manager, status):
        problem = ProblemFactory(status=status, title="Before")
        with pytest.raises(ValidationError):
            services.problem_update(problem=problem, actor=problem_manager, title="After")
        problem.refresh_from_db()
        assert problem.title == "Before"

    def test_a_problem_cancelled_meanwhile_is_not_edited(self, problem_manager):
        problem = ProblemFactory(title="Before")
        services.problem_cancel(
            problem=Problem.objects.get(pk=problem.pk), actor=problem_manager, reason="Duplicate"
        )

        with pytest.raises(ValidationError):
            services.problem_update(problem=problem, actor=problem_manager, title="After")
        problem.refresh_from_db()
        assert problem.title == "Before"


class TestProblemInvestigate:
    @pytest.mark.parametrize("role", EVERYONE)
    def test_engineers_and_the_problem_manager_write_the_findings(self, actors, role):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        actor = actors[role]

        if role in INVESTIGATORS:
            services.problem_investigate(
                problem=problem, actor=actor, root_cause="Disk full", workaround="Rotate logs"
            )
            problem.refresh_from_db()
            assert (problem.root_cause, problem.workaround) == ("Disk full", "Rotate logs")
            entry = problem.history.first()
            assert (entry.history_change_reason, entry.history_user) == ("Findings updated", actor)
        else:
            with pytest.raises(PermissionDenied):
                services.problem_investigate(problem=problem, actor=actor, root_cause="Disk full")
            problem.refresh_from_db()
            assert problem.root_cause == ""

    def test_findings_are_written_on_a_new_problem_too(self, l2):
        problem = ProblemFactory()
        services.problem_investigate(problem=problem, actor=l2, workaround="Restart it")
        problem.refresh_from_db()
        assert problem.workaround == "Restart it"

    @pytest.mark.parametrize("status", [Status.CLOSED, Status.CANCELLED])
    @pytest.mark.parametrize("role", ["l3", "problem_manager"])
    def test_nobody_changes_the_findings_of_a_finished_problem(self, actors, status, role):
        problem = ProblemFactory(status=status)
        with pytest.raises(PermissionDenied):
            services.problem_investigate(problem=problem, actor=actors[role], root_cause="Late")

    def test_findings_of_a_problem_closed_meanwhile_are_refused(self, l3, problem_manager):
        problem = ProblemFactory()
        services.problem_cancel(
            problem=Problem.objects.get(pk=problem.pk), actor=problem_manager, reason="Duplicate"
        )
        with pytest.raises(PermissionDenied):
            services.problem_investigate(problem=problem, actor=l3, root_cause="Late")
        problem.refresh_from_db()
        assert problem.root_cause == ""

    def test_the_first_root_cause_dates_the_time_to_root_cause_once(self, l3):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        first = timezone.now() + timedelta(hours=1)
        with time_machine.travel(first, tick=False):
            services.problem_investigate(problem=problem, actor=l3, root_cause="Disk full")
        with time_machine.travel(first + timedelta(days=2), tick=False):
            services.problem_investigate(problem=problem, actor=l3, root_cause="Log rotation off")

        problem.refresh_from_db()
        assert problem.root_cause == "Log rotation off"
        assert problem.root_cause_at == first
        assert problem.updated_at == first + timedelta(days=2)

    def test_a_workaround_alone_does_not_date_a_root_cause(self, l2):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        services.problem_investigate(problem=problem, actor=l2, workaround="Restart it")
        problem.refresh_from_db()
        assert problem.root_cause_at is None

    def test_a_finding_not_given_is_kept(self, l2):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        services.problem_investigate(problem=problem, actor=l2, root_cause="Disk full")
        services.problem_investigate(problem=problem, actor=l2, workaround="Rotate logs")
        problem.refresh_from_db()
        assert (problem.root_cause, problem.workaround) == ("Disk full", "Rotate logs")

    def test_a_stale_version_is_refused(self, l2):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        shown = problem.version
        services.problem_investigate(problem=problem, actor=l2, workaround="First")
        with pytest.raises(StaleProblem):
            services.problem_investigate(
                problem=problem, actor=l2, workaround="Second", expected_version=shown
            )
        problem.refresh_from_db()
        assert problem.workaround == "First"

    def test_findings_written_before_make_the_known_error(self, problem_manager, l3):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION, actor=problem_manager)
        services.problem_investigate(problem=problem, actor=l3, workaround="Restart it")

        services.problem_record_known_error(problem=problem, actor=problem_manager)

        problem.refresh_from_db()
        assert (problem.status, problem.workaround) == (Status.KNOWN_ERROR, "Restart it")
