"""Problems for tests, opened and moved through problems/services like people would."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.contrib.auth.models import User
from django.utils import timezone

from problems import services
from problems.models import Problem, Status
from servicedesk import roles
from tests.factories import UserFactory


def problem_manager_user(**kwargs) -> User:
    return UserFactory.create(roles=[roles.PROBLEM_MANAGER], **kwargs)


class ProblemFactory(factory.django.DjangoModelFactory[Problem]):
    """`status` says how far through its lifecycle the problem goes; `actor` (a problem
    manager) opens and moves it. `incidents=[…]` are linked when it opens."""

    class Meta:
        model = Problem

    title = factory.Sequence(lambda n: f"Recurring fault number {n}")
    description = "Customers report the same fault again and again."

    @classmethod
    def _build(cls, model_class, *args, **kwargs):
        raise NotImplementedError("Open problems with problem_open: use create().")

    @classmethod
    def _create(cls, model_class, *args, status=Status.NEW, actor=None, **kwargs):
        actor = actor or problem_manager_user()
        problem = services.problem_open(actor=actor, **kwargs)
        return move_to(problem, status, actor=actor)


def move_to(problem: Problem, status: str, *, actor: User) -> Problem:
    """Take a new problem through the lifecycle up to `status`, writing what each step
    needs (a root cause, a fix)."""
    if status == Status.NEW:
        return problem
    if status == Status.CANCELLED:
        return services.problem_cancel(problem=problem, actor=actor, reason="Duplicate")
    services.problem_start_investigation(problem=problem, actor=actor)
    if status == Status.UNDER_INVESTIGATION:
        return problem
    services.problem_record_known_error(
        problem=problem,
        actor=actor,
        root_cause="A memory leak in the agent",
        workaround="Restart the agent",
    )
    if status == Status.KNOWN_ERROR:
        return problem
    services.problem_resolve(problem=problem, actor=actor, permanent_fix="Agent upgraded to 2.4")
    if status == Status.RESOLVED:
        return problem
    services.problem_close(problem=problem, actor=actor, override_reason="Fix verified")
    return problem


def quiet_for(problem: Problem, days: int) -> None:
    """Pretend the problem was resolved `days` ago (its incidents stayed away since)."""
    Problem.objects.filter(pk=problem.pk).update(resolved_at=timezone.now() - timedelta(days=days))
    problem.refresh_from_db()
