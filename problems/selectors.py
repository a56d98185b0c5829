"""Read queries of the problems workspace. Problems are read by every staff member and by
no contact (problems.rules.may_read, checked by the views), so these are not narrowed
further by who asks."""

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Left
from django.utils.translation import gettext_lazy as _

from problems.models import KNOWN_ERROR_STATUSES, Problem, ProblemIncident, Status
from servicedesk.pagination import Tab, capped_count

#: The workspace's tabs: what is still the problem manager's to move on. Resolved
#: problems wait there until their incidents have stayed away long enough to close.
WORKSPACE_STATUSES = (
    Status.NEW,
    Status.UNDER_INVESTIGATION,
    Status.KNOWN_ERROR,
    Status.RESOLVED,
)
TAB_LABELS = {
    Status.NEW: _("New"),
    Status.UNDER_INVESTIGATION: _("Under investigation"),
    Status.KNOWN_ERROR: _("Known error"),
    Status.RESOLVED: _("Resolved, awaiting close"),
}
#: What the known error list shows of a workaround.
WORKAROUND_SHOWN = 240
#: The long texts a list never shows.
LONG_TEXTS = ("description", "root_cause", "workaround", "permanent_fix", "close_override_reason")


def workspace_problems(status: str = "") -> QuerySet[Problem]:
    """The problems of one tab (or of all of them)."""
    statuses = [status] if status in WORKSPACE_STATUSES else list(WORKSPACE_STATUSES)
    return Problem.objects.filter(status__in=statuses)


def status_tabs() -> list[Tab]:
    """A capped count per tab, each from the (status, created_at) index."""
    return [
        capped_count(Problem.objects.filter(status=status), key=status, label=label)
        for status, label in TAB_LABELS.items()
    ]


def problem_rows() -> QuerySet[Problem]:
    """What a workspace row shows, in one query with the number of linked incidents."""
    return (
        Problem.objects.select_related("service", "configuration_item", "owner")
        .defer(*LONG_TEXTS)
        .annotate(incident_count=_incident_count())
    )


def known_errors(text: str = "") -> QuerySet[Problem]:
    """The known error database: problems with a root cause or workaround on record
    (known error, resolved), narrowed by words of the title, workaround or number."""
    rows = Problem.objects.filter(status__in=KNOWN_ERROR_STATUSES)
    if text:
        rows = rows.filter(
            Q(title__icontains=text) | Q(workaround__icontains=text) | Q(number__icontains=text)
        )
    return rows


def known_error_rows() -> QuerySet[Problem]:
    """What a known error row shows: the start of the workaround (cut in SQL), the
    service, the article, the number of linked incidents. The article's status comes
    along: django-fsm reads it when the article is made, so leaving it out would read
    it again for every row that has an article."""
    return (
        Problem.objects.select_related("service", "article")
        .only(
            "number",
            "title",
            "status",
            "priority",
            "service__name",
            "article__number",
            "article__title",
            "article__status",
        )
        .annotate(
            workaround_start=Left("workaround", WORKAROUND_SHOWN),
            incident_count=_incident_count(),
        )
    )


def _incident_count() -> Coalesce:
    links = (
        ProblemIncident.objects.filter(problem=OuterRef("pk"))
        .order_by()
        .values("problem")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(links, output_field=IntegerField()), Value(0))


# ----- the organisation and configuration-item pages ------------------------------------

#: Problems listed on an organisation's or a configuration item's page.
RECORD_SHOWN = 10


def problems_on_services(service_ids: list[int]) -> QuerySet[Problem]:
    """Problems on these services, or on a configuration item of them; newest first."""
    if not service_ids:
        return Problem.objects.none()
    return (
        Problem.objects.filter(
            Q(service_id__in=service_ids) | Q(configuration_item__service_id__in=service_ids)
        )
        .select_related("service", "configuration_item")
        .defer(*LONG_TEXTS)
        .order_by("-created_at", "-pk")
    )


def problems_on_configuration_item(item_id: int) -> QuerySet[Problem]:
    """Problems naming this configuration item, newest first."""
    return (
        Problem.objects.filter(configuration_item_id=item_id)
        .select_related("service")
        .defer(*LONG_TEXTS)
        .order_by("-created_at", "-pk")
    )
