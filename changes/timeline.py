"""A change's history: what servicedesk.timeline reads off the change's own history,
chosen for changes; what was linked and unlinked (services, configuration items,
problems, incidents: read off the history's snapshots of those links); and the CAB's
rounds and decisions (read off the approvals' history). A fixed number of queries
whatever the length of the history."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import timedelta
from itertools import pairwise
from typing import Any, cast

from django.db import models

from changes.models import Approval, ChangeRequest, Decision, Status
from servicedesk.people import display_name
from servicedesk.timeline import Change, Entry, history_entries

#: Fields whose changes the history spells out (the rest stay in the admin's history).
SHOWN_FIELDS = [
    "title",
    "change_type",
    "template",
    "impact",
    "likelihood",
    "tested",
    "backout_tested",
    "risk",
    "implementation_plan",
    "backout_plan",
    "test_plan",
    "planned_start",
    "planned_end",
    "implementer",
    "notify_customers",
    "window_override_reason",
    "failure_report",
    "review",
    "review_outcome",
    "cancel_reason",
]
#: The links whose changes the history spells out: field -> how a linked record is named.
LINKS = {
    "services": lambda record: record.name,
    "configuration_items": lambda record: record.name,
    "problems": lambda record: record.number,
    "incidents": lambda record: record.number,
}
#: Link changes saved right after another history row by the same person belong to it
#: (raising a change saves the change, then its links).
SAME_STEP = timedelta(seconds=2)


@dataclass(frozen=True)
class Vote:
    """An approval entry: the approver's decision (or the approvers asked, on a new round)."""

    round: int
    decision: str = ""
    decision_label: str = ""
    comment: str = ""
    asked: tuple[str, ...] = ()


def timeline_for(change: ChangeRequest) -> list[Entry[Vote]]:
    """Everything that happened to the change, oldest first."""
    entries: list[Entry[Vote]] = history_entries(change, SHOWN_FIELDS)
    _add_link_changes(change, entries)
    entries.sort(key=lambda e: e.at)
    for entry in _approval_entries(change):
        if entry.kind != "round" or not _joins_sending(entries, entry):
            entries.append(entry)
    entries.sort(key=lambda e: e.at)
    return entries


def _joins_sending(entries: list[Entry[Vote]], round_entry: Entry[Vote]) -> bool:
    """Who a new round asks belongs to the move to "CAB review" that opened it."""
    for entry in reversed(entries):
        if entry.at > round_entry.at:
            continue
        opened = entry.kind == "status" and entry.target == Status.CAB_REVIEW
        if opened and round_entry.at - entry.at <= SAME_STEP:
            entry.comment = round_entry.comment
            return True
        return False
    return False


def _add_link_changes(change: ChangeRequest, entries: list[Entry[Vote]]) -> None:
    """One change per link field whose set differs from the row before, added to the entry
    of the same step or as an entry of its own."""
    history = change.history.model
    rows = list(
        history._default_manager.filter(id=change.pk)
        .select_related("history_user")
        .order_by("history_date", "history_id")
        .only("history_id", "history_date", "history_user", "history_change_reason")
    )
    snapshots = {name: _snapshots(history, name, rows) for name in LINKS}
    labels = {name: str(_link_field(name).verbose_name) for name in LINKS}
    for previous, row in pairwise(rows):
        changes = []
        for name in LINKS:
            before, after = snapshots[name][previous.pk], snapshots[name][row.pk]
            if before != after:
                changes.append(
                    Change(labels[name], ", ".join(sorted(before)), ", ".join(sorted(after)))
                )
        if changes:
            _attach(entries, row, changes)


def _link_field(name: str) -> models.ManyToManyField:
    return cast(models.ManyToManyField, ChangeRequest._meta.get_field(name))


def _snapshots(history: Any, name: str, rows: list[Any]) -> dict[int, set[str]]:
    """Each history row's set of linked records' names (one query)."""
    # simple-history keeps each row's links in a model of its own, e.g.
    # HistoricalChangeRequest_problems (reached from the row as historicalchangerequest_problems).
    through = history._meta.get_field(f"{history._meta.model_name}_{name}").related_model
    target = str(_link_field(name).related_model._meta.model_name)
    sets: dict[int, set[str]] = defaultdict(set)
    named = LINKS[name]
    for link in through.objects.filter(history__in=[r.pk for r in rows]).select_related(target):
        record = getattr(link, target)
        if record is not None:
            sets[link.history_id].add(named(record))
    return sets


def _attach(entries: list[Entry[Vote]], row: Any, changes: list[Change]) -> None:
    actor = row.history_user_id
    same = [
        e
        for e in entries
        if e.actor_id == actor and timedelta(0) <= row.history_date - e.at <= SAME_STEP
    ]
    if same:
        same[-1].changes += changes
        return
    entries.append(
        Entry(
            at=row.history_date,
            actor=display_name(row.history_user),
            kind="update",
            reason=row.history_change_reason or "",
            changes=changes,
            actor_id=actor,
        )
    )


def _approval_entries(change: ChangeRequest) -> list[Entry[Vote]]:
    """A round opened (who was asked), then each decision with its comment."""
    history = Approval.history.model._default_manager
    rows = list(
        history.filter(change_id=change.pk)
        .select_related("history_user", "approver")
        .order_by("history_date", "history_id")
    )
    labels = dict(Decision.choices)
    rounds: dict[int, list[Any]] = defaultdict(list)
    entries: list[Entry[Vote]] = []
    for row in rows:
        if row.history_type == "+":
            rounds[row.round].append(row)
        elif row.decision != Decision.PENDING:
            entries.append(
                Entry(
                    at=row.history_date,
                    actor=display_name(row.history_user or row.approver),
                    kind="approval",
                    comment=Vote(
                        round=row.round,
                        decision=row.decision,
                        decision_label=str(labels.get(row.decision, row.decision)),
                        comment=row.comment,
                    ),
                    actor_id=row.history_user_id,
                )
            )
    for number, asked in rounds.items():
        entries.append(
            Entry(
                at=asked[0].history_date,
                actor=display_name(asked[0].history_user),
                kind="round",
                comment=Vote(
                    round=number, asked=tuple(display_name(row.approver) for row in asked)
                ),
                actor_id=asked[0].history_user_id,
            )
        )
    return entries
