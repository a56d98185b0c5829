"""The problem figures on the service desk manager's dashboard (servicedesk.dashboard):
the open problems by age, and the share of the period's incidents linked to a known
error. Registered from ProblemsConfig.ready() (problems/integration.py)."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from problems import figures
from servicedesk.charts import bar_chart
from servicedesk.dashboard import Figure, Panel, PanelFigures, Period, Unit, percent

AGE_LABELS = {
    "month": gettext_lazy("under 30 days"),
    "quarter": gettext_lazy("30–90 days"),
    "half": gettext_lazy("90–180 days"),
    "older": gettext_lazy("over 180 days"),
}

#: Under the chart's columns (the figures have the full names).
AGE_SHORT = {
    "month": gettext_lazy("< 30 d"),
    "quarter": gettext_lazy("30–90 d"),
    "half": gettext_lazy("90–180 d"),
    "older": gettext_lazy("> 180 d"),
}


def panel_figures(period: Period) -> PanelFigures:
    """Three queries. The ages are as of now; the share is of the period's incidents."""
    ages = figures.open_by_age(timezone.now(), group_id=period.group_id)
    linked, total = figures.known_problem_share(period)
    oldest_first = f"{reverse('problems:home')}?sort=age"
    shown = [
        Figure(
            "open",
            _("Open problems"),
            ages["total"],
            url=reverse("problems:home"),
            detail=_("new, under investigation or known error, now"),
        ),
        *(
            Figure(f"open_{key}", _("Open %(age)s") % {"age": label}, ages[key], url=oldest_first)
            for key, label in AGE_LABELS.items()
        ),
        Figure(
            "known_error_share",
            _("Incidents linked to a known error"),
            percent(linked, total),
            Unit.PERCENT,
            reverse("problems:known_errors"),
            _("%(linked)d of %(total)d incidents registered in the period")
            % {"linked": linked, "total": total},
        ),
    ]
    chart = bar_chart(
        [
            (short, [("open", ages[key], f"{AGE_LABELS[key]}: {ages[key]}")])
            for key, short in AGE_SHORT.items()
        ],
        bar=36,
        height=90,
        zeros=True,
    )
    return PanelFigures(
        shown,
        note=_(
            "The links lead to the problem workspace's lists (open problems oldest first, "
            "the known errors): they are not narrowed to the period."
        ),
        extra={"chart": chart, "chart_title": _("Open problems by age")},
    )


PANEL = Panel("problems", gettext_lazy("Problems"), panel_figures, weight=10)
