"""What a row of a ticket table shows (the queues, the ticket list, the SLA page, the
dashboard's and a record's lists: templates/incidents/queue.html), worked out once per
page in Python.

The row template is the hot path of every queue page: 50 rows of nine cells. Written
with `get_priority_display`, `|date` and `{% translate %}` in the loop it made about 1,300
translation lookups, 200 date formats and 100 choice-dict rebuilds a page, two thirds of
the page's time. Here the labels and words are looked up once per page, each date is
converted once and formatted by servicedesk.dates.LocalDates, and the row template only
prints strings. Each row's HTML is then kept in the cache by everything it shows
(servicedesk.fragments: `fragment_key`, made of ROW_SHOWN and the SLA cell), so a row
is drawn again only when something it shows has changed, and never shown stale.
"""

from dataclasses import astuple, dataclass
from datetime import datetime
from functools import cache

from django.contrib.auth import get_user_model
from django.db.models import Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from incidents import major, sla
from incidents.models import Incident, IncidentQuerySet, Status
from servicedesk.dates import LocalDates
from servicedesk.models import Contact, Organisation, Priority, Service, SupportGroup
from servicedesk.people import name_from
from servicedesk.related import related_value

User = get_user_model()

#: The columns a row reads (queue.html, sla.row_countdown, major.mark_queue_rows, the
#: sorts' cursors): not the description, the form answers or anything else only the
#: ticket page shows.
ROW_FIELDS = (
    "number",
    "kind",
    "title",
    "status",
    "priority",
    "urgency_confirmed",
    "is_major",
    "parent",
    "service",
    "organisation",
    "contact",
    "support_group",
    "assignee",
    "sla_policy",
    "registered_at",
    "updated_at",
    "resolved_at",
    "first_response_at",
    "response_due_at",
    "response_warn_at",
    "response_breached",
    "resolution_due_at",
    "resolution_warn_at",
    "resolution_breached",
    "version",
)


@cache
def row_names() -> dict[str, Subquery]:
    """The names a row shows of its related records, read in the row's query (not
    loaded as records: a page of 50 rows makes 50 objects, not 300), each by a scalar
    subquery rather than a join (servicedesk.related: five joins cost 2-5 ms of
    planning on the ticket table, more than the query's run). Built once: a query
    copies the expressions it is given, it never changes them."""
    return {
        "organisation_name": related_value(Organisation, "organisation_id"),
        "contact_name": related_value(Contact, "contact_id"),
        "group_name": related_value(SupportGroup, "support_group_id"),
        "service_name": related_value(Service, "service_id"),
        "assignee_first_name": related_value(User, "assignee_id", "first_name"),
        "assignee_last_name": related_value(User, "assignee_id", "last_name"),
        "assignee_username": related_value(User, "assignee_id", "username"),
    }


def shown() -> IncidentQuerySet:
    """The rows of a page as a table shows them: one query, ROW_FIELDS and row_names()
    (for keyset_page's `shown`)."""
    return Incident.objects.only(*ROW_FIELDS).annotate(**row_names())


#: What templates/incidents/_queue_row.html prints of a row (with its `sla_cell`): the
#: row's cache key (servicedesk.fragments) is made of these, so a row is drawn anew
#: whenever one of them changes. A test holds the template to this list.
ROW_SHOWN = (
    "pk",
    "url",
    "number",
    "priority",
    "priority_label",
    "status",
    "status_label",
    "is_request",
    "title",
    "is_major",
    "major_number",
    "major_proposal",
    "urgency_confirmed",
    "organisation_name",
    "contact_name",
    "service_shown",
    "group_shown",
    "assignee_shown",
    "registered_iso",
    "registered_shown",
)

SHORT = "d M H:i"
DUE = "D d M H:i"


@dataclass(slots=True)
class SlaCell:
    """The SLA cell of a row: the clock's name, a badge, the time left or over."""

    label: str
    badge: str = ""
    badge_class: str = ""
    due_iso: str = ""
    due_title: str = ""
    due_class: str = ""
    left: str = ""


@dataclass(frozen=True, slots=True)
class _Words:
    breached: str
    paused: str
    reaction_breached: str
    due: str
    over: str
    left: str

    @classmethod
    def current(cls) -> "_Words":
        return cls(
            _("breached"),
            _("paused"),
            _("reaction breached"),
            _("due"),
            _("%(time)s over"),
            _("%(time)s left"),
        )


def prepare_rows(rows: list[Incident], now: datetime, *, majors: bool = True) -> None:
    """Give each row (from `shown()`) what queue.html prints: `url`, `priority_label`,
    `status_label`, `group_shown`, `assignee_shown`, `service_shown`, `registered_iso`
    and `registered_shown`, `sla_countdown` and `sla_cell`, and with `majors` its major
    incident marks (major.mark_queue_rows: one query), else none; and `fragment_key`,
    all of that as the row's cache key."""
    sla.annotate_countdowns(rows, now)
    if majors:
        major.mark_queue_rows(rows)
    else:
        for row in rows:
            row.major_number = row.major_proposal = ""
    priorities = {value: str(label) for value, label in Priority.choices}
    statuses = {value: str(label) for value, label in Status.choices}
    words = _Words.current()
    dates = LocalDates()
    ticket_url = reverse("incidents:detail", args=["X"])[:-2]
    for row in rows:
        row.url = f"{ticket_url}{row.number}/"
        row.group_shown = row.group_name or "—"
        row.service_shown = row.service_name or "—"
        row.assignee_shown = (
            name_from(
                row.assignee_first_name or "",
                row.assignee_last_name or "",
                row.assignee_username or "",
            )
            if row.assignee_id is not None
            else "—"
        )
        row.priority_label = priorities.get(row.priority) or str(row.priority)
        row.status_label = statuses.get(row.status) or str(row.status)
        row.registered_iso = dates.format(row.registered_at, "c")
        row.registered_shown = dates.format(row.registered_at, SHORT)
        row.sla_cell = _sla_cell(row, words, dates)
        row.fragment_key = (
            *(getattr(row, name) for name in ROW_SHOWN),
            astuple(row.sla_cell) if row.sla_cell else None,
        )


def _sla_cell(row: Incident, words: _Words, dates: LocalDates) -> SlaCell | None:
    countdown = row.sla_countdown
    if countdown is None or countdown.state == "none":
        return None
    cell = SlaCell(countdown.label)
    if countdown.state == "breached":
        cell.badge, cell.badge_class = words.breached, "badge danger"
    elif countdown.state == "paused":
        cell.badge, cell.badge_class = words.paused, "muted"
    elif countdown.clock == "resolution" and row.response_breached:
        cell.badge, cell.badge_class = words.reaction_breached, "badge danger"
    if countdown.due_at:
        cell.due_iso = dates.format(countdown.due_at, "c")
        cell.due_title = f"{words.due} {dates.format(countdown.due_at, DUE)}"
        cell.due_class = {"at_risk": "due at-risk", "breached": "due overdue"}.get(
            countdown.state, "due"
        )
        pattern = words.over if countdown.state == "breached" else words.left
        cell.left = pattern % {"time": countdown.left}
    return cell
