"""The knowledge figures on the dashboard: tickets resolved with an article and the
articles used (the ticket's resolved_with: incidents' own data, which the knowledge app
cannot read), and the portal tickets an article made unnecessary (knowledge.figures).
Registered by incidents, the later of the two apps, so no app reads a later one."""

from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.dashboard import cohorts
from incidents.dashboard.figures import tickets_url
from incidents.dashboard.metrics import tally
from incidents.models import Incident
from knowledge import figures as knowledge_figures
from servicedesk.dashboard import Figure, Panel, PanelFigures, Period


def panel_figures(period: Period) -> PanelFigures:
    """Two queries (the first read from a partial index of the resolutions that followed
    an article alone)."""
    row = (
        Incident.objects.filter(cohorts.with_article(period))
        .order_by()
        .aggregate(with_article=tally(), articles=Count("resolved_with", distinct=True))
    )
    deflected = knowledge_figures.deflections(period.start, period.end)
    shown = [
        Figure(
            "resolved_with_article",
            _("Resolved with an article"),
            row["with_article"],
            url=tickets_url(period, "with_article"),
            detail=_("tickets resolved in the period"),
        ),
        Figure(
            "articles_used",
            _("Articles used to resolve"),
            row["articles"],
            detail=_("different articles"),
        ),
        Figure(
            "deflected",
            _("Portal tickets not raised"),
            deflected,
            detail=_("a contact said an article answered their question"),
        ),
    ]
    return PanelFigures(
        shown,
        note=_("Tickets not raised are counted for every support group (they have none)."),
    )


PANEL = Panel("knowledge", gettext_lazy("Knowledge"), panel_figures, weight=30)
