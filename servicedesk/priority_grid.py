"""The urgency × impact priority matrix edited as one 5 × 5 grid of selects.

The rows stay PriorityMatrixEntry (read by PriorityMatrixEntry.objects.priority_for); the
grid only changes the cells whose priority differs, in one transaction, with history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.db import transaction
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from servicedesk.models import Impact, PriorityMatrixEntry, Urgency
from servicedesk.models.priority import Priority, default_priority

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

Cell = tuple[int, int]


def cell_name(urgency: int, impact: int) -> str:
    return f"cell_{urgency}_{impact}"


def current_entries(*, for_update: bool = False) -> dict[Cell, PriorityMatrixEntry]:
    entries = PriorityMatrixEntry.objects.all()
    if for_update:
        entries = entries.select_for_update()
    return {(entry.urgency, entry.impact): entry for entry in entries}


class PriorityGridForm(forms.Form):
    """One priority <select> per urgency × impact cell."""

    def __init__(self, *args, entries: dict[Cell, PriorityMatrixEntry], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.entries = entries
        for urgency in Urgency:
            for impact in Impact:
                name = cell_name(urgency, impact)
                self.fields[name] = forms.TypedChoiceField(
                    label=_("%(urgency)s urgency, %(impact)s impact")
                    % {"urgency": urgency.label, "impact": impact.label},
                    # The blank shows only where a posted value was refused: no guess.
                    choices=[("", "---------"), *Priority.choices],
                    coerce=int,
                )
                entry = entries.get((urgency, impact))
                self.initial[name] = entry.priority if entry else default_priority(urgency, impact)

    def rows(self) -> list[tuple[StrOrPromise, list[tuple[str, forms.BoundField]]]]:
        """(urgency label, [(cell name, bound field) per impact]) for the template."""
        return [
            (
                urgency.label,
                [
                    (cell_name(urgency, impact), self[cell_name(urgency, impact)])
                    for impact in Impact
                ],
            )
            for urgency in Urgency
        ]

    def save(self, user) -> int:
        """Store the changed cells with `user` in their history; returns how many changed."""
        changed: list[PriorityMatrixEntry] = []
        created: list[PriorityMatrixEntry] = []
        for urgency in Urgency:
            for impact in Impact:
                priority = self.cleaned_data[cell_name(urgency, impact)]
                entry = self.entries.get((urgency, impact))
                if entry is None:
                    created.append(
                        PriorityMatrixEntry(urgency=urgency, impact=impact, priority=priority)
                    )
                elif entry.priority != priority:
                    entry.priority = priority
                    changed.append(entry)
        reason = gettext("Edited in the priority grid")
        with transaction.atomic():
            if changed:
                bulk_update_with_history(
                    changed,
                    PriorityMatrixEntry,
                    ["priority"],
                    default_user=user,
                    default_change_reason=reason,
                )
            if created:
                bulk_create_with_history(
                    created, PriorityMatrixEntry, default_user=user, default_change_reason=reason
                )
        return len(changed) + len(created)
