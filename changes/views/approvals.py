"""The CAB member's "my approvals": every change waiting for this user's decision in its
current round, with what deciding takes (the plan, risk, window, conflicts, the other
approvers' decisions so far), and the decision itself (POST .../<number>/decide/, also
from the change's page). With htmx a decision replaces its row with the outcome; without
it the page reloads.

The list comes in pages of PAGE, the nearest window first (keyset: "Show more" brings
the next page, alone with htmx, as a page of its own without). Each row is a whole
decision card, so what it prints is worked out once per page (changes/rows.py) and the
blank decision form is rendered once and given each row's ids."""

from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from changes import selectors, services
from changes.access import get_change_for, reader_required
from changes.conflicts import conflicts_by_change
from changes.forms import DecideForm
from changes.models import Approval, ChangeRequest, Decision, Status
from changes.rows import Shown, ShownConflict, person
from changes.views.page import change_changed, page_context
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import Tab, capped_count, keyset_page

#: Rows per page: each is a whole decision card (the plans, the risk, the conflicts, the
#: votes and the form), a screen or more of reading.
PAGE = 20
#: Stands for a row's key in the blank decision form rendered once per page.
KEY = "APPROVAL-KEY"


@dataclass(frozen=True, slots=True)
class Vote:
    """Another approver's say, as changes/_votes.html shows it."""

    username: str
    decision: str
    label: str
    name: str
    decided_iso: str
    decided_shown: str
    comment: str


@dataclass
class Row:
    """One change on the list: the user's approval, the other approvers' of the same round,
    the change's conflicts, what the card prints, and the decision form: bound after a
    refused decision, else the blank one's HTML (`comment_html`)."""

    approval: Approval
    others: list[Approval]
    conflicts: list[ShownConflict]
    form: DecideForm | None = None
    comment_html: SafeString | str = ""
    url: str = ""
    decide_url: str = ""
    status_label: str = ""
    type_label: str = ""
    risk_label: str = ""
    impact_label: str = ""
    likelihood_label: str = ""
    start_iso: str = ""
    start_shown: str = ""
    end_iso: str = ""
    end_shown: str = ""
    services: str = ""
    items: str = ""
    requested_by: str = ""
    implementer: str = ""
    votes: list[Vote] = field(default_factory=list)

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
    shown = Shown()
    found = conflicts_by_change([a.change for a in approvals])
    blank = render_to_string("components/field.html", {"field": DecideForm(key=KEY)["comment"]})
    return [_row(a, shown, shown.conflicts(found.get(a.change_id, [])), blank) for a in approvals]


def _row(approval: Approval, shown: Shown, conflicts: list[ShownConflict], blank: str) -> Row:
    change = approval.change
    others = [
        o
        for o in change.approvals.all()
        if o.round == approval.round and o.approver_id != approval.approver_id
    ]
    dates = shown.dates
    return Row(
        approval=approval,
        others=others,
        conflicts=conflicts,
        # The form's own rendering, with this row's ids: no widget rendered a row.
        comment_html=mark_safe(blank.replace(KEY, str(approval.pk))),
        url=shown.url(change.number),
        decide_url=f"{shown.url(change.number)}decide/",
        status_label=shown.state(change.status),
        type_label=shown.change_type.get(change.change_type, change.change_type),
        risk_label=shown.risk.get(change.risk, change.risk),
        impact_label=shown.level.get(change.impact, change.impact),
        likelihood_label=shown.level.get(change.likelihood, change.likelihood),
        start_iso=dates.format(change.planned_start, "c"),
        start_shown=dates.format(change.planned_start, "D d M Y H:i"),
        end_iso=dates.format(change.planned_end, "c"),
        end_shown=dates.format(change.planned_end, "D d M H:i"),
        services=", ".join(s.name for s in change.services.all()) or "—",
        items=", ".join(ci.name for ci in change.configuration_items.all()) or "—",
        requested_by=person(change.requested_by),
        implementer=person(change.implementer),
        votes=[
            Vote(
                username=o.approver.username,
                decision=o.decision,
                label=shown.decision.get(o.decision, o.decision),
                name=person(o.approver),
                decided_iso=dates.format(o.decided_at, "c"),
                decided_shown=dates.format(o.decided_at, "d M Y H:i"),
                comment=o.comment,
            )
            for o in others
        ],
    )


@dataclass
class Listing:
    rows: list[Row]
    next_cursor: str | None
    waiting: Tab


def _listing(user, cursor: str | None) -> Listing:
    """A page of the approvals waiting for the user, and how many wait (capped)."""
    waiting = selectors.waiting_for(user)
    page = keyset_page(
        waiting,
        cursor,
        "window",
        shown=selectors.approvals_of(user),
        keys=selectors.by_window("change__planned_start"),
        size=PAGE,
    )
    return Listing(_rows(page.rows), page.next_cursor, capped_count(waiting))


@require_GET
@reader_required
def approvals(request: AuthenticatedHttpRequest) -> HttpResponse:
    cursor = request.GET.get("after")
    listing = _listing(request.user, cursor)
    context = {"rows": listing.rows, "next_cursor": listing.next_cursor, "waiting": listing.waiting}
    if request.htmx and cursor:
        return render(request, "changes/approvals.html#rows", {**context, "more": True})
    return render(request, "changes/approvals.html", context)


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
    row.comment_html = ""
    if request.htmx:
        return render(request, "changes/approvals.html#row", {"row": row}, status=422)
    listing = _listing(request.user, None)
    rows = [r for r in listing.rows if r.change.pk != change.pk]
    context = {"rows": [row, *rows], "next_cursor": listing.next_cursor, "waiting": listing.waiting}
    return render(request, "changes/approvals.html", context, status=422)
