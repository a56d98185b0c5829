"""Read queries of the change manager's workspace and the change calendar. Changes are
read by every staff member and by no contact (changes.rules.may_read, checked by the
views), so these are not narrowed further by who asks."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from django.db.models import Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from changes.models import (
    CARRIED_OUT_STATUSES,
    OUTCOME_STATUSES,
    PLANNED_STATUSES,
    Approval,
    BlackoutPeriod,
    ChangeRequest,
    Decision,
    Rule,
    Status,
)
from servicedesk.models import ConfigurationItem, Service
from servicedesk.pagination import Tab, counted


@dataclass(frozen=True)
class Stage:
    """A tab of the pipeline: one state, or several shown together."""

    key: str
    label: str | Promise
    statuses: tuple[str, ...]


#: The pipeline's tabs: what is still the change manager's to move on, in lifecycle order.
STAGES = (
    Stage(Status.SUBMITTED, _("Submitted"), (Status.SUBMITTED,)),
    Stage(Status.ASSESSMENT, _("Assessment"), (Status.ASSESSMENT,)),
    Stage(Status.CAB_REVIEW, _("CAB review"), (Status.CAB_REVIEW,)),
    Stage(Status.APPROVED, _("Approved"), (Status.APPROVED,)),
    Stage(Status.SCHEDULED, _("Scheduled"), (Status.SCHEDULED,)),
    Stage(Status.IMPLEMENTING, _("Implementing"), (Status.IMPLEMENTING,)),
    Stage("outcome", _("Awaiting review"), tuple(OUTCOME_STATUSES)),
    Stage(Status.REVIEW, _("In review"), (Status.REVIEW,)),
)
STAGE_KEYS = tuple(stage.key for stage in STAGES)
PIPELINE_STATUSES = tuple(status for stage in STAGES for status in stage.statuses)
#: The changes the calendar shows: planned and carried out (not drafts, rejected or
#: cancelled ones: those will not touch a system).
CALENDAR_STATUSES = tuple(dict.fromkeys((*PLANNED_STATUSES, *CARRIED_OUT_STATUSES)))
#: The long texts a list never shows.
LONG_TEXTS = (
    "description",
    "reason",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "window_override_reason",
    "failure_report",
    "review",
    "cancel_reason",
)
#: Where a change without a window sorts in the lists sorted by window: after every
#: window (a keyset page sorts by a value that is never null).
NEVER = datetime(9999, 12, 31, tzinfo=UTC)
#: The calendar shows at most this many changes of a month or a week, and says how many
#: more there are (a busy month of a large provider holds a few hundred).
CALENDAR_SHOWN = 300


# ----- the pipeline ----------------------------------------------------------------------


def pipeline_changes(stage: str = "") -> QuerySet[ChangeRequest]:
    """The changes of one tab of the pipeline (or of all of them)."""
    for candidate in STAGES:
        if candidate.key == stage:
            return ChangeRequest.objects.filter(status__in=candidate.statuses)
    return ChangeRequest.objects.filter(status__in=PIPELINE_STATUSES)


def stage_tabs() -> list[Tab]:
    """How many changes each tab holds: one GROUP BY over the changes in flight (a set
    bounded by the work in progress, read from the (status, planned_start) index)."""
    found = dict(
        ChangeRequest.objects.filter(status__in=PIPELINE_STATUSES)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return [
        counted(
            sum(found.get(status, 0) for status in stage.statuses),
            key=stage.key,
            label=stage.label,
        )
        for stage in STAGES
    ]


def change_rows() -> QuerySet[ChangeRequest]:
    """What a pipeline row shows, in one query."""
    return ChangeRequest.objects.select_related("requested_by").defer(*LONG_TEXTS)


# ----- the CAB agenda --------------------------------------------------------------------


@dataclass(frozen=True)
class AgendaItem:
    change: ChangeRequest
    #: This round's approval rows (approver joined).
    approvals: list[Approval]

    @property
    def approved(self) -> int:
        return sum(1 for a in self.approvals if a.decision == Decision.APPROVED)

    @property
    def rejected(self) -> int:
        return sum(1 for a in self.approvals if a.decision == Decision.REJECTED)

    @property
    def needed(self) -> int:
        """Approvals that approve the change under the round's rule."""
        total = len(self.approvals)
        if self.change.approval_rule == Rule.ANY:
            return min(1, total)
        if self.change.approval_rule == Rule.QUORUM:
            return min(self.change.approval_quorum, total)
        return total


def by_window(path: str = "planned_start") -> dict[str, Coalesce]:
    """keyset_page's `keys` to sort by the window's start (`path`) as `window`, the
    changes without one last."""
    return {"window": Coalesce(F(path), Value(NEVER))}


def waiting_for_cab() -> QuerySet[ChangeRequest]:
    """The changes before the CAB (the agenda, paged by window: by_window)."""
    return ChangeRequest.objects.filter(status=Status.CAB_REVIEW)


def agenda_rows() -> QuerySet[ChangeRequest]:
    """What an agenda row shows: the requester and the approvals with their approvers
    (prefetched), not the long texts (for keyset_page's `shown`)."""
    return (
        ChangeRequest.objects.select_related("requested_by")
        .defer(*LONG_TEXTS)
        .prefetch_related(
            Prefetch("approvals", queryset=Approval.objects.select_related("approver")),
        )
    )


def agenda(changes: list[ChangeRequest]) -> list[AgendaItem]:
    """The agenda items of changes read through agenda_rows: each with its round's
    approvals."""
    return [
        AgendaItem(change, [a for a in change.approvals.all() if a.round == change.approval_round])
        for change in changes
    ]


# ----- conflicts and the calendar --------------------------------------------------------


def upcoming_planned(now: datetime) -> QuerySet[ChangeRequest]:
    """The planned changes with a window that is not over (the conflicts page lists those
    of them in conflict: changes.conflicts.clashing)."""
    return ChangeRequest.objects.filter(
        status__in=PLANNED_STATUSES,
        planned_start__isnull=False,
        planned_end__gt=now,
    ).filter(planned_end__gt=F("planned_start"))


def conflict_rows() -> QuerySet[ChangeRequest]:
    """What a row of the conflicts page shows: the change with its services and
    configuration items (prefetched), not the long texts (for keyset_page's `shown`)."""
    return ChangeRequest.objects.defer(*LONG_TEXTS).prefetch_related(*_links())


def calendar_changes(start: datetime, end: datetime) -> QuerySet[ChangeRequest]:
    """The planned and carried-out changes whose window shares a moment with [start,
    end), soonest first (the calendar shows the first CALENDAR_SHOWN)."""
    return (
        ChangeRequest.objects.filter(
            status__in=CALENDAR_STATUSES, planned_start__lt=end, planned_end__gt=start
        )
        .only("number", "title", "status", "change_type", "risk", "planned_start", "planned_end")
        .order_by("planned_start", "pk")
    )


def blackouts_between(start: datetime, end: datetime) -> list[BlackoutPeriod]:
    """The blackout periods that share a moment with [start, end), with the services
    they cover: two queries."""
    return list(
        BlackoutPeriod.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .prefetch_related(Prefetch("services", queryset=Service.objects.only("id", "name")))
        .order_by("starts_at", "pk")
    )


def _links() -> Sequence[Prefetch]:
    return (
        Prefetch("services", queryset=Service.objects.only("id", "name")),
        Prefetch("configuration_items", queryset=ConfigurationItem.objects.only("id", "name")),
    )


def without_window(rows: QuerySet[ChangeRequest]) -> QuerySet[ChangeRequest]:
    return rows.filter(Q(planned_start__isnull=True) | Q(planned_end__isnull=True))


# ----- a CAB member's approvals ------------------------------------------------------


def approvals_of(user) -> QuerySet[Approval]:
    """This user's approvals with everything a row shows, in a fixed number of queries."""
    return (
        Approval.objects.filter(approver=user)
        .select_related("change__requested_by", "change__implementer", "approver")
        .prefetch_related(
            Prefetch("change__services", queryset=Service.objects.only("id", "name")),
            Prefetch(
                "change__configuration_items",
                queryset=ConfigurationItem.objects.only("id", "name"),
            ),
            Prefetch("change__approvals", queryset=Approval.objects.select_related("approver")),
        )
    )


def waiting_for(user) -> QuerySet[Approval]:
    """The approvals waiting for this user: the change is before the CAB and the approval
    is of its current round (paged by the change's window: by_window("change__planned_start");
    read through approvals_of)."""
    return Approval.objects.filter(
        approver=user,
        decision=Decision.PENDING,
        change__status=Status.CAB_REVIEW,
        round=F("change__approval_round"),
    )
