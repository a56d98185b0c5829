"""What the tests of the problem's pages share: a problem in a chosen state, opened by
the `problem_manager` of the shared cast, with its URLs at hand."""

from django.urls import reverse

from problems.models import Problem, Status
from tests.problems.factories import ProblemFactory

HTMX = {"HX-Request": "true"}


def page_url(problem: Problem) -> str:
    return reverse("problems:detail", args=[problem.number])


def action_url(problem: Problem, key: str) -> str:
    return reverse("problems:action", args=[problem.number, key])


def url(name: str, problem: Problem, *args) -> str:
    return reverse(f"problems:{name}", args=[problem.number, *args])


def open_problem(problem_manager, status: str = Status.NEW, **kwargs) -> Problem:
    return ProblemFactory.create(actor=problem_manager, status=status, **kwargs)
