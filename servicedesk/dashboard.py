"""Panels on the service desk manager's dashboard. The dashboard (incidents' /manager/)
shows the desk's own figures and, below them, a panel from each app that has figures of
its own (problems, changes, knowledge), without knowing those apps: each registers its
panel from its AppConfig.ready().

    # problems/apps.py, ready()
    register_panel(Panel("problems", _("Problems"), problems.dashboard.figures))

A panel's `compute(period)` returns its figures for the dashboard's period (and support
group, where its figures have one): each a Figure, with the list of records behind it if
there is one. Everything a panel shows must be among its figures, because the dashboard's
CSV export writes the figures (its template may draw them, e.g. as a chart, from
`extra`). Keep it to a few aggregate queries: it runs on every view of the dashboard.
Panels show in `weight` order (lower first), equal weights in registration order."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    """What the dashboard shows: the days `first_day` to `last_day` (local dates, both
    included), i.e. the moments from `start` up to (not including) `end`, of every
    support group or only `group_id`'s."""

    start: datetime
    end: datetime
    first_day: date
    last_day: date
    group_id: int | None = None

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


class Unit(StrEnum):
    """What a figure's value counts; the CSV export names it beside the value."""

    COUNT = "count"
    PERCENT = "percent"
    #: A duration, in seconds (shown as "2 d 4 h", exported in hours).
    DURATION = "hours"
    #: A mean score out of 5.
    SCORE = "score"


@dataclass(frozen=True)
class Figure:
    key: str
    label: str | Promise
    #: None: nothing to measure in the period (shown as "—").
    value: float | None
    unit: Unit = Unit.COUNT
    #: The list of the records the figure counts ("" when there is none to show).
    url: str = ""
    #: What the value is made of, e.g. "12 of 40 tickets".
    detail: str | Promise = ""

    @property
    def shown(self) -> str:
        if self.value is None:
            return "—"
        # number_format cuts decimals off: round first.
        if self.unit == Unit.PERCENT:
            return _("%(value)s %%") % {"value": number_format(round(self.value, 1), 1)}
        if self.unit == Unit.DURATION:
            return duration_text(timedelta(seconds=self.value))
        if self.unit == Unit.SCORE:
            return _("%(value)s / 5") % {"value": number_format(round(self.value, 1), 1)}
        return number_format(round(self.value), 0, force_grouping=True)

    @property
    def exported(self) -> str:
        """The value as the CSV has it: digits and a point, durations in hours."""
        if self.value is None:
            return ""
        if self.unit == Unit.DURATION:
            return f"{self.value / 3600:.2f}"
        if self.unit == Unit.COUNT:
            return str(int(self.value))
        return f"{self.value:.1f}" if self.unit == Unit.PERCENT else f"{self.value:.2f}"


def percent(part: int, whole: int) -> float | None:
    return None if not whole else 100 * part / whole


def duration_text(duration: timedelta) -> str:
    """'2 d 4 h', '3 h 20 min', '45 min' (the messages of the SLA's business times)."""
    minutes = int(duration.total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(d)d d %(h)d h") % {"d": days, "h": hours}
    if hours:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": minutes}
    return _("%(m)d min") % {"m": minutes}


@dataclass(frozen=True)
class PanelFigures:
    figures: list[Figure]
    #: A sentence under the figures: what they cover (e.g. "every support group").
    note: str | Promise = ""
    #: Whatever else the panel's template draws from the figures (a chart).
    extra: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Panel:
    key: str
    title: str | Promise
    compute: Callable[[Period], PanelFigures]
    #: Context: panel (this Panel), result (its PanelFigures), period.
    template: str = "components/dashboard_panel.html"
    weight: int = 0


_panels: list[Panel] = []


def register_panel(panel: Panel) -> None:
    """Show `panel` on the dashboard (a second panel with the same key is ignored)."""
    if any(known.key == panel.key for known in _panels):
        return
    _panels.append(panel)
    _panels.sort(key=lambda known: known.weight)  # a stable sort keeps registration order


def panels() -> list[Panel]:
    return list(_panels)
