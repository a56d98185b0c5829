"""Who may do what to a ticket. Transition `permission=` callables and the access
helper both use these, so the buttons a user sees and what the server accepts agree."""

from servicedesk.roles import L1_AGENT, contact_of, has_role, is_agent, is_desk_manager


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
