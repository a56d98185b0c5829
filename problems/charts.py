"""Bar charts drawn on the server as inline SVG: the geometry is computed here, the
template only places rectangles (attributes, not inline styles: the CSP allows no
`style`), and every chart has a table beside it saying the same in text."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils import dateformat
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from problems import figures

#: Space for the value above a bar and the label under the columns.
TOP = 14
BOTTOM = 18
BAR = 14
BAR_GAP = 3
COLUMN_GAP = 14
SIDE = 6


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int | None
    #: A CSS class naming the series (the colour), and what the bar is, for its tooltip.
    series: str
    title: str

    @property
    def label_x(self) -> float:
        return self.x + self.width / 2

    @property
    def label_y(self) -> float:
        return self.y - 3


@dataclass(frozen=True)
class Column:
    label: str | Promise
    #: The label's centre.
    x: float
    bars: list[Bar]


@dataclass(frozen=True)
class BarChart:
    width: float
    height: float
    #: Where the bars stand.
    baseline: float
    columns: list[Column]
    #: x of a vertical marker line (e.g. the fix) between two columns, or None.
    marker_x: float | None = None

    @property
    def label_y(self) -> float:
        return self.height - 4


#: One value of a column: (series, value or None for "no value yet", tooltip).
type Value = tuple[str, int | None, str]


def bar_chart(
    columns: Sequence[tuple[str | Promise, Sequence[Value]]],
    *,
    height: int = 140,
    marker_after: int | None = None,
) -> BarChart:
    """Columns of bars side by side, scaled to the largest value; `marker_after` puts the
    marker line after that column (0-based)."""
    plot = height - TOP - BOTTOM
    widest = max((v or 0 for _, values in columns for _, v, _ in values), default=0) or 1
    x = float(SIDE)
    placed, marker_x = [], None
    for index, (label, values) in enumerate(columns):
        bars = []
        for series, value, title in values:
            bar_height = 0.0 if not value else max(1.0, plot * value / widest)
            bars.append(Bar(x, TOP + plot - bar_height, BAR, bar_height, value, series, title))
            x += BAR + BAR_GAP
        span = len(values) * (BAR + BAR_GAP) - BAR_GAP
        placed.append(Column(label, x - BAR_GAP - span / 2, bars))
        x += COLUMN_GAP - BAR_GAP
        if marker_after == index:
            marker_x = x - COLUMN_GAP / 2
    return BarChart(x - COLUMN_GAP + SIDE, height, TOP + plot, placed, marker_x)


def month_chart(months: list[figures.Month]) -> BarChart:
    """Problems opened and closed, a pair of bars per month."""
    columns = []
    for month in months:
        name = dateformat.format(month.start, "F Y")
        opened = _("%(month)s: %(count)d opened") % {"month": name, "count": month.opened}
        closed = _("%(month)s: %(count)d closed") % {"month": name, "count": month.closed}
        bars = [("opened", month.opened, opened), ("closed", month.closed, closed)]
        columns.append((dateformat.format(month.start, "M"), bars))
    return bar_chart(columns)


def fix_chart(fix: figures.Fix) -> BarChart:
    """Incidents per period before (-3 … -1) and after (+1 …) the fix, a line between."""
    columns = []
    for period in fix.periods:
        label = f"{period.offset:+d}" if period.offset < 0 else f"+{period.offset + 1}"
        series = "before" if period.offset < 0 else "after"
        if period.count is None:
            title = _("%(period)s: not yet") % {"period": label}
        else:
            title = ngettext(
                "%(period)s: %(count)d incident", "%(period)s: %(count)d incidents", period.count
            ) % {"period": label, "count": period.count}
        if period.ongoing:
            series += " ongoing"
            title = _("%(title)s so far") % {"title": title}
        columns.append((label, [(series, period.count, title)]))
    return bar_chart(columns, height=90, marker_after=figures.PERIODS_BEFORE - 1)
