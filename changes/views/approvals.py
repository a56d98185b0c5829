"""The CAB member's "my approvals": every change waiting for this user's decision in its
current round, with what deciding takes (the plan, risk, window, conflicts, the other
approvers' decisions so far), and the decision itself (POST .../<number>/decide/, also
from the change's page). With htmx a decision replaces its row with the outcome; without
it the page reloads."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from changes import selectors, services
from changes.access import get_change_for, reader_required
from changes.conflicts import Conflict, conflicts_by_change
from changes.forms import DecideForm
from changes.models import Approval, ChangeRequest, Decision, Status
from changes.views.page import change_changed, page_context
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest


@dataclass
class Row:
    """One change on the list: the user's approval, the other approvers' of the same round,
    the change's conflicts and the decision form (bound after a refused decision)."""

    approval: Approval
    others: list[Approval]
    conflicts: list[Conflict]
    form: DecideForm | None = None

    def __post_init__(self) -> None:
        if self.form is None:
            self.form = DecideForm(key=self.approval.pk)

    @property
    def target(self) -> str:
        """What htmx replaces with the outcome of the decision."""
        return f"#approval-{self.approval.pk}"

    @property
    def change(self) -> ChangeRequest:
        return self.approval.change

    @property
    def open(self) -> bool:
        """Still waiting for this user's decision."""
        return self.approval.is_pending and self.change.status == Status.CAB_REVIEW

    @property
    def waiting_for(self) -> int:
        """How many of the others have not decided yet."""
        return sum(1 for a in self.others if a.is_pending)


def _rows(approvals: list[Approval]) -> list[Row]:
    conflicts = conflicts_by_change([a.change for a in approvals])
    return [
        Row(
            approval=a,
            others=[
                o
                for o in a.change.approvals.all()
                if o.round == a.round and o.approver_id != a.approver_id
            ],
            conflicts=conflicts.get(a.change_id, []),
        )
        for a in approvals
    ]


@require_GET
@reader_required
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    rows = _rows(list(selectors.waiting_for(request.user)))
    return render(request, "changes/approvals.html", {"rows": rows})


def _row_of(change: ChangeRequest, user) -> Row:
    """The user's approval of the change's latest round they were asked in, as a row."""
    approval = selectors.approvals_of(user).filter(change=change).order_by("-round").first()
    if approval is None:
        raise PermissionDenied(_("You are not an approver of this change."))
    return _rows([approval])[0]


@require_POST
@reader_required
def decide(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The user's decision on the change's current round (changes.services.change_decide).
    `on` says where it was taken: the change's page ("page") or the list ("list")."""
    change = get_change_for(request.user, number)
    row = None if request.POST.get("on") == "page" else _row_of(change, request.user)
    form = DecideForm(request.POST, key=row.approval.pk if row else None)
    if form.is_valid():
        try:
            approval = services.change_decide(
                change=change,
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _decided(request, change, approval, row)
    return _refused(request, change, form, row)


def _decided(
    request: AuthenticatedHttpRequest, change: ChangeRequest, approval: Approval, row: Row | None
) -> HttpResponse:
    if not request.htmx:
        done = _("You approved %(number)s.") if approval.decision == Decision.APPROVED else None
        done = done or _("You rejected %(number)s.")
        messages.success(request, done % {"number": change.number})
        if row is None:
            return redirect("changes:detail", number=change.number)
        return redirect("changes:approvals")
    if row is None:
        return change_changed(request, change)
    outcome = _row_of(get_change_for(request.user, change.number), request.user)
    return render(request, "changes/approvals.html#row", {"row": outcome, "focus": True})


def _refused(
    request: AuthenticatedHttpRequest, change: ChangeRequest, form: DecideForm, row: Row | None
) -> HttpResponse:
    """The decision form again, with what was typed and why it was refused (422)."""
    if row is None:
        context = page_context(request, change, decide_form=form)
        template = "changes/detail.html#change" if request.htmx else "changes/detail.html"
        return render(request, template, context, status=422)
    row.form = form
    if request.htmx:
        return render(request, "changes/approvals.html#row", {"row": row}, status=422)
    rows = [r for r in _rows(list(selectors.waiting_for(request.user))) if r.change.pk != change.pk]
    return render(request, "changes/approvals.html", {"rows": [row, *rows]}, status=422)
