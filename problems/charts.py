"""The problem manager's charts, built from its figures with the platform's SVG chart
geometry (servicedesk/charts.py; drawn by templates/components/bar_chart.html)."""

from django.utils import dateformat
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from problems import figures
from servicedesk.charts import BOTTOM, TOP, BarChart, bar_chart

__all__ = ["BOTTOM", "TOP", "BarChart", "bar_chart", "fix_chart", "month_chart"]


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
    return bar_chart(columns, height=90, marker_after=figures.PERIODS_BEFORE - 1, zeros=True)
