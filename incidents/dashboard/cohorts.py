"""Which tickets each of the dashboard's figures counts, said once: the aggregates
(metrics.py) count these sets, and the list behind a figure (views.tickets) shows the
same set. The definitions are the README's ("The desk manager's dashboard")."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Q
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from incidents.models import INVALID_CLOSURE_CODES, OPEN_STATUSES, Status
from servicedesk.dashboard import Period
from servicedesk.models import Line

RESOLVED_STATUSES = [Status.COMPLETED, Status.CLOSED]
DEEPER_LINES = [Line.L2, Line.L3]


def scope(period: Period) -> Q:
    """The period's support group, if it names one."""
    return Q() if period.group_id is None else Q(support_group_id=period.group_id)


# ----- the three populations ------------------------------------------------------------


def registered(period: Period) -> Q:
    """Tickets registered in the period ("in")."""
    return Q(registered_at__gte=period.start, registered_at__lt=period.end) & scope(period)


def resolved(period: Period) -> Q:
    """Tickets whose (last) resolution falls in the period ("out"): Completed or Closed
    with a resolution time in it. A resolution the contact rejected is undone (the
    ticket is counted when it is resolved again)."""
    return Q(
        status__in=RESOLVED_STATUSES, resolved_at__gte=period.start, resolved_at__lt=period.end
    ) & scope(period)


def with_article(period: Period) -> Q:
    """Tickets resolved in the period with a knowledge article (resolved_with)."""
    return Q(
        resolved_at__gte=period.start, resolved_at__lt=period.end, resolved_with__isnull=False
    ) & scope(period)


def backlog(period: Period) -> Q:
    """Open now (not Completed, not Closed), whatever the period."""
    return Q(status__in=OPEN_STATUSES) & scope(period)


# ----- what the figures count among them -------------------------------------------------

#: Resolutions that are work done: not completed as invalid, duplicate or out of scope.
WORKED = ~Q(closure_code__in=INVALID_CLOSURE_CODES)
#: Never held by an L2 or L3 group, never rejected by the contact.
FIRST_CONTACT = Q(highest_line__in=["", Line.L1], rejection_count=0)
REOPENED = Q(rejection_count__gt=0)
UNDER_SLA = Q(sla_policy__isnull=False)
#: The reaction clock has a verdict: responded (in time or not), or breached waiting.
REACTION_DECIDED = UNDER_SLA & (Q(first_response_at__isnull=False) | Q(response_breached=True))
BREACHED = Q(response_breached=True) | Q(resolution_breached=True)
REACHED_LINE = ~Q(highest_line="")
REACHED_L2 = Q(highest_line__in=DEEPER_LINES)
REACHED_L3 = Q(highest_line=Line.L3)

#: The backlog's age bands: key, label, (min, max) age.
AGES: list[tuple[str, Promise, timedelta, timedelta | None]] = [
    ("day", _("under a day"), timedelta(0), timedelta(days=1)),
    ("days", _("1–3 days"), timedelta(days=1), timedelta(days=3)),
    ("week", _("3–7 days"), timedelta(days=3), timedelta(days=7)),
    ("month", _("1–4 weeks"), timedelta(days=7), timedelta(days=28)),
    ("older", _("over 4 weeks"), timedelta(days=28), None),
]


def aged(key: str, now: datetime) -> Q:
    """Open tickets registered within the age band `key` (as of `now`)."""
    for band, _label, youngest, oldest in AGES:
        if band == key:
            condition = Q(registered_at__lte=now - youngest)
            if oldest is not None:
                condition &= Q(registered_at__gt=now - oldest)
            return condition
    raise KeyError(key)


# ----- the lists behind the figures ------------------------------------------------------


@dataclass(frozen=True)
class TicketList:
    """The tickets behind a figure: its title, its set, and the column it is listed by."""

    title: Promise
    tickets: Callable[[Period], Q]
    #: registered_at or resolved_at (an index range in the period's order); the open
    #: tickets by priority, as the queues list them (inc_queue_status serves it).
    order: str = "registered_at"


LISTS: dict[str, TicketList] = {
    "in": TicketList(_("Tickets registered"), registered),
    "out": TicketList(_("Tickets resolved"), resolved, "resolved_at"),
    "resolutions": TicketList(
        _("Tickets resolved (work done)"), lambda p: resolved(p) & WORKED, "resolved_at"
    ),
    "fcr": TicketList(
        _("Resolved at first contact"),
        lambda p: resolved(p) & WORKED & FIRST_CONTACT,
        "resolved_at",
    ),
    "reopened": TicketList(
        _("Resolved after the contact rejected a resolution"),
        lambda p: resolved(p) & WORKED & REOPENED,
        "resolved_at",
    ),
    "responded": TicketList(
        _("Tickets registered and responded to"),
        lambda p: registered(p) & Q(first_response_at__isnull=False),
    ),
    "assigned": TicketList(
        _("Tickets registered and assigned"), lambda p: registered(p) & Q(assigned_at__isnull=False)
    ),
    "reaction_sla": TicketList(
        _("Reaction clocks decided"), lambda p: registered(p) & REACTION_DECIDED
    ),
    "reaction_breached": TicketList(
        _("Reaction time breached"), lambda p: registered(p) & UNDER_SLA & Q(response_breached=True)
    ),
    "resolution_sla": TicketList(
        _("Resolved under an SLA"), lambda p: resolved(p) & UNDER_SLA, "resolved_at"
    ),
    "resolution_breached": TicketList(
        _("Resolved late"),
        lambda p: resolved(p) & UNDER_SLA & Q(resolution_breached=True),
        "resolved_at",
    ),
    "breached": TicketList(
        _("Registered tickets with a breach"), lambda p: registered(p) & BREACHED
    ),
    "escalated_l2": TicketList(
        _("Tickets that reached L2 or L3"), lambda p: registered(p) & REACHED_L2
    ),
    "escalated_l3": TicketList(_("Tickets that reached L3"), lambda p: registered(p) & REACHED_L3),
    "backlog": TicketList(_("Open tickets"), backlog, "priority"),
    "backlog_breached": TicketList(
        _("Open tickets with a breach"), lambda p: backlog(p) & BREACHED, "priority"
    ),
    "with_article": TicketList(_("Resolved with a knowledge article"), with_article, "resolved_at"),
    "rated": TicketList(
        _("Tickets rated"),
        lambda p: (
            Q(
                satisfaction_rating__created_at__gte=p.start,
                satisfaction_rating__created_at__lt=p.end,
            )
            & scope(p)
        ),
    ),
}
