"""The change's page: what is changed, why and how, its risk and the answers behind it,
the window (in the reader's time zone), what it touches, conflicts, the CAB's decisions
of every round, the problems and incidents it answers and its history, with the steps
and edits this user may take. The page's other views render it through `page_context`
and answer with `change_changed`."""

from dataclasses import dataclass
from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from changes import rules
from changes.access import get_change_for, reader_required
from changes.actions import ACTIONS, ChangeAction
from changes.conflicts import conflicts_for
from changes.forms import DecideForm, LinkForm
from changes.models import Approval, ChangeRequest, Status
from changes.rows import Shown
from changes.timeline import timeline_for
from servicedesk.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    pass


@dataclass(frozen=True)
class Button:
    """A lifecycle button: the action, and whether it runs without a form on this change."""

    action: ChangeAction
    immediate: bool


@dataclass(frozen=True)
class Round:
    number: int
    approvals: list[Approval]
    current: bool


def rounds_of(change: ChangeRequest) -> list[Round]:
    """The CAB's rounds, newest first, each with its approvers' decisions (one query)."""
    approvals = change.approvals.select_related("approver").order_by(
        "-round", "approver__first_name", "approver__last_name", "pk"
    )
    return [
        Round(number, list(rows), number == change.approval_round)
        for number, rows in groupby(approvals, key=lambda a: a.round)
    ]


def my_approval(change: ChangeRequest, rounds: list[Round], user) -> Approval | None:
    """The user's waiting approval of the current round, while the CAB decides."""
    if change.status != Status.CAB_REVIEW:
        return None
    current = next((r for r in rounds if r.current), None)
    return (
        next((a for a in current.approvals if a.approver_id == user.pk and a.is_pending), None)
        if current
        else None
    )


def page_context(request: AuthenticatedHttpRequest, change: ChangeRequest, **extra: Any) -> dict:
    """Everything the page shows; `extra` overrides it (an open panel, a bound form)."""
    user = request.user
    rounds = rounds_of(change)
    pending = my_approval(change, rounds, user)
    context = {
        "change": change,
        "buttons": [
            Button(a, a.immediate_for(change))
            for a in ACTIONS.for_user(change, user)
            if isinstance(a, ChangeAction)
        ],
        "may_edit": rules.may_edit(change, user),
        "may_link": rules.may_link(change, user),
        "services": list(change.services.order_by("name")),
        "configuration_items": list(
            change.configuration_items.select_related("service").order_by("name")
        ),
        "problems": list(change.problems.order_by("number")),
        "incidents": list(change.incidents.order_by("number")),
        "conflicts": Shown().conflicts(conflicts_for(change)),
        "rounds": rounds,
        "my_approval": pending,
        "decide_form": DecideForm() if pending else None,
        "link_form": LinkForm(),
        "timeline": timeline_for(change),
        "panel": None,
    }
    context.update(extra)
    return context


def change_changed(
    request: AuthenticatedHttpRequest, change: ChangeRequest, **extra: Any
) -> HttpResponse:
    """After a change: the whole change re-rendered in place (htmx; `extra` goes to the
    page's context) or a redirect to its page."""
    if not request.htmx:
        return redirect("changes:detail", number=change.number)
    fresh = get_change_for(request.user, change.number)
    response = render(request, "changes/detail.html#change", page_context(request, fresh, **extra))
    return trigger_client_event(response, "changeChanged", {"number": change.number})


@require_GET
@reader_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    change = get_change_for(request.user, number)
    return render(request, "changes/detail.html", page_context(request, change))
