"""Change requests over the API: the list (by status and type) and one change with its
plan, risk, window, services and configuration items, the CAB's decisions and its links.

Staff tokens only, by the token user's roles (changes/rules.py): every staff member reads
changes. A contact's token gets 403 on every change URL, whatever the number (it learns
nothing about which exist)."""

import re
from typing import cast

from django.contrib.auth.models import User
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router
from ninja.errors import HttpError

from changes import rules
from changes.access import get_change_for
from changes.api.schemas import ChangeDetailOut, ChangeFilters, ChangePage
from changes.models import Approval, ChangeRequest
from servicedesk.api import ErrorOut
from servicedesk.api_auth import ApiTokenAuth, Principal

router = Router(tags=["changes"], auth=ApiTokenAuth())

NUMBER = re.compile(r"^CHG-[0-9]{1,12}$", re.IGNORECASE)


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


def _change(change: ChangeRequest) -> dict:
    return {
        "number": change.number,
        "title": change.title,
        "type": change.change_type,
        "type_label": change.get_change_type_display(),
        "status": change.status,
        "status_label": change.get_status_display(),
        "risk": change.risk,
        "risk_label": change.get_risk_display(),
        "window": {"start": change.planned_start, "end": change.planned_end},
        "requested_by": _name(change.requested_by),
        "implementer": _name(change.implementer),
        "created_at": change.created_at,
        "updated_at": change.updated_at,
        "submitted_at": change.submitted_at,
        "decided_at": change.decided_at,
        "scheduled_at": change.scheduled_at,
        "started_at": change.started_at,
        "finished_at": change.finished_at,
        "closed_at": change.closed_at,
    }


def _detail(change: ChangeRequest) -> dict:
    approvals = change.approvals.select_related("approver").order_by("round", "pk")
    return {
        **_change(change),
        "plan": {
            "description": change.description,
            "reason": change.reason,
            "implementation": change.implementation_plan,
            "backout": change.backout_plan,
            "test": change.test_plan,
        },
        "risk_assessment": {
            "level": change.risk,
            "impact": change.impact,
            "likelihood": change.likelihood,
            "tested": change.tested,
            "backout_tested": change.backout_tested,
        },
        "services": [{"id": s.pk, "name": s.name} for s in change.services.order_by("name")],
        "configuration_items": [
            {"id": ci.pk, "name": ci.name}
            for ci in change.configuration_items.order_by("name", "pk")
        ],
        "approvals": [_approval(approval) for approval in approvals],
        "problems": list(change.problems.order_by("pk").values_list("number", flat=True)),
        "incidents": list(change.incidents.order_by("pk").values_list("number", flat=True)),
        "article": change.article.number if change.article is not None else None,
        "window_override_reason": change.window_override_reason,
        "failure_report": change.failure_report,
        "review": change.review,
        "review_outcome": change.review_outcome or None,
        "cancel_reason": change.cancel_reason,
        "notify_customers": change.notify_customers,
        "customers_notified_at": change.customers_notified_at,
    }


def _approval(approval: Approval) -> dict:
    return {
        "approver": _name(approval.approver),
        "round": approval.round,
        "decision": approval.decision,
        "comment": approval.comment,
        "requested_at": approval.requested_at,
        "decided_at": approval.decided_at,
    }


def _staff(request) -> User:
    """The token's user, if it is a staff member's (changes are not for contacts)."""
    principal: Principal = request.auth
    if principal.is_contact or not rules.may_read(principal.user):
        raise HttpError(403, _("This token may not read changes."))
    return cast(User, principal.user)


def _rows() -> QuerySet[ChangeRequest]:
    return ChangeRequest.objects.select_related("requested_by", "implementer").defer(
        "description",
        "reason",
        "implementation_plan",
        "backout_plan",
        "test_plan",
        "failure_report",
        "review",
        "window_override_reason",
        "cancel_reason",
    )


@router.get("/changes", response={200: ChangePage, 403: ErrorOut}, summary="List changes")
def list_changes(request, filters: Query[ChangeFilters]):
    """Newest first, `limit` per page (at most 200); follow `next_cursor` for more."""
    _staff(request)  # every staff member reads every change
    changes = _rows()
    if filters.status:
        changes = changes.filter(status__in=filters.status)
    if filters.type:
        changes = changes.filter(change_type__in=filters.type)
    if filters.cursor:
        changes = changes.filter(pk__lt=filters.cursor)
    rows = list(changes.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    return {
        "items": [_change(change) for change in rows],
        "next_cursor": rows[-1].pk if more else None,
    }


@router.get(
    "/changes/{number}",
    response={200: ChangeDetailOut, 403: ErrorOut, 404: ErrorOut},
    summary="A change",
)
def get_change(request, number: str):
    """The change with its plan, risk assessment, window, services and configuration
    items, every CAB decision, and the problems and incidents it is linked to."""
    user = _staff(request)
    if not NUMBER.match(number):
        raise Http404
    change = get_change_for(user, number)
    return _detail(change)
