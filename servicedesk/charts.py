"""Charts drawn on the server as inline SVG, for any app's figures: the geometry is
computed here, the template (templates/components/bar_chart.html, share_bar.html) only
places rectangles (attributes, not inline styles: the CSP allows no `style`), and every
chart has a table beside it saying the same in text. An app builds its charts from its
figures with these (problems/charts.py, changes/figures.py)."""

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise

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
    #: What is written above the bar: the value, "·" for no value yet, "" for none.
    text: str = ""

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
    bar: int = BAR,
    marker_after: int | None = None,
    zeros: bool = False,
) -> BarChart:
    """Columns of bars side by side, scaled to the largest value; `marker_after` puts the
    marker line after that column (0-based); with `zeros`, a zero is written above its
    bar too (else only values above zero are)."""
    plot = height - TOP - BOTTOM
    widest = max((v or 0 for _, values in columns for _, v, _ in values), default=0) or 1
    x = float(SIDE)
    placed, marker_x = [], None
    for index, (label, values) in enumerate(columns):
        bars = []
        for series, value, title in values:
            bar_height = 0.0 if not value else max(1.0, plot * value / widest)
            text = _bar_text(value, zeros)
            top = TOP + plot - bar_height
            bars.append(Bar(x, top, bar, bar_height, value, series, title, text))
            x += bar + BAR_GAP
        span = len(values) * (bar + BAR_GAP) - BAR_GAP
        placed.append(Column(label, x - BAR_GAP - span / 2, bars))
        x += COLUMN_GAP - BAR_GAP
        if marker_after == index:
            marker_x = x - COLUMN_GAP / 2
    width = x - COLUMN_GAP + SIDE if placed else 2.0 * SIDE
    return BarChart(width, height, TOP + plot, placed, marker_x)


def _bar_text(value: int | None, zeros: bool) -> str:
    if value is None:
        return "·"
    return str(value) if value or zeros else ""


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    value: int
    series: str
    title: str


@dataclass(frozen=True)
class ShareBar:
    """One horizontal bar split into the parts of a whole (success, failed, rolled back)."""

    width: float
    height: float
    segments: list[Segment]
    total: int


def share_bar(parts: Sequence[Value], *, width: int = 300, height: int = 16) -> ShareBar:
    """The parts side by side, each as wide as its share of their sum; parts of zero (or
    None) take no room. With no part above zero the bar is empty."""
    total = sum(value or 0 for _, value, _ in parts)
    segments, x = [], 0.0
    for series, value, title in parts:
        if not value:
            continue
        part = width * value / total
        segments.append(Segment(x, part, value, series, title))
        x += part
    return ShareBar(width, height, segments, total)
