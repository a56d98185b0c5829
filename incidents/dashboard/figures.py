"""What the dashboard shows, built from the metrics: sections of figures, each linked to
the list of tickets behind it, the tables beside the charts, the per-agent workload,
and the panels other apps registered. The page (views.index) and the CSV export
(export.py) read the same Dashboard, so the export has everything the page shows."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.urls import reverse
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.dashboard import metrics
from incidents.dashboard.cohorts import AGES
from incidents.dashboard.period import period_of, query_string
from servicedesk import dashboard
from servicedesk.charts import BarChart, bar_chart
from servicedesk.dashboard import Figure, Panel, PanelFigures, Period, Unit, percent
from servicedesk.models import SupportGroup


@dataclass(frozen=True)
class Section:
    key: str
    title: str | Promise
    figures: list[Figure]


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    cells: list[Figure]


@dataclass(frozen=True)
class Table:
    key: str
    title: str | Promise
    #: The first column's heading, then one per cell.
    columns: Sequence[str | Promise]
    rows: list[Row]

    def figures(self) -> list[Figure]:
        """Every cell as a figure of its own (for the CSV): "<row>: <column>"."""
        return [
            Figure(
                f"{row.key}.{cell.key}",
                f"{row.label}: {column}",
                cell.value,
                cell.unit,
                cell.url,
            )
            for row in self.rows
            for cell, column in zip(row.cells, self.columns[1:], strict=True)
        ]


@dataclass
class Dashboard:
    period: Period
    group: SupportGroup | None
    sections: list[Section]
    tables: dict[str, Table]
    charts: dict[str, BarChart]
    panels: list[tuple[Panel, PanelFigures]] = field(default_factory=list)
    #: Whether the charts have a column per week (long periods) rather than per day.
    weekly: bool = False


def tickets_url(period: Period, figure: str, **extra: object) -> str:
    return f"{reverse('dashboard:tickets')}?{query_string(period, figure=figure, **extra)}"


def desk(period: Period, group: SupportGroup | None, now: datetime) -> Dashboard:
    """Everything the dashboard shows for `period`, in a fixed number of queries."""
    measured = metrics.measure(period, now)
    arrived, done, backlog = measured.arrivals, measured.resolutions, measured.backlog
    rated = measured.satisfaction

    def link(figure: str, **extra: object) -> str:
        return tickets_url(period, figure, **extra)

    everyone = period.group_id is None
    sections = [
        Section(
            "volume",
            gettext_lazy("Volume"),
            [
                Figure(
                    "in", _("Tickets in"), arrived.total, url=link("in"), detail=_("registered")
                ),
                Figure("out", _("Tickets out"), done.total, url=link("out"), detail=_("resolved")),
                Figure(
                    "backlog",
                    _("Backlog"),
                    backlog.total,
                    url=reverse("incidents:overview") if everyone else link("backlog"),
                    detail=_("open now"),
                ),
                Figure(
                    "backlog_breached",
                    _("Breached in the backlog"),
                    backlog.breached,
                    url=(
                        f"{reverse('incidents:sla')}?view=breached"
                        if everyone
                        else link("backlog_breached")
                    ),
                    detail=_("open now, reaction or resolution time breached"),
                ),
            ],
        ),
        Section(
            "resolution",
            gettext_lazy("Resolution"),
            [
                Figure(
                    "fcr",
                    _("First contact resolution"),
                    percent(done.first_contact, done.worked),
                    Unit.PERCENT,
                    link("fcr"),
                    _of(done.first_contact, done.worked, _("resolutions")),
                ),
                _time(
                    "mttr_mean",
                    _("Mean time to resolve"),
                    done.mean_time,
                    link("resolutions"),
                    done.worked,
                ),
                _time(
                    "mttr_median",
                    _("Median time to resolve"),
                    done.median_time,
                    link("resolutions"),
                    done.worked,
                ),
                _time(
                    "afrt",
                    _("Average first response time"),
                    arrived.response_time,
                    link("responded"),
                    arrived.responded,
                ),
                _time(
                    "afat",
                    _("Average time to assign"),
                    arrived.assign_time,
                    link("assigned"),
                    arrived.assigned,
                ),
                Figure(
                    "reopen",
                    _("Reopen rate"),
                    percent(done.reopened, done.worked),
                    Unit.PERCENT,
                    link("reopened"),
                    _of(done.reopened, done.worked, _("resolutions rejected by the contact")),
                ),
            ],
        ),
        Section(
            "sla",
            gettext_lazy("SLA"),
            [
                Figure(
                    "reaction_compliance",
                    _("Reaction time met"),
                    percent(
                        arrived.reaction_decided - arrived.reaction_breached,
                        arrived.reaction_decided,
                    ),
                    Unit.PERCENT,
                    link("reaction_sla"),
                    _of(
                        arrived.reaction_decided - arrived.reaction_breached,
                        arrived.reaction_decided,
                        _("tickets registered"),
                    ),
                ),
                Figure(
                    "resolution_compliance",
                    _("Resolution time met"),
                    percent(done.under_sla - done.resolution_breached, done.under_sla),
                    Unit.PERCENT,
                    link("resolution_sla"),
                    _of(
                        done.under_sla - done.resolution_breached,
                        done.under_sla,
                        _("tickets resolved"),
                    ),
                ),
                Figure(
                    "breaches",
                    _("Breaches"),
                    arrived.breached,
                    url=link("breached"),
                    detail=_("tickets registered with a breached reaction or resolution time"),
                ),
            ],
        ),
        Section(
            "escalation",
            gettext_lazy("Escalation and satisfaction"),
            [
                Figure(
                    "escalation_l2",
                    _("Escalated L1 → L2"),
                    percent(arrived.reached_l2, arrived.with_line),
                    Unit.PERCENT,
                    link("escalated_l2"),
                    _of(arrived.reached_l2, arrived.with_line, _("tickets given to a line")),
                ),
                Figure(
                    "escalation_l3",
                    _("Escalated L2 → L3"),
                    percent(arrived.reached_l3, arrived.reached_l2),
                    Unit.PERCENT,
                    link("escalated_l3"),
                    _of(arrived.reached_l3, arrived.reached_l2, _("tickets that reached L2")),
                ),
                Figure(
                    "csat",
                    _("Customer satisfaction (CSAT)"),
                    percent(rated.satisfied, rated.ratings),
                    Unit.PERCENT,
                    link("rated") if rated.ratings else "",
                    _of(rated.satisfied, rated.ratings, _("ratings satisfied"))
                    if rated.ratings
                    else _("no ratings"),
                ),
                Figure(
                    "csat_score",
                    _("Mean rating"),
                    rated.mean_score,
                    Unit.SCORE,
                    link("rated") if rated.ratings else "",
                    _("%(count)d ratings") % {"count": rated.ratings}
                    if rated.ratings
                    else _("no ratings"),
                ),
            ],
        ),
    ]
    weekly = metrics.weekly(period)
    tables = {
        "by_day": _by_day(period, measured.columns, weekly),
        "by_hour": _by_hour(period, measured.hours),
        "backlog_age": _backlog_age(period, backlog),
        "agents": _agents(period, measured.workload),
    }
    return Dashboard(
        period=period,
        group=group,
        sections=sections,
        tables=tables,
        charts=_charts(measured.columns, measured.hours, backlog, weekly),
        panels=[(panel, panel.compute(period)) for panel in dashboard.panels()],
        weekly=weekly,
    )


def _of(part: int, whole: int, what: str) -> str:
    return _("%(part)s of %(whole)s %(what)s") % {"part": part, "whole": whole, "what": what}


def _time(key: str, label: str, value: timedelta | None, url: str, count: int) -> Figure:
    return Figure(
        key,
        label,
        None if value is None else value.total_seconds(),
        Unit.DURATION,
        url,
        _("over %(count)d tickets") % {"count": count},
    )


# ----- the tables beside the charts ------------------------------------------------------


def _bucket_period(period: Period, bucket: metrics.Column, weekly: bool) -> Period:
    """One column's own period: its day, or its week within the period."""
    first = max(bucket.start, period.first_day)
    last = min(bucket.start + timedelta(days=6 if weekly else 0), period.last_day)
    return period_of(first, last, period.group_id)


def _bucket_label(bucket: metrics.Column, weekly: bool) -> str:
    if weekly:
        return _("week of %(day)s") % {"day": date_format(bucket.start, "j M Y")}
    return date_format(bucket.start, "D j M Y")


def _by_day(period: Period, columns: list[metrics.Column], weekly: bool) -> Table:
    rows = []
    for bucket in columns:
        narrowed = _bucket_period(period, bucket, weekly)
        reaction = percent(
            bucket.reaction_decided - bucket.reaction_breached, bucket.reaction_decided
        )
        resolution = percent(
            bucket.resolution_decided - bucket.resolution_breached, bucket.resolution_decided
        )
        rows.append(
            Row(
                bucket.start.isoformat(),
                _bucket_label(bucket, weekly),
                [
                    Figure("in", _("in"), bucket.registered, url=tickets_url(narrowed, "in")),
                    Figure("out", _("out"), bucket.resolved, url=tickets_url(narrowed, "out")),
                    Figure(
                        "reaction_met",
                        _("reaction met"),
                        reaction,
                        Unit.PERCENT,
                        tickets_url(narrowed, "reaction_sla") if bucket.reaction_decided else "",
                    ),
                    Figure(
                        "resolution_met",
                        _("resolution met"),
                        resolution,
                        Unit.PERCENT,
                        tickets_url(narrowed, "resolution_sla")
                        if bucket.resolution_decided
                        else "",
                    ),
                ],
            )
        )
    title = _("Week by week") if weekly else _("Day by day")
    headings: list[str | Promise] = [
        _("Week") if weekly else _("Day"),
        _("Tickets in"),
        _("Tickets out"),
        _("Reaction time met"),
        _("Resolution time met"),
    ]
    return Table("by_day", title, headings, rows)


def _by_hour(period: Period, hours: list[int]) -> Table:
    rows = [
        Row(
            f"{hour:02d}",
            _("%(start)02d:00–%(end)02d:00") % {"start": hour, "end": hour + 1},
            [Figure("in", _("in"), count, url=tickets_url(period, "in", hour=hour))],
        )
        for hour, count in enumerate(hours)
    ]
    return Table("by_hour", _("Tickets in by hour of the day"), [_("Hour"), _("Tickets in")], rows)


def _backlog_age(period: Period, backlog: metrics.Backlog) -> Table:
    rows = [
        Row(
            key,
            str(label),
            [
                Figure(
                    "open",
                    _("open"),
                    backlog.ages[key],
                    url=tickets_url(period, "backlog", age=key),
                )
            ],
        )
        for key, label, *_rest in AGES
    ]
    return Table("backlog_age", _("Backlog by age"), [_("Age"), _("Open tickets")], rows)


def _agents(period: Period, loads: list[metrics.AgentLoad]) -> Table:
    rows = [
        Row(
            str(load.user_id),
            load.name,
            [
                Figure(
                    "open",
                    _("open"),
                    load.open,
                    url=tickets_url(period, "backlog", agent=load.user_id),
                ),
                Figure(
                    "open_breached",
                    _("open, breached"),
                    load.open_breached,
                    url=tickets_url(period, "backlog_breached", agent=load.user_id),
                ),
                Figure(
                    "resolved",
                    _("resolved"),
                    load.resolved,
                    url=tickets_url(period, "out", agent=load.user_id),
                ),
                Figure(
                    "mean_time",
                    _("mean time to resolve"),
                    None if load.mean_time is None else load.mean_time.total_seconds(),
                    Unit.DURATION,
                ),
            ],
        )
        for load in loads
    ]
    headings: list[str | Promise] = [
        _("Agent"),
        _("Open now"),
        _("Open, breached"),
        _("Resolved"),
        _("Mean time to resolve"),
    ]
    return Table("agents", _("Workload per agent"), headings, rows)


# ----- charts --------------------------------------------------------------------------------


def _charts(
    columns: list[metrics.Column], hours_in: list[int], backlog: metrics.Backlog, weekly: bool
) -> dict[str, BarChart]:
    volume, compliance = [], []
    for bucket in columns:
        label = date_format(bucket.start, "j.n." if weekly else "j")
        name = _bucket_label(bucket, weekly)
        volume.append(
            (
                label,
                [
                    (
                        "in",
                        bucket.registered,
                        _("%(day)s: %(count)d in") % {"day": name, "count": bucket.registered},
                    ),
                    (
                        "out",
                        bucket.resolved,
                        _("%(day)s: %(count)d out") % {"day": name, "count": bucket.resolved},
                    ),
                ],
            )
        )
        reaction = _rounded(
            percent(bucket.reaction_decided - bucket.reaction_breached, bucket.reaction_decided)
        )
        resolution = _rounded(
            percent(
                bucket.resolution_decided - bucket.resolution_breached, bucket.resolution_decided
            )
        )
        compliance.append(
            (
                label,
                [
                    (
                        "reaction",
                        reaction,
                        _("%(day)s: reaction time met %(percent)s")
                        % {"day": name, "percent": _pct(reaction)},
                    ),
                    (
                        "resolution",
                        resolution,
                        _("%(day)s: resolution time met %(percent)s")
                        % {"day": name, "percent": _pct(resolution)},
                    ),
                ],
            )
        )
    hours = [
        (
            str(hour),
            [("in", count, _("%(hour)02d:00: %(count)d in") % {"hour": hour, "count": count})],
        )
        for hour, count in enumerate(hours_in)
    ]
    ages = [
        (short, [("open", backlog.ages[key], f"{label}: {backlog.ages[key]}")])
        for (key, label, *_rest), short in zip(AGES, AGE_SHORT, strict=True)
    ]
    return {
        "volume": bar_chart(volume, bar=6),
        "hours": bar_chart(hours, bar=14),
        "compliance": bar_chart(compliance, bar=6),
        "backlog_age": bar_chart(ages, bar=36, zeros=True),
    }


#: The age bands under the backlog chart's columns (the table has their full names).
AGE_SHORT = [
    gettext_lazy("< 1 d"),
    gettext_lazy("1–3 d"),
    gettext_lazy("3–7 d"),
    gettext_lazy("1–4 wk"),
    gettext_lazy("> 4 wk"),
]


def _rounded(value: float | None) -> int | None:
    return None if value is None else round(value)


def _pct(value: int | None) -> str:
    return "—" if value is None else f"{value} %"
