"""A record page's lifecycle buttons, for any app. Each button is a small `RecordAction`:
the transition that shows it (the user may start it now), its label and look, the form
that asks for what the transition needs, and `run`, which calls the app's service with
the form's cleaned data, argument by argument. An app lists its buttons once in an
`ActionSet`, which says which of them a user gets on a record and finds the one a URL
names. The view's flow (show the form, run, keep the input of a stale edit) is
servicedesk.action_views.run_action."""

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import User
from django.core.exceptions import ImproperlyConfigured
from django.db import models

from servicedesk.forms import VersionedForm, version_of

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

type Data = dict[str, Any]


class RecordAction[M: models.Model](ABC):
    """A button on a record's page; its form and its POST are at .../actions/<key>/."""

    key: str
    #: The name of the model's `@transition` method whose availability shows the button.
    transition: str
    label: "StrOrPromise"
    form_class: type[VersionedForm[M]]
    style = ""
    #: Actions with no input run straight from the button.
    immediate = False

    def initial(self, record: M) -> Data:
        """What the form starts with: the version the user sees (nothing else is kept)."""
        return {"version": version_of(record)}

    @abstractmethod
    def run(self, record: M, actor: User, data: Data) -> M:
        """Perform the action with the form's cleaned data (its version guards against
        a stale edit)."""


class ActionSet[M: models.Model]:
    """Every button of a record's page, in the order the page shows them. `available`
    names the transitions a user may start on a record now (the app's
    `services.available_transitions`)."""

    def __init__(
        self, *actions: RecordAction[M], available: Callable[[M, User], Iterable[str]]
    ) -> None:
        keys = [action.key for action in actions]
        if len(set(keys)) != len(keys):
            raise ImproperlyConfigured(f"Two actions share a key: {keys}")
        self.actions = actions
        self.available = available

    def __iter__(self) -> Iterator[RecordAction[M]]:
        return iter(self.actions)

    def for_user(self, record: M, user: User) -> list[RecordAction[M]]:
        """The buttons this user gets on this record, in a stable order."""
        allowed = set(self.available(record, user))
        return [action for action in self.actions if action.transition in allowed]

    def named(self, key: str) -> RecordAction[M] | None:
        """The button whose URL ends in actions/<key>/, if there is one."""
        return next((action for action in self.actions if action.key == key), None)
