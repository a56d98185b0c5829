"""One place decides who may see which problem, so no view can forget it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from problems import rules
from problems.models import Problem
from servicedesk.access import role_required

#: A view decorator: problems are for staff (never a contact); everyone else gets 403.
reader_required = role_required(rules.may_read)


def get_problem_for(user, number: str) -> Problem:
    """The problem if this user may read it, else 403 (contacts, users without a role)
    or 404 (no such number), with what its page shows joined in."""
    if not rules.may_read(user):
        raise PermissionDenied
    problem = (
        Problem.objects.select_related(
            "service",
            "configuration_item",
            "owner",
            "investigator",
            "support_group",
            "article",
            "created_by",
        )
        .filter(number=number.upper())
        .first()
    )
    if problem is None:
        raise Http404
    return problem
