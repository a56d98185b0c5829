"""One way to move a record of any django-fsm model with history (simple-history).

`Workflow.run` locks the row, refuses a stale edit, checks that the transition may start
and that this actor may start it, lets the service set what the transition needs, calls
the model's `@transition` method, saves the changed fields, records who acted and why in
the history, and announces the change once the transaction commits.

An app describes each of its models once, in a `Workflow` subclass kept private to its
services, and overrides the hooks for what is its own: `rows` (what a lock also reads),
`save_transition` (bookkeeping saved with a transition, such as a ticket's SLA ledger) and
`announce` (its signals). The functions below it (`lock`, `record_history`,
`save_with_history`, `after_commit`, `copy_into`) serve saves that are not transitions.
"""

import copy
from collections.abc import Callable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from django_fsm import (
    ConcurrentTransition,
    ConcurrentTransitionMixin,
    FSMFieldMixin,
    TransitionNotAllowed,
    can_proceed,
)

from servicedesk.exceptions import StaleEdit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: Who acts: a signed-in person, or None when the system acts (a scheduled task, intake).
type Actor = User | AnonymousUser | None


class ConcurrentStateModel(ConcurrentTransitionMixin):
    """django-fsm's ConcurrentTransitionMixin (a save refuses a record whose state moved
    since it was read), with the model's state fields found once per model instead of
    once per instance: django-fsm filters every field of the model for each record made,
    which was a fifth of the time of a 50-row list or API page."""

    @property
    def state_fields(self) -> tuple[FSMFieldMixin, ...]:
        return _state_fields(type(self))


@cache
def _state_fields(model: type[models.Model]) -> tuple[FSMFieldMixin, ...]:
    return tuple(field for field in model._meta.fields if isinstance(field, FSMFieldMixin))


class Workflow[M: models.Model]:
    """How the records of one django-fsm model with history move from state to state."""

    model: type[M]
    #: The fields a transition may change, saved together (`update_fields`).
    fields: Sequence[str]
    #: The FSMField the transitions change.
    state_field = "status"
    #: An integer bumped on every save; a form carries the one it was shown with.
    version_field = "version"
    #: Raised when the record moved on; an app words it for its records.
    stale_error: type[StaleEdit] = StaleEdit
    #: What someone is told when the transition cannot start (%(status)s: the state now),
    #: when they may not start it, and when an input its conditions need is missing.
    not_now: "StrOrPromise" = _("This is not possible while it is %(status)s.")
    not_allowed: "StrOrPromise" = _("You may not do this.")
    input_missing: "StrOrPromise" = _("Something this step needs is missing.")

    def run(
        self,
        record: M,
        transition: str,
        *,
        actor: Actor,
        reason: str,
        expected_version: int | None = None,
        prepare: Callable[[M], str | None] | None = None,
        after: Callable[[M], object] | None = None,
        by_system: bool = False,
    ) -> M:
        """Run `transition` (the name of the model's `@transition` method) on the record's
        locked row and return that row; `record` is updated to match. `prepare` sets the
        fields the transition needs on the locked row and may word the reason from it;
        `after` writes what goes with the change in the same transaction (a comment).
        `by_system`: trusted code (a scheduled task, intake that has checked who wrote)
        runs a transition no person may start, so its permission is not asked; `actor`,
        if any, is recorded as whom it acted for."""
        with transaction.atomic():
            fresh = self.lock(record, expected_version)
            method = getattr(fresh, transition)
            self.check_may_start(fresh, method, actor, by_system=by_system)
            if prepare is not None:
                reason = prepare(fresh) or reason
            if not can_proceed(method):
                raise ValidationError(self.input_missing)
            source = self.state_of(fresh)
            method()
            try:
                self.save_transition(fresh, actor=actor, reason=reason)
            except ConcurrentTransition as error:
                # The state changed under the save: the same "moved on" as a stale version.
                raise self.stale_error from error
            if after is not None:
                after(fresh)
            self.announce(fresh, source=source, actor=actor, reason=reason)
        copy_into(record, fresh)
        return fresh

    def available_transitions(self, record: M, user: Actor) -> list[str]:
        """Names of the transitions this user may start from the record's current state.
        Inputs the conditions need (a comment, a code) are asked for by the form."""
        field: Any = record._meta.get_field(self.state_field)
        state = self.state_of(record)
        names: list[str] = []
        for t in field.get_all_transitions(type(record)):
            if t.source == state and t.name not in names and t.has_perm(record, user):
                names.append(t.name)
        return names

    def check_may_start(
        self, record: M, method: Any, actor: Actor, *, by_system: bool = False
    ) -> None:
        """State first, then permission (unless the system acts): someone who may not act
        is told so, not what is missing; the conditions on inputs are checked once
        `prepare` has set them."""
        if not can_proceed(method, check_conditions=False):
            raise TransitionNotAllowed(self.not_now % {"status": self.state_label(record)})
        if by_system:
            return
        if not method._django_fsm.has_transition_perm(record, self.state_of(record), actor):
            raise PermissionDenied(self.not_allowed)

    def lock(self, record: M, expected_version: int | None = None) -> M:
        return lock(
            record,
            rows=self.rows(),
            expected_version=expected_version,
            version_field=self.version_field,
            stale_error=self.stale_error,
        )

    def rows(self) -> models.QuerySet[M]:
        """What a lock reads (add select_related here; only the record's own row is
        locked)."""
        return self.model._default_manager.all()

    def save(
        self,
        record: M,
        *,
        actor: Actor,
        reason: str,
        fields: Sequence[str] | None = None,
        bump: bool = True,
    ) -> None:
        """Save a locked record's `fields` (by default the transition fields), bumping its
        version unless `bump` is False (a change that must not make open forms stale)."""
        if bump:
            setattr(record, self.version_field, getattr(record, self.version_field) + 1)
        save_with_history(
            record, actor=actor, reason=reason, fields=self.fields if fields is None else fields
        )

    def save_transition(self, record: M, *, actor: Actor, reason: str) -> None:
        """Save what a transition changed (override to save bookkeeping with it)."""
        self.save(record, actor=actor, reason=reason)

    def announce(self, record: M, *, source: str, actor: Actor, reason: str) -> None:
        """Tell who listens about the transition (override; use `after_commit`)."""

    def state_of(self, record: M) -> str:
        return getattr(record, self.state_field)

    def state_label(self, record: M) -> str:
        return getattr(record, f"get_{self.state_field}_display")()


def lock[M: models.Model](
    record: M,
    *,
    rows: models.QuerySet[M] | None = None,
    expected_version: int | None = None,
    version_field: str = "version",
    stale_error: type[StaleEdit] = StaleEdit,
) -> M:
    """The record read again from its row, locked until the transaction ends. An edit of
    an older version than the row's (`expected_version`) is refused with `stale_error`."""
    if rows is None:
        rows = type(record)._default_manager.all()
    # Lock the record's own row only: a related row read with it may be absent (an outer
    # join), and PostgreSQL refuses FOR UPDATE on the nullable side of one.
    fresh = rows.select_for_update(of=("self",)).get(pk=record.pk)
    if expected_version is not None and getattr(fresh, version_field) != expected_version:
        raise stale_error
    return fresh


def record_history(
    record: models.Model, *, actor: Actor, reason: "StrOrPromise | None" = None
) -> None:
    """Who acted (a signed-in user; nobody when the system acts) and why, for the history
    row simple-history writes on the record's next save."""
    # simple-history reads these attributes (models.Model does not declare them) and keeps
    # them after a save: an instance saved again must not repeat the earlier actor or reason.
    if actor is not None and getattr(actor, "is_authenticated", False):
        record._history_user = actor  # type: ignore[attr-defined]
    else:
        record.__dict__.pop("_history_user", None)
    if reason is not None:
        record._change_reason = reason  # type: ignore[attr-defined]
    else:
        record.__dict__.pop("_change_reason", None)


def save_with_history(
    record: models.Model,
    *,
    actor: Actor,
    reason: "StrOrPromise",
    fields: Sequence[str] | None = None,
) -> None:
    """Save the record (only `fields`, if given) with who acted and why in its history."""
    record_history(record, actor=actor, reason=reason)
    record.save(update_fields=fields)


def after_commit[M: models.Model](record: M, send: Callable[[M], object]) -> None:
    """Call `send` with the record as it is now, once the transaction commits (never when
    it rolls back). It gets a copy: the caller may change the same object again before the
    commit (a second transition), and each announcement must carry its own state."""
    snapshot = copy.copy(record)
    transaction.on_commit(lambda: send(snapshot))


def copy_into[M: models.Model](stale: M, fresh: M) -> None:
    """Let the caller's instance reflect what was saved from the locked copy."""
    for field in fresh._meta.concrete_fields:
        stale.__dict__[field.attname] = fresh.__dict__[field.attname]
    if isinstance(stale, ConcurrentTransitionMixin):
        stale._update_initial_state()


def person(actor: Actor) -> User | None:
    """The signed-in user behind an actor, for a "by" column; None when the system acts."""
    return actor if isinstance(actor, User) else None
