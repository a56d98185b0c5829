"""Bulk actions on a list's chosen records, for any app. An app registers a
`BulkAction` for a list ("tickets") from its AppConfig.ready(): a label, the form that
asks for what it needs (a group, a reason, a problem number…), who may use it, and
`apply`, which calls the app's service for ONE record — the same service and the same
permission rules as the single action. `run_bulk` applies it record by record: each is
done or refused on its own (the service's own transaction), and the refusals say why.
The ticket list's bulk view (incidents/ticket_lists/bulk.py) is the one user so far.

The app that owns a list registers it too (`BulkList`: its records by primary key, how
one is named and linked), so that many records can be acted on in the background, with
a page showing the progress (servicedesk/bulk_jobs.py)."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.core.exceptions import ImproperlyConfigured, PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import TransitionNotAllowed

from servicedesk.exceptions import StaleEdit

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

#: The most records one bulk request acts on.
MAX_RECORDS = 500


class BulkAction(ABC):
    key: str
    label: "StrOrPromise"
    form_class: type[forms.Form]

    def may(self, user: Any) -> bool:
        """Whether the user is offered the action (the service still checks each record)."""
        return True

    def form(self, data: Any = None, *, user: Any) -> forms.Form:
        return self.form_class(data, prefix=self.key)

    @abstractmethod
    def apply(self, record: Any, actor: Any, data: dict[str, Any]) -> None:
        """Act on one record with the form's cleaned data; raise PermissionDenied or
        ValidationError (or a StaleEdit, or TransitionNotAllowed from the record's state
        machine) to refuse it."""


@dataclass(frozen=True)
class BulkList:
    """What a list's bulk actions act on, for a job that runs them later: the records by
    primary key, and how a record is named ("INC-000123") and linked in the summary."""

    name: str
    rows: Callable[[], models.QuerySet[Any]]
    label: Callable[[Any], str]
    url: Callable[[Any], str]


_registry: dict[str, dict[str, BulkAction]] = {}
_lists: dict[str, BulkList] = {}


def register_bulk_list(bulk_list: BulkList) -> None:
    _lists.setdefault(bulk_list.name, bulk_list)


def bulk_list(name: str) -> BulkList | None:
    return _lists.get(name)


def register_bulk_action(list_name: str, action: BulkAction) -> None:
    actions = _registry.setdefault(list_name, {})
    if action.key in actions and actions[action.key] is not action:
        raise ImproperlyConfigured(f"Two bulk actions of {list_name!r} share {action.key!r}")
    actions[action.key] = action


def bulk_actions(list_name: str, user: Any) -> list[BulkAction]:
    return [a for a in _registry.get(list_name, {}).values() if a.may(user)]


def bulk_action(list_name: str, key: str, user: Any) -> BulkAction | None:
    action = _registry.get(list_name, {}).get(key)
    return action if action is not None and action.may(user) else None


def bulk_action_named(list_name: str, key: str) -> BulkAction | None:
    """The action whoever asks (to name it on a job's page)."""
    return _registry.get(list_name, {}).get(key)


@dataclass(frozen=True)
class Outcome:
    record: models.Model
    done: bool
    #: Why it was refused ("" when done).
    reason: str = ""


#: What refuses one record (anything else is a fault).
REFUSALS = (PermissionDenied, ValidationError, StaleEdit, TransitionNotAllowed)


def run_bulk(
    action: BulkAction, records: Iterable[models.Model], actor: Any, data: dict[str, Any]
) -> list[Outcome]:
    outcomes = []
    for record in records:
        try:
            action.apply(record, actor, data)
        except REFUSALS as refusal:
            outcomes.append(Outcome(record, False, reason_of(refusal)))
        else:
            outcomes.append(Outcome(record, True))
    return outcomes


def reason_of(refusal: Exception) -> str:
    if isinstance(refusal, ValidationError):
        return " ".join(str(message) for message in refusal.messages)
    if isinstance(refusal, StaleEdit):
        return str(refusal.message)
    return str(refusal) or str(_("You may not do this."))
