"""The dashboard as CSV: one line per number it shows (its figures, every cell of the
tables beside its charts, the workload per agent, the other apps' panels), each with a
stable key, its label in the reader's language, the value (a point for decimals,
durations in hours) and its unit."""

import csv
from typing import Protocol

from django.utils.translation import gettext as _

from incidents.dashboard.figures import Dashboard
from servicedesk.dashboard import Figure

HEADER = ["section", "key", "label", "value", "unit"]


class Writable(Protocol):
    def write(self, text: str, /) -> object: ...


def write(board: Dashboard, out: Writable) -> None:
    writer = csv.writer(out)
    writer.writerow(HEADER)
    period = board.period
    group = board.group.name if board.group else _("All groups")
    writer.writerow([_("Filter"), "from", _("From"), period.first_day.isoformat(), "date"])
    writer.writerow([_("Filter"), "to", _("To"), period.last_day.isoformat(), "date"])
    writer.writerow([_("Filter"), "group", _("Support group"), period.group_id or "", str(group)])
    for section in board.sections:
        _figures(writer, str(section.title), section.key, section.figures)
    for table in board.tables.values():
        _figures(writer, str(table.title), table.key, table.figures())
    for panel, result in board.panels:
        _figures(writer, str(panel.title), panel.key, result.figures)


def _figures(writer, section: str, prefix: str, figures: list[Figure]) -> None:
    for figure in figures:
        writer.writerow(
            [section, f"{prefix}.{figure.key}", str(figure.label), figure.exported, figure.unit]
        )
