"""The change manager's charts, built from its figures with the platform's SVG chart
geometry (servicedesk/charts.py; drawn by templates/components/)."""

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from changes import figures
from changes.models import ChangeType
from servicedesk.charts import BarChart, ShareBar, bar_chart, share_bar

#: Three bars a month, twelve months: narrower bars than the default.
BAR = 9


def _month_title(kind: str, month: str, count: int) -> str:
    values = {"month": month, "count": count}
    if kind == ChangeType.STANDARD:
        text = ngettext(
            "%(month)s: %(count)d standard change", "%(month)s: %(count)d standard changes", count
        )
    elif kind == ChangeType.EMERGENCY:
        text = ngettext(
            "%(month)s: %(count)d emergency change",
            "%(month)s: %(count)d emergency changes",
            count,
        )
    else:
        text = ngettext(
            "%(month)s: %(count)d normal change", "%(month)s: %(count)d normal changes", count
        )
    return text % values


def month_chart(months: list[figures.Month]) -> BarChart:
    """Changes submitted per month, a bar per type."""
    columns = []
    for month in months:
        name = dateformat.format(month.start, "F Y")
        bars = [
            (
                str(kind),
                month.by_type.get(kind, 0),
                _month_title(kind, name, month.by_type.get(kind, 0)),
            )
            for kind in figures.TYPES
        ]
        columns.append((dateformat.format(month.start, "M"), bars))
    return bar_chart(columns, bar=BAR)


def outcome_bar(outcomes: figures.Outcomes) -> ShareBar:
    """Implemented, failed and rolled back as parts of one bar."""
    return share_bar(
        [
            (
                "implemented",
                outcomes.implemented,
                _("Implemented: %(count)d") % {"count": outcomes.implemented},
            ),
            ("failed", outcomes.failed, _("Failed: %(count)d") % {"count": outcomes.failed}),
            (
                "rolled_back",
                outcomes.rolled_back,
                _("Rolled back: %(count)d") % {"count": outcomes.rolled_back},
            ),
        ]
    )
