"""A ticket's timeline: its history rows and comments, merged by time. Two queries
for any ticket; status moves and field changes are read off consecutive history rows
in memory."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, cast

from django.db import models
from django.utils.translation import gettext as _

from incidents.models import Comment, Incident, Status
from servicedesk.people import display_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Fields whose changes the timeline spells out (the rest stay in the admin's history).
SHOWN_FIELDS = [
    "kind",
    "category",
    "service",
    "configuration_item",
    "urgency",
    "impact",
    "priority",
    "support_group",
    "assignee",
    "third_party",
    "closure_code",
    "urgency_confirmed",
]


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry:
    at: datetime
    actor: str
    kind: str  # "created" | "status" | "update" | "comment"
    source: str = ""
    target: str = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    comment: Comment | None = None
    actor_id: int | None = None

    @property
    def source_label(self) -> "StrOrPromise":
        return Status(self.source).label if self.source else ""

    @property
    def target_label(self) -> "StrOrPromise":
        return Status(self.target).label if self.target else ""


#: A transition's comment is written in the same transaction as its history row.
SAME_MOMENT = timedelta(seconds=5)


def timeline_for(incident: Incident, *, public_only: bool = False) -> list[Entry]:
    entries = [] if public_only else _history_entries(incident)
    comments = incident.comments.select_related("author", "author_contact").prefetch_related(
        "attachments"
    )
    if public_only:
        comments = comments.filter(is_public=True)
    for c in comments:
        if not _merge_into_status_move(entries, c):
            entries.append(
                Entry(at=c.created_at, actor=_comment_author(c), kind="comment", comment=c)
            )
    entries.sort(key=lambda e: e.at)
    return entries


def _merge_into_status_move(entries: list[Entry], comment: Comment) -> bool:
    """A status move whose reason is this comment (asking the contact, a resolution, a
    rejection) shows it once: the comment joins the move's entry."""
    for entry in entries:
        if (
            entry.kind == "status"
            and entry.comment is None
            and entry.reason == comment.body
            and entry.actor_id == comment.author_id
            and abs(entry.at - comment.created_at) <= SAME_MOMENT
        ):
            entry.comment = comment
            return True
    return False


def _history_entries(incident: Incident) -> list[Entry]:
    rows = list(
        incident.history.select_related("history_user").order_by("history_date", "history_id")
    )
    labels = _related_labels(rows)
    entries: list[Entry] = []
    previous = None
    for row in rows:
        actor = _name(row.history_user)
        reason = row.history_change_reason or ""
        changes: list[Change] = _changes(previous, row, labels) if previous is not None else []
        if previous is None:
            entries.append(
                Entry(
                    at=row.history_date,
                    actor=actor,
                    kind="created",
                    target=row.status,
                    reason=reason,
                )
            )
        elif previous.status != row.status:
            entries.append(
                Entry(
                    at=row.history_date,
                    actor=actor,
                    kind="status",
                    source=previous.status,
                    target=row.status,
                    reason=reason,
                    changes=changes,
                    actor_id=row.history_user_id,
                )
            )
        elif changes:
            entries.append(
                Entry(
                    at=row.history_date, actor=actor, kind="update", reason=reason, changes=changes
                )
            )
        previous = row
    return entries


def _incident_field(name: str) -> models.Field:
    """One of SHOWN_FIELDS: a concrete field of the ticket, never a reverse relation."""
    return cast(models.Field, Incident._meta.get_field(name))


def _related_labels(rows) -> dict[tuple[str, int], str]:
    """History rows store ids: one query per related field for the ids a ticket used."""
    labels: dict[tuple[str, int], str] = {}
    for name in SHOWN_FIELDS:
        model_field = _incident_field(name)
        if not model_field.is_relation:
            continue
        ids = {getattr(r, model_field.attname) for r in rows} - {None}
        if ids:
            related = cast(type[models.Model], model_field.related_model)
            for pk, obj in related._default_manager.in_bulk(ids).items():
                labels[(name, pk)] = display_name(obj) if name == "assignee" else str(obj)
    return labels


def _changes(old, new, labels) -> list[Change]:
    result = []
    for name in SHOWN_FIELDS:
        before, after = _display(old, name, labels), _display(new, name, labels)
        if before != after:
            label = str(_incident_field(name).verbose_name)
            result.append(Change(label=label, old=before, new=after))
    return result


def _display(row, name: str, labels) -> str:
    model_field = _incident_field(name)
    if model_field.is_relation:
        pk = getattr(row, model_field.attname)
        return "" if pk is None else labels.get((name, pk), f"#{pk}")
    if model_field.choices:
        return str(getattr(row, f"get_{name}_display")())
    value = getattr(row, name)
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    return str(value or "")


def _comment_author(comment: Comment) -> str:
    """A contact who wrote by email has no user when they have no portal login."""
    if comment.author is None and comment.author_contact is not None:
        return comment.author_contact.name
    return _name(comment.author)


def _name(user) -> str:
    return display_name(user)
