"""The problem lifecycle per role: who may take which step from which state, and what
each step needs. Only problem managers (and superusers) move problems."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_fsm import TransitionNotAllowed

from problems import services
from problems.exceptions import StaleProblem
from problems.models import Problem, Status
from tests.factories import IncidentFactory, UserFactory
from tests.problems.factories import ProblemFactory, quiet_for

pytestmark = pytest.mark.django_db

EVERYONE = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
    "contact_a",
    "outsider",
]
MANAGERS = {"problem_manager"}

# (step, from state, to state)
TABLE = [
    ("start_investigation", Status.NEW, Status.UNDER_INVESTIGATION),
    ("record_known_error", Status.UNDER_INVESTIGATION, Status.KNOWN_ERROR),
    ("resolve", Status.UNDER_INVESTIGATION, Status.RESOLVED),
    ("resolve", Status.KNOWN_ERROR, Status.RESOLVED),
    ("reopen", Status.RESOLVED, Status.UNDER_INVESTIGATION),
    ("close", Status.RESOLVED, Status.CLOSED),
    ("cancel", Status.NEW, Status.CANCELLED),
    ("cancel", Status.UNDER_INVESTIGATION, Status.CANCELLED),
    ("cancel", Status.KNOWN_ERROR, Status.CANCELLED),
]
SERVICES: dict[str, Callable[..., Problem]] = {
    "start_investigation": services.problem_start_investigation,
    "record_known_error": services.problem_record_known_error,
    "resolve": services.problem_resolve,
    "reopen": services.problem_reopen,
    "close": services.problem_close,
    "cancel": services.problem_cancel,
}
#: What each step is given, so that its conditions hold.
INPUTS: dict[str, dict[str, str]] = {
    "record_known_error": {"root_cause": "Disk full"},
    "resolve": {"permanent_fix": "Log rotation configured"},
    "reopen": {"reason": "It came back"},
    "close": {"override_reason": "Customer confirmed"},
    "cancel": {"reason": "Duplicate of PRB-000001"},
}
CASES = [
    pytest.param(step, source, target, role, role in MANAGERS, id=f"{step}-{source}-{role}")
    for step, source, target in TABLE
    for role in EVERYONE
]


def take(step: str, problem: Problem, actor, **kwargs) -> Problem:
    return SERVICES[step](problem=problem, actor=actor, **{**INPUTS.get(step, {}), **kwargs})


@pytest.mark.parametrize(("step", "source", "target", "role", "may"), CASES)
def test_who_may_take_each_step(actors, step, source, target, role, may):
    problem = ProblemFactory(status=source)
    actor = actors[role]

    if may:
        take(step, problem, actor)
        problem.refresh_from_db()
        assert problem.status == target
        assert problem.history.first().history_user == actor
    else:
        with pytest.raises(PermissionDenied):
            take(step, problem, actor)
        problem.refresh_from_db()
        assert problem.status == source


@pytest.mark.parametrize(("step", "source", "target"), TABLE)
def test_a_superuser_may_take_every_step(step, source, target):
    root = UserFactory(username="root", is_superuser=True)
    problem = ProblemFactory(status=source)
    take(step, problem, root)
    assert problem.status == target


WRONG = [
    (step, state)
    for step in SERVICES
    for state in Status.values
    if (step, state) not in {(s, src) for s, src, _ in TABLE}
]


@pytest.mark.parametrize(("step", "wrong_source"), WRONG)
def test_a_step_from_any_other_state_is_refused(problem_manager, step, wrong_source):
    problem = ProblemFactory(status=wrong_source)
    with pytest.raises(TransitionNotAllowed):
        take(step, problem, problem_manager)
    problem.refresh_from_db()
    assert problem.status == wrong_source


def test_available_steps_follow_the_table(actors):
    problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
    assert set(services.available_transitions(problem, actors["problem_manager"])) == {
        "record_known_error",
        "resolve",
        "cancel",
    }
    for role in ("l1", "l2", "l3", "desk_manager", "contact_a"):
        assert services.available_transitions(problem, actors[role]) == []


class TestConditions:
    def test_a_known_error_needs_a_root_cause_or_a_workaround(self, problem_manager):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        with pytest.raises(ValidationError) as error:
            services.problem_record_known_error(problem=problem, actor=problem_manager)
        assert "root_cause" in error.value.message_dict
        problem.refresh_from_db()
        assert problem.status == Status.UNDER_INVESTIGATION

    def test_a_workaround_alone_makes_a_known_error(self, problem_manager):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        services.problem_record_known_error(
            problem=problem, actor=problem_manager, workaround="Restart the agent"
        )
        problem.refresh_from_db()
        assert problem.status == Status.KNOWN_ERROR
        assert problem.known_error_at is not None
        assert problem.root_cause_at is None

    def test_the_first_root_cause_dates_the_time_to_root_cause(self, problem_manager):
        problem = ProblemFactory(status=Status.UNDER_INVESTIGATION)
        services.problem_record_known_error(
            problem=problem, actor=problem_manager, root_cause="Disk full"
        )
        problem.refresh_from_db()
        assert problem.root_cause == "Disk full"
        assert problem.root_cause_at is not None

    def test_resolving_needs_the_permanent_fix(self, problem_manager):
        problem = ProblemFactory(status=Status.KNOWN_ERROR)
        with pytest.raises(ValidationError) as error:
            services.problem_resolve(problem=problem, actor=problem_manager, permanent_fix=" ")
        assert "permanent_fix" in error.value.message_dict
        problem.refresh_from_db()
        assert problem.status == Status.KNOWN_ERROR
        assert problem.resolved_at is None

    def test_closing_soon_after_the_fix_needs_a_reason(self, problem_manager):
        problem = ProblemFactory(status=Status.RESOLVED)
        with pytest.raises(ValidationError) as error:
            services.problem_close(problem=problem, actor=problem_manager)
        assert "override_reason" in error.value.message_dict
        problem.refresh_from_db()
        assert problem.status == Status.RESOLVED

    def test_the_reason_to_close_early_is_kept_and_recorded(self, problem_manager):
        problem = ProblemFactory(status=Status.RESOLVED)
        services.problem_close(
            problem=problem, actor=problem_manager, override_reason="Customer confirmed"
        )
        problem.refresh_from_db()
        assert problem.status == Status.CLOSED
        assert problem.close_override_reason == "Customer confirmed"
        assert "Customer confirmed" in problem.history.first().history_change_reason

    def test_a_problem_whose_incidents_stayed_away_closes_without_a_reason(
        self, problem_manager, settings
    ):
        settings.PROBLEM_QUIET_DAYS = 30
        problem = ProblemFactory(status=Status.RESOLVED)
        quiet_for(problem, 31)
        services.problem_close(problem=problem, actor=problem_manager)
        problem.refresh_from_db()
        assert problem.status == Status.CLOSED
        assert problem.close_override_reason == ""

    def test_an_incident_after_the_fix_restarts_the_quiet_period(self, problem_manager, settings):
        settings.PROBLEM_QUIET_DAYS = 30
        incident = IncidentFactory()
        problem = ProblemFactory(status=Status.RESOLVED, incidents=[incident])
        quiet_for(problem, 31)
        # The incident came back ten days ago, after the fix.
        type(incident).objects.filter(pk=incident.pk).update(
            registered_at=timezone.now() - timedelta(days=10)
        )
        assert not problem.has_stopped_recurring()
        with pytest.raises(ValidationError):
            services.problem_close(problem=problem, actor=problem_manager)

    def test_reopening_and_cancelling_need_a_reason(self, problem_manager):
        resolved = ProblemFactory(status=Status.RESOLVED)
        with pytest.raises(ValidationError):
            services.problem_reopen(problem=resolved, actor=problem_manager, reason="")
        fresh = ProblemFactory()
        with pytest.raises(ValidationError):
            services.problem_cancel(problem=fresh, actor=problem_manager, reason=" ")

    def test_reopening_clears_the_fix_date(self, problem_manager):
        problem = ProblemFactory(status=Status.RESOLVED)
        services.problem_reopen(problem=problem, actor=problem_manager, reason="Came back")
        problem.refresh_from_db()
        assert problem.resolved_at is None


def test_a_stale_version_is_refused(problem_manager):
    problem = ProblemFactory()
    with pytest.raises(StaleProblem):
        services.problem_start_investigation(
            problem=problem, actor=problem_manager, expected_version=problem.version - 1
        )


def test_problems_take_consecutive_prb_numbers():
    first, second = ProblemFactory(), ProblemFactory()
    assert first.number.startswith("PRB-")
    assert int(second.number[4:]) == int(first.number[4:]) + 1
