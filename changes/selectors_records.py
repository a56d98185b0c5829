"""What the changes app knows about other apps' records: the changes linked to a ticket or
a problem, and the changes carried out on a ticket's service or configuration item just
before the ticket was raised ("a change touched this service 40 minutes ago"). Each is
one query, whatever the number of changes."""

from datetime import timedelta
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce

from changes.models import CARRIED_OUT_STATUSES, ChangeRequest, Outcome, Status
from incidents.models import Incident
from problems.models import Problem

#: The recent changes a ticket page lists at most (the most recent first).
RECENT_SHOWN = 5
#: What a row of a panel shows of a change.
ROW_FIELDS = (
    "number",
    "title",
    "status",
    "planned_start",
    "planned_end",
    "started_at",
    "finished_at",
    "failure_report",
    "review_outcome",
)
#: Carried out with success: a problem it was linked to may be resolved with it.
FIXED_STATUSES = (Status.IMPLEMENTED, Status.REVIEW, Status.CLOSED)


def changes_of_incident(incident: Incident) -> QuerySet[ChangeRequest]:
    """The changes linked to the ticket (the ones that answer it), newest first."""
    return incident.changes.only(*ROW_FIELDS).order_by("-pk")


def changes_of_problem(problem: Problem) -> QuerySet[ChangeRequest]:
    """The changes linked to the problem (its fixes), newest first."""
    return problem.changes.only(*ROW_FIELDS).order_by("-pk")


def is_fix(change: ChangeRequest) -> bool:
    """Carried out without failing: implemented, or reviewed and closed not as a failure."""
    return (
        change.status in FIXED_STATUSES
        and not change.failure_report
        and change.review_outcome != Outcome.UNSUCCESSFUL
    )


def changes_before(incident: Incident, *, hours: int | None = None) -> QuerySet[ChangeRequest]:
    """Changes carried out (CARRIED_OUT_STATUSES) on the incident's service or
    configuration item that began before the incident was registered (the actual start,
    else the window's) and were still under way then, or finished (else: whose window
    ended) less than `hours` (CHANGE_RECENT_HOURS) before it. Those linked to the incident
    are left out (the panel lists them already). The most recent end first; each row
    carries `began` and `ended` (None while it is still under way)."""
    touches = []
    if incident.service_id is not None:
        touches.append(
            Q(
                pk__in=ChangeRequest.services.through.objects.filter(
                    service_id=incident.service_id
                ).values("changerequest_id")
            )
        )
    if incident.configuration_item_id is not None:
        touches.append(
            Q(
                pk__in=ChangeRequest.configuration_items.through.objects.filter(
                    configurationitem_id=incident.configuration_item_id
                ).values("changerequest_id")
            )
        )
    if not touches:
        return ChangeRequest.objects.none()
    hours = settings.CHANGE_RECENT_HOURS if hours is None else hours
    registered = incident.registered_at
    under_way = Q(status=Status.IMPLEMENTING, finished_at__isnull=True)
    # "Not any other state" rather than "one of CARRIED_OUT_STATUSES": most changes ever
    # made are carried out (closed), so the rows are found from the service's and the
    # item's links (indexed), not from the status index over every change.
    not_carried_out = [status for status in Status if status not in CARRIED_OUT_STATUSES]
    return (
        ChangeRequest.objects.filter(reduce(or_, touches))
        .exclude(status__in=not_carried_out)
        .annotate(
            began=Coalesce("started_at", "planned_start"),
            ended=Coalesce("finished_at", "planned_end"),
        )
        .filter(began__lt=registered)
        .filter(under_way | Q(ended__gte=registered - timedelta(hours=hours)))
        .exclude(pk__in=incident.changes.values("pk"))
        .only(*ROW_FIELDS)
        .order_by("-ended", "-pk")
    )


def relative_to(change: ChangeRequest, incident: Incident) -> dict[str, object]:
    """When the change happened, seen from the incident: finished before it was raised
    (`ended`), or under way when it was raised (`ended` is None, `began` says since when)."""
    ended = getattr(change, "ended", None) or change.finished_at or change.planned_end
    if change.status == Status.IMPLEMENTING and change.finished_at is None:
        ended = None
    if ended is not None and ended > incident.registered_at:
        ended = None  # it was still under way when the ticket came in
    began = getattr(change, "began", None) or change.started_at or change.planned_start
    return {"change": change, "began": began, "ended": ended}


#: Changes listed on an organisation's or a configuration item's page.
RECORD_SHOWN = 10


def changes_on_services(service_ids: list[int]) -> QuerySet[ChangeRequest]:
    """Changes naming one of these services, or a configuration item of one; newest first.
    The many-to-many links are read in subqueries, so no change is listed twice and no
    DISTINCT is needed."""
    if not service_ids:
        return ChangeRequest.objects.none()
    by_service = ChangeRequest.services.through.objects.filter(service_id__in=service_ids).values(
        "changerequest_id"
    )
    by_item = ChangeRequest.configuration_items.through.objects.filter(
        configurationitem__service_id__in=service_ids
    ).values("changerequest_id")
    return (
        ChangeRequest.objects.filter(Q(pk__in=by_service) | Q(pk__in=by_item))
        .only(*ROW_FIELDS, "created_at")
        .order_by("-created_at", "-pk")
    )


def changes_on_configuration_item(item_id: int) -> QuerySet[ChangeRequest]:
    """Changes naming this configuration item, newest first (one link row per change)."""
    return (
        ChangeRequest.objects.filter(configuration_items__id=item_id)
        .only(*ROW_FIELDS, "created_at")
        .order_by("-created_at", "-pk")
    )
