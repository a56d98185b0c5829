"""Each role has its own workspace. This maps roles to their landing page and to the
navigation entries they see. URL names only: apps register their pages by name, so
the core app imports none of them."""

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from servicedesk import roles


@dataclass(frozen=True)
class NavEntry:
    url_name: str
    label: str | Promise
    shortcut: str = ""

    @property
    def url(self) -> str:
        return reverse(self.url_name)


TRIAGE = NavEntry("incidents:triage", _("Triage"), "g t")
L2_QUEUE = NavEntry("incidents:queue_l2", _("L2 queue"), "g 2")
L3_QUEUE = NavEntry("incidents:queue_l3", _("L3 queue"), "g 3")
MY_WORK = NavEntry("incidents:mine", _("My work"), "g m")
OVERVIEW = NavEntry("incidents:overview", _("All open"), "g o")
LOG_CALL = NavEntry("incidents:log_call", _("Log a call"), "n")
SLA = NavEntry("incidents:sla", _("SLA"), "g s")
QUARANTINE = NavEntry("incidents:quarantine", _("Quarantine"), "g q")
PORTAL = NavEntry("portal:home", _("Our tickets"))
CATALOGUE = NavEntry("portal:catalogue", _("Service catalogue"))

# Order matters: the first role a user has decides where they land.
_LANDING = [
    (roles.L1_AGENT, TRIAGE),
    (roles.L2_AGENT, L2_QUEUE),
    (roles.L3_ENGINEER, L3_QUEUE),
    (roles.DESK_MANAGER, OVERVIEW),
    (roles.PROBLEM_MANAGER, OVERVIEW),
    (roles.CHANGE_MANAGER, OVERVIEW),
    (roles.CAB_MEMBER, OVERVIEW),
    (roles.KNOWLEDGE_MANAGER, OVERVIEW),
]
_NAV = {
    roles.L1_AGENT: [TRIAGE, MY_WORK, OVERVIEW, SLA, LOG_CALL, QUARANTINE],
    roles.L2_AGENT: [L2_QUEUE, MY_WORK, OVERVIEW, SLA, LOG_CALL],
    roles.L3_ENGINEER: [L3_QUEUE, MY_WORK, OVERVIEW, SLA],
    roles.DESK_MANAGER: [OVERVIEW, SLA, TRIAGE, L2_QUEUE, L3_QUEUE, MY_WORK, LOG_CALL, QUARANTINE],
    roles.PROBLEM_MANAGER: [OVERVIEW],
    roles.CHANGE_MANAGER: [OVERVIEW],
    roles.CAB_MEMBER: [OVERVIEW],
    roles.KNOWLEDGE_MANAGER: [OVERVIEW],
}


def landing_for(user) -> str:
    if roles.contact_of(user) is not None:
        return PORTAL.url
    names = roles.role_names(user)
    for role, entry in _LANDING:
        if role in names:
            return entry.url
    if user.is_superuser:
        return OVERVIEW.url
    return reverse("no_workspace")


def navigation_for(user) -> list[NavEntry]:
    if roles.contact_of(user) is not None:
        return [PORTAL, CATALOGUE]
    names = roles.role_names(user)
    if user.is_superuser:
        names = names | {roles.DESK_MANAGER}
    entries: list[NavEntry] = []
    for role in roles.ALL_ROLES:
        for entry in _NAV.get(role, []) if role in names else []:
            if entry not in entries:
                entries.append(entry)
    return entries
