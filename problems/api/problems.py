"""Problems over the API: list, detail (with the known error, the RCA and the linked
incidents), and linking an incident to a problem.

Staff tokens only, by the token user's roles (problems/rules.py): every staff member
reads problems; agents and problem managers link incidents. A contact's token gets 403
on every problem URL, whatever the number (it learns nothing about which exist)."""

import re
from typing import cast

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from incidents.access import get_incident_for
from incidents.models import Incident
from problems import rules, services
from problems.access import get_problem_for
from problems.api.schemas import (
    LinkIn,
    LinkOut,
    ProblemDetailOut,
    ProblemFilters,
    ProblemPage,
)
from problems.models import KNOWN_ERROR_STATUSES, Problem, ProblemIncident
from servicedesk.api import ErrorOut
from servicedesk.api_auth import ApiTokenAuth, Principal

router = Router(tags=["problems"], auth=ApiTokenAuth())

NUMBER = re.compile(r"^PRB-[0-9]{1,12}$", re.IGNORECASE)
TICKET_NUMBER = re.compile(r"^(INC|REQ)-[0-9]{1,12}$", re.IGNORECASE)


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _ref(obj) -> dict | None:
    return {"id": obj.pk, "name": obj.name} if obj is not None else None


def _problem(problem: Problem) -> dict:
    return {
        "number": problem.number,
        "title": problem.title,
        "status": problem.status,
        "status_label": problem.get_status_display(),
        "is_known_error": problem.is_known_error,
        "priority": problem.priority,
        "priority_label": problem.get_priority_display(),
        "category": problem.category,
        "service": _ref(problem.service),
        "configuration_item": _ref(problem.configuration_item),
        "owner": _name(problem.owner),
        "investigator": _name(problem.investigator),
        "created_at": problem.created_at,
        "updated_at": problem.updated_at,
        "investigation_started_at": problem.investigation_started_at,
        "known_error_at": problem.known_error_at,
        "resolved_at": problem.resolved_at,
        "closed_at": problem.closed_at,
    }


def _detail(problem: Problem) -> dict:
    links = problem.incident_links.select_related("incident").order_by("linked_at", "pk")
    return {
        **_problem(problem),
        "description": problem.description,
        "root_cause": problem.root_cause,
        "workaround": problem.workaround,
        "permanent_fix": problem.permanent_fix,
        "article": problem.article.number if problem.article is not None else None,
        "rca": {
            "whys": [{"position": w.position, "answer": w.answer} for w in problem.whys.all()],
            "causes": [
                {"category": c.category, "text": c.text, "confirmed": c.confirmed}
                for c in problem.causes.all()
            ],
            "timeline": [
                {"occurred_at": e.occurred_at, "text": e.text} for e in problem.events.all()
            ],
        },
        "incidents": [link.incident.number for link in links],
    }


def _staff(request) -> User:
    """The token's user, if it is a staff member's (problems are not for contacts)."""
    principal: Principal = request.auth
    if principal.is_contact or not rules.may_read(principal.user):
        raise HttpError(403, _("This token may not read problems."))
    return cast(User, principal.user)


def _get(user: User, number: str) -> Problem:
    """The problem with this number; 404 for anything else, malformed or not."""
    if not NUMBER.match(number):
        raise Http404
    return get_problem_for(user, number)


@router.get("/problems", response={200: ProblemPage, 403: ErrorOut}, summary="List problems")
def list_problems(request, filters: Query[ProblemFilters]):
    """Newest first, `limit` per page (at most 200); follow `next_cursor` for more.
    `known_error=true` lists the known error database."""
    _staff(request)  # every staff member reads every problem
    problems = Problem.objects.select_related(
        "service", "configuration_item", "owner", "investigator"
    )
    if filters.status:
        problems = problems.filter(status__in=filters.status)
    if filters.known_error is True:
        problems = problems.filter(status__in=KNOWN_ERROR_STATUSES)
    elif filters.known_error is False:
        problems = problems.exclude(status__in=KNOWN_ERROR_STATUSES)
    if filters.service:
        problems = problems.filter(service_id=filters.service)
    if filters.configuration_item:
        problems = problems.filter(configuration_item_id=filters.configuration_item)
    if filters.cursor:
        problems = problems.filter(pk__lt=filters.cursor)
    rows = list(problems.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [_problem(problem) for problem in rows],
        "next_cursor": rows[-1].pk if more else None,
    }


@router.get(
    "/problems/{number}",
    response={200: ProblemDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="A problem",
)
def get_problem(request, number: str):
    """The problem with its known error (workaround, root cause, permanent fix), its RCA
    and the numbers of its incidents."""
    return _detail(_get(_staff(request), number))


@router.post(
    "/problems/{number}/incidents",
    response={200: LinkOut, 201: LinkOut, 403: ErrorOut, 404: ErrorOut},
    summary="Link an incident to a problem",
)
def link_incident(request, number: str, payload: LinkIn):
    """Agents' and problem managers' tokens (other staff: 403). 201 when the incident is
    linked (or moved here from another problem), 200 when it was linked here already.
    A closed or cancelled problem takes no incidents (400)."""
    user = _staff(request)
    problem = _get(user, number)
    if not rules.may_link_incident(user):
        raise HttpError(403, _("This token may read problems but not link incidents."))
    incident = _incident(user, payload.incident)
    already = ProblemIncident.objects.filter(incident=incident, problem=problem).exists()
    link = services.problem_link_incident(problem=problem, incident=incident, actor=user)
    body = {
        "problem": problem.number,
        "incident": incident.number,
        "linked_at": link.linked_at,
        "linked_by": _name(link.linked_by),
    }
    return Status(200 if already else 201, body)


def _incident(user: User, number: str) -> Incident:
    """The ticket named in the body, as far as the token's user may see it (else 400)."""
    try:
        if not TICKET_NUMBER.match(number):
            raise Http404
        return get_incident_for(user, number)
    except Http404:
        raise ValidationError({"incident": _("No such incident.")}) from None
