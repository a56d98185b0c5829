"""A problem's history: what servicedesk.timeline reads off the problem's own history,
chosen for problems, and one entry per change to its root-cause analysis (whys, causes,
events) and to its incidents, read off their history rows. A fixed number of queries
whatever the length of the history."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext as _

from problems.models import Cause, FishboneCategory, Problem, ProblemIncident, TimelineEvent, Why
from servicedesk.people import display_name
from servicedesk.timeline import Change, Entry, history_entries

#: Fields whose changes the history spells out (the rest stay in the admin's history).
SHOWN_FIELDS = [
    "title",
    "priority",
    "service",
    "configuration_item",
    "category",
    "owner",
    "investigator",
    "support_group",
    "root_cause",
    "workaround",
    "permanent_fix",
    "close_override_reason",
    "article",
]

ADDED, CHANGED, REMOVED = "+", "~", "-"


@dataclass(frozen=True)
class Row:
    """What an RCA or link entry is about: the part of the problem ("Why 2", "Fishbone:
    Technology", an incident) and the row's text (an event's time in `when`)."""

    area: str
    text: str
    when: datetime | None = None
    incident_number: str = ""


def timeline_for(problem: Problem) -> list[Entry[Row]]:
    """Everything that happened to the problem, oldest first."""
    entries: list[Entry[Row]] = history_entries(problem, SHOWN_FIELDS)
    entries += _why_entries(problem)
    entries += _cause_entries(problem)
    entries += _event_entries(problem)
    entries += _link_entries(problem)
    entries.sort(key=lambda e: e.at)
    return entries


def _rows(model: Any, problem: Problem, *related: str) -> list[Any]:
    history = model.history.model._default_manager
    return list(
        history.filter(problem_id=problem.pk)
        .select_related("history_user", *related)
        .order_by("history_date", "history_id")
    )


def _entry(row: Any, about: Row, changes: Iterable[Change] = ()) -> Entry[Row]:
    return Entry(
        at=row.history_date,
        actor=display_name(row.history_user),
        kind="rca",
        reason=row.history_change_reason or "",
        comment=about,
        changes=list(changes),
        actor_id=row.history_user_id,
    )


def _why_entries(problem: Problem) -> list[Entry[Row]]:
    """Whys added, reworded and removed (a why moving up the chain is not news)."""
    entries = []
    last: dict[int, Any] = {}
    for row in _rows(Why, problem):
        about = Row(area=_("Why %(position)d") % {"position": row.position}, text=row.answer)
        before = last.get(row.id)
        last[row.id] = row
        if row.history_type == CHANGED and before is not None:
            if before.answer == row.answer:
                continue
            change = Change(label=_("because"), old=before.answer, new=row.answer)
            entries.append(_entry(row, Row(area=about.area, text=""), [change]))
        else:
            entries.append(_entry(row, about))
    return entries


def _cause_entries(problem: Problem) -> list[Entry[Row]]:
    labels = dict(FishboneCategory.choices)
    return [
        _entry(
            row,
            Row(
                area=_("Fishbone: %(category)s")
                % {"category": labels.get(row.category, row.category)},
                text=row.text,
            ),
        )
        for row in _rows(Cause, problem)
    ]


def _event_entries(problem: Problem) -> list[Entry[Row]]:
    return [
        _entry(row, Row(area=_("Timeline of events"), text=row.text, when=row.occurred_at))
        for row in _rows(TimelineEvent, problem)
    ]


def _link_entries(problem: Problem) -> list[Entry[Row]]:
    entries = []
    for row in _rows(ProblemIncident, problem, "incident"):
        about = Row(
            area=_("Incident"), text=row.incident.title, incident_number=row.incident.number
        )
        entry = _entry(row, about)
        entry.kind = "link"
        entries.append(entry)
    return entries
