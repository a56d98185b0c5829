"""The change figures on the service desk manager's dashboard (servicedesk.dashboard),
for the dashboard's period: how the implementations that finished ended, the share of
emergency changes among those submitted, and the changes followed by an incident.
Registered from ChangesConfig.ready()."""

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from changes import figures
from servicedesk.dashboard import Figure, Panel, PanelFigures, Period, Unit


def panel_figures(period: Period) -> PanelFigures:
    """Three queries; changes have no support group, so the group filter does not apply."""
    outcomes = figures.outcomes_between(period.start, period.end)
    emergency = figures.emergency_share_between(period.start, period.end)
    followed = figures.followed_between(period.start, period.end)
    page = reverse("changes:figures")
    shown = [
        Figure(
            "success_rate",
            _("Change success rate"),
            outcomes.success_rate,
            Unit.PERCENT,
            page,
            _("%(part)d of %(total)d implementations finished")
            % {"part": outcomes.implemented, "total": outcomes.total},
        ),
        Figure("implemented", _("Implemented"), outcomes.implemented, url=page),
        Figure("failed", _("Failed"), outcomes.failed, url=page),
        Figure("rolled_back", _("Rolled back"), outcomes.rolled_back, url=page),
        Figure(
            "emergency_share",
            _("Emergency changes"),
            emergency.percent,
            Unit.PERCENT,
            page,
            _("%(part)d of %(total)d changes submitted")
            % {"part": emergency.emergency, "total": emergency.total},
        ),
        Figure(
            "followed_by_incident",
            _("Changes followed by an incident"),
            followed.percent,
            Unit.PERCENT,
            page,
            ngettext(
                "%(part)d of %(total)d, an incident on their services within %(hours)d hour",
                "%(part)d of %(total)d, an incident on their services within %(hours)d hours",
                followed.hours,
            )
            % {"part": followed.followed, "total": followed.total, "hours": followed.hours},
        ),
    ]
    return PanelFigures(
        shown,
        note=_(
            "Changes of every support group; the links lead to the change figures of the "
            "last 12 months (there is no list of changes by period yet)."
        ),
    )


PANEL = Panel("changes", gettext_lazy("Changes"), panel_figures, weight=20)
