"""One place decides who may see which problem, so no view or endpoint can forget it."""

from django.db.models import QuerySet
from django.http import Http404

from problems import rules
from problems.models import Problem


def problems_for(user) -> QuerySet[Problem]:
    """Every problem for staff (problems.rules.may_read); none for anyone else."""
    if not rules.may_read(user):
        return Problem.objects.none()
    return Problem.objects.all()


def get_problem_for(user, number: str) -> Problem:
    """The problem if this user may read it, else 404 (PRB-000123, any case)."""
    problem = (
        problems_for(user)
        .select_related("service", "configuration_item", "owner", "investigator", "article")
        .filter(number=number.strip().upper())
        .first()
    )
    if problem is None:
        raise Http404
    return problem
