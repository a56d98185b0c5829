"""A record's timeline: its history rows (django-simple-history) and its notes, merged by
time, for any model. One query reads the history; one per related field shown names the
ids it used; status moves and field changes are read off consecutive rows in memory."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from django.contrib.auth import get_user_model
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from servicedesk.people import display_name

if TYPE_CHECKING:
    from django.db.models.options import Options
    from django_stubs_ext import StrOrPromise


@dataclass
class Change:
    label: str
    old: str
    new: str


@dataclass
class Entry[N]:
    at: datetime
    actor: str
    kind: str  # "created" | "status" | "update" | "comment"
    source: str = ""
    target: str = ""
    source_label: "StrOrPromise" = ""
    target_label: "StrOrPromise" = ""
    reason: str = ""
    changes: list[Change] = field(default_factory=list)
    #: The note of a "comment" entry, or the note that explains a status move.
    comment: N | None = None
    actor_id: int | None = None


def history_entries[N](
    instance: models.Model, fields: Sequence[str], *, state: str | None = "status"
) -> list[Entry[N]]:
    """The record's history as entries: its creation, each move of its `state` field
    ("status"), and each change to one of `fields` (the rest stay in the admin's history)."""
    history = instance.history  # type: ignore[attr-defined]  # simple-history's manager
    rows = list(history.select_related("history_user").order_by("history_date", "history_id"))
    shown = _Fields(instance._meta, fields)
    labels = shown.related_labels(rows)
    state_labels = shown.choice_labels(state)
    entries: list[Entry[N]] = []
    previous = None
    for row in rows:
        entry = Entry[N](
            at=row.history_date,
            actor=display_name(row.history_user),
            kind="update",
            reason=row.history_change_reason or "",
            actor_id=row.history_user_id,
        )
        after = getattr(row, state) if state else ""
        before = getattr(previous, state) if state and previous is not None else ""
        if previous is None:
            entry.kind, entry.target = "created", after
        else:
            entry.changes = shown.changes(previous, row, labels)
            if after != before:
                entry.kind, entry.source, entry.target = "status", before, after
        if entry.kind != "update" or entry.changes:
            entry.source_label = state_labels.get(entry.source, entry.source)
            entry.target_label = state_labels.get(entry.target, entry.target)
            entries.append(entry)
        previous = row
    return entries


def merge[N](
    entries: list[Entry[N]],
    notes: Iterable[N],
    *,
    author: Callable[[N], str],
    at: Callable[[N], datetime] = attrgetter("created_at"),
    joins: Callable[[list[Entry[N]], N], bool] | None = None,
) -> list[Entry[N]]:
    """The entries and one "comment" entry per note, sorted by time. A note that `joins`
    places into an entry already there (the status move it explains) gets none of its own."""
    for note in notes:
        if joins is None or not joins(entries, note):
            entries.append(Entry(at=at(note), actor=author(note), kind="comment", comment=note))
    entries.sort(key=lambda e: e.at)
    return entries


class _Fields:
    """The fields a timeline spells out, read off history rows (which store ids)."""

    def __init__(self, meta: "Options[Any]", names: Sequence[str]) -> None:
        self.meta = meta
        # Concrete fields of the model, never reverse relations.
        self.fields = {name: cast(models.Field, meta.get_field(name)) for name in names}
        # Labels of the fields with choices, looked up when first needed (not per row,
        # as get_FOO_display would).
        self._choices: dict[str, dict[Any, Any]] = {}

    def choice_labels(self, name: str | None) -> dict[Any, "StrOrPromise"]:
        """Value -> label of a field with choices (the state's badges)."""
        return dict(cast(models.Field, self.meta.get_field(name)).flatchoices) if name else {}

    def related_labels(self, rows: list[Any]) -> dict[tuple[str, int], str]:
        """One query per related field, for the ids the rows used; people by full name."""
        labels: dict[tuple[str, int], str] = {}
        for name, model_field in self.fields.items():
            if not model_field.is_relation:
                continue
            ids = {getattr(r, model_field.attname) for r in rows} - {None}
            if ids:
                related = cast(type[models.Model], model_field.related_model)
                name_of = display_name if issubclass(related, get_user_model()) else str
                for pk, obj in related._default_manager.in_bulk(ids).items():
                    labels[(name, pk)] = name_of(obj)
        return labels

    def changes(self, old: Any, new: Any, labels: dict[tuple[str, int], str]) -> list[Change]:
        result = []
        for name, model_field in self.fields.items():
            if getattr(old, model_field.attname) == getattr(new, model_field.attname):
                continue  # the same value is shown the same: nothing to spell out
            before, after = self._display(old, name, labels), self._display(new, name, labels)
            if before != after:
                result.append(Change(label=str(model_field.verbose_name), old=before, new=after))
        return result

    def _display(self, row: Any, name: str, labels: dict[tuple[str, int], str]) -> str:
        model_field = self.fields[name]
        if model_field.is_relation:
            pk = getattr(row, model_field.attname)
            return "" if pk is None else labels.get((name, pk), f"#{pk}")
        value = getattr(row, name)
        if model_field.choices:
            choices = self._choices.get(name)
            if choices is None:
                choices = self._choices[name] = dict(model_field.flatchoices)
            return str(choices.get(value, value))
        if isinstance(value, bool):
            return str(_("yes") if value else _("no"))
        if isinstance(value, datetime):
            # As the pages write a moment: in the current time zone, to the minute.
            return date_format(timezone.localtime(value), "d M Y H:i")
        return str(value or "")
