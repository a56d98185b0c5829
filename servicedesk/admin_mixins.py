"""What the apps' admins share: read-only pages for records that only services write,
and list columns that name people."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from servicedesk.people import display_name

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ReadOnlyAdminMixin:
    """Records that are worked in the workspaces, through services that check permissions
    and record why (tickets, their comments, logs): the admin shows them and their history
    but adds, changes and deletes nothing."""

    def has_add_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: models.Model | None = None) -> bool:
        return False


def person_column(field: str, label: "StrOrPromise") -> Callable[[Any, models.Model], str]:
    """A list column naming the user in `field` by full name, never by login."""

    @admin.display(description=label, ordering=f"{field}__last_name")
    def column(self: Any, obj: models.Model) -> str:
        user = getattr(obj, field)
        return display_name(user) if user is not None else "—"

    column.__name__ = f"{field}_name"
    return column
