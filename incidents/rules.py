"""Who may do what to a ticket. Transition `permission=` callables and the access
helper both use these, so the buttons a user sees and what the server accepts agree."""

from servicedesk.roles import (
    L1_AGENT,
    L2_AGENT,
    contact_of,
    has_role,
    is_agent,
    is_desk_manager,
    is_staff_member,
)


def can_triage(ticket, user) -> bool:
    """Assign, escalate, reclassify, complete as invalid: any agent."""
    return is_agent(user)


def works_on(ticket, user) -> bool:
    """The assignee, a member of the ticket's support group, or the desk manager."""
    if is_desk_manager(user):
        return True
    if not is_agent(user):
        return False
    if ticket.assignee_id == user.pk:
        return True
    if ticket.support_group_id is None:
        return False
    return ticket.support_group_id in member_group_ids(user)


def speaks_for_customer(ticket, user) -> bool:
    """The requester's organisation (its authorised contacts), or the desk manager on their
    behalf. A contact who may not open tickets may read them, not decide on them."""
    contact = contact_of(user)
    if contact is not None:
        return contact.organisation_id == ticket.organisation_id and contact.may_raise
    return is_desk_manager(user)


def takes_calls(ticket, user) -> bool:
    """Record what a contact said on the phone (confirm or reject a resolution on their
    behalf): any agent, since L1 takes the calls."""
    return is_agent(user)


def works_quarantine(user) -> bool:
    """The email quarantine (accept, add to a ticket, discard): L1 and the desk manager."""
    return has_role(user, L1_AGENT) or is_desk_manager(user)


def may_follow(ticket, user) -> bool:
    """Follow a ticket (incidents/watchers.py): staff who may see it, which is any staff
    role (Incident.objects.visible_to); never a contact."""
    return is_staff_member(user)


def nobody(ticket, user) -> bool:
    """Transitions only the system performs (auto-close)."""
    return False


def member_group_ids(user) -> frozenset[int]:
    cached = getattr(user, "_servicedesk_group_ids", None)
    if cached is None:
        cached = frozenset(user.support_groups.values_list("pk", flat=True))
        user._servicedesk_group_ids = cached
    return cached


def can_comment(ticket, user) -> bool:
    """Staff who work tickets, and the customer's contacts who may act on them; other
    staff roles (problem, change, knowledge managers, CAB) read only."""
    if ticket.is_final:
        return False
    contact = contact_of(user)
    if contact is not None:
        return contact.organisation_id == ticket.organisation_id and contact.may_raise
    return is_agent(user)


# ----- major incidents (incidents/services/major.py) --------------------------------------

#: The Django permission that lets an L2 agent declare a major incident (granted per user
#: or through any group, e.g. to the "L2 agent" group for every L2 agent).
DECLARE_MAJOR_PERMISSION = "incidents.declare_major"


def may_declare_major(user) -> bool:
    """The service desk manager, or an L2 agent holding `incidents.declare_major`."""
    if is_desk_manager(user):
        return True
    return has_role(user, L2_AGENT) and user.has_perm(DECLARE_MAJOR_PERMISSION)


def coordinates_major(incident, user) -> bool:
    """Who runs a major incident (posts its updates, sets its outage window, takes
    children off it): whoever may declare one, and its named major incident manager."""
    if may_declare_major(user):
        return True
    return is_agent(user) and incident.major_manager_id == getattr(user, "pk", None)


def may_link_children(user) -> bool:
    """Linking a ticket to an open major incident: any agent (L1 does it at triage, when
    the ticket page proposes it)."""
    return is_agent(user)
