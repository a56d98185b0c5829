"""The incident workspaces each role sees and lands on, and the portal's ticket pages for
contacts, registered with the core's registries (servicedesk.workspaces,
servicedesk.portal) from IncidentsConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from servicedesk import portal, roles
from servicedesk.workspaces import (
    NavEntry,
    register_jump,
    register_nav_section,
    register_workspace,
)

TRIAGE = NavEntry("incidents:triage", _("Triage"), "g t")
L2_QUEUE = NavEntry("incidents:queue_l2", _("L2 queue"), "g 2")
L3_QUEUE = NavEntry("incidents:queue_l3", _("L3 queue"), "g 3")
MY_WORK = NavEntry("incidents:mine", _("My work"), "g m")
OVERVIEW = NavEntry("incidents:overview", _("All open"), "g o")
TICKETS = NavEntry("incidents:tickets", _("Tickets"), "g l")
LOG_CALL = NavEntry("incidents:log_call", _("Log a call"), "n")
SLA = NavEntry("incidents:sla", _("SLA"), "g s")
QUARANTINE = NavEntry("incidents:quarantine", _("Quarantine"), "g q")
DASHBOARD = NavEntry("dashboard:index", _("Dashboard"), "g d")
PORTAL = NavEntry("portal:home", _("Our tickets"))
CATALOGUE = NavEntry("portal:catalogue", _("Service catalogue"))

_DESK_MANAGER_NAV = [
    DASHBOARD,
    OVERVIEW,
    TICKETS,
    SLA,
    TRIAGE,
    L2_QUEUE,
    L3_QUEUE,
    MY_WORK,
    LOG_CALL,
    QUARANTINE,
]


def register() -> None:
    from incidents.ticket_lists.nav import nav_links
    from incidents.views.portal import home_banners

    portal.register_pages("incidents.portal_urls", nav=[PORTAL, CATALOGUE], landing=PORTAL)
    # Disruptions first, above the help articles.
    portal.register_home_panel("incidents/portal/_major_banner.html", home_banners, weight=-10)
    register_workspace(
        roles.L1_AGENT,
        nav=[TRIAGE, MY_WORK, OVERVIEW, TICKETS, SLA, LOG_CALL, QUARANTINE],
        landing=TRIAGE,
    )
    register_workspace(
        roles.L2_AGENT, nav=[L2_QUEUE, MY_WORK, OVERVIEW, TICKETS, SLA, LOG_CALL], landing=L2_QUEUE
    )
    register_workspace(
        roles.L3_ENGINEER, nav=[L3_QUEUE, MY_WORK, OVERVIEW, TICKETS, SLA], landing=L3_QUEUE
    )
    register_workspace(roles.DESK_MANAGER, nav=_DESK_MANAGER_NAV, landing=DASHBOARD)
    # The other roles see the open tickets, and land there until their own app says
    # where their workspace is (problems, changes).
    for role in (
        roles.PROBLEM_MANAGER,
        roles.CHANGE_MANAGER,
        roles.CAB_MEMBER,
        roles.KNOWLEDGE_MANAGER,
    ):
        register_workspace(role, nav=[OVERVIEW, TICKETS], default_landing=OVERVIEW)
    # Following and the saved views of the ticket list, with their counts, for every
    # staff role (the ticket list is theirs).
    register_nav_section(
        "ticket_views", title=_("Views"), links=nav_links, audiences=roles.ALL_ROLES
    )
    # A ticket number looks the same in every language.
    register_jump("incidents:jump", label=_("Go to ticket number"), placeholder="INC-000123")
