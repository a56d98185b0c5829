"""A ticket list as CSV, streamed: memory stays flat however many tickets it has."""

import csv
from collections.abc import Iterator, Mapping
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import Incident
from servicedesk.people import display_name

#: Rows read from the database at a time.
CHUNK = 2000


class _Echo:
    def write(self, value: str) -> str:
        return value


def header() -> list[str]:
    return [
        _("Number"),
        _("Kind"),
        _("Summary"),
        _("Status"),
        _("Priority"),
        _("Organisation"),
        _("Contact"),
        _("Service"),
        _("Group"),
        _("Assignee"),
        _("Channel"),
        _("Registered"),
        _("Resolution due"),
        _("Resolved"),
    ]


def rows(
    tickets: QuerySet[Incident], order: str, *, keys: Mapping[str, Any] | None = None
) -> Iterator[str]:
    """`order` as keyset_page takes it, with the annotations it may name in `keys`."""
    writer = csv.writer(_Echo())
    yield writer.writerow(header())
    shown = tickets.select_related(
        "organisation", "contact", "support_group", "assignee", "service"
    ).annotate(**(keys or {}))
    ordered = shown.order_by(order, "-pk" if order.startswith("-") else "pk")
    for ticket in ordered.iterator(chunk_size=CHUNK):
        yield writer.writerow(
            [
                ticket.number,
                ticket.get_kind_display(),
                safe_cell(ticket.title),
                ticket.get_status_display(),
                ticket.get_priority_display(),
                ticket.organisation.name,
                safe_cell(ticket.contact.name),
                ticket.service.name if ticket.service else "",
                ticket.support_group.name if ticket.support_group else "",
                display_name(ticket.assignee) if ticket.assignee else "",
                ticket.get_channel_display(),
                _moment(ticket.registered_at),
                _moment(ticket.resolution_due_at),
                _moment(ticket.resolved_at),
            ]
        )


def safe_cell(text: str) -> str:
    """Text a spreadsheet will not run as a formula (customers write the titles)."""
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _moment(value) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""
