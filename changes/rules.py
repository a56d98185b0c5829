"""Who may do what with a change. The transitions' `permission=` callables, the services
and the views use these, so the buttons a user sees and what the server accepts agree.

Anyone on staff raises a change and submits their own draft. The change manager runs the
pipeline: assessment, sending to the CAB, scheduling, reviews, closing, cancelling, and
implementing outside the approved window. The change's implementer (or the change
manager) carries it out. CAB members decide on the changes the policy sends them; the
decision that settles the policy approves or rejects the change, never a person directly.
Contacts see none of it (they see scheduled maintenance in the portal)."""

from servicedesk.roles import CAB_MEMBER, CHANGE_MANAGER, contact_of, has_role, is_staff_member


def is_change_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, CHANGE_MANAGER)


def is_cab_member(user) -> bool:
    return has_role(user, CAB_MEMBER)


def may_read(user) -> bool:
    """Changes, the calendar and the CAB agenda: staff with any role, never a contact."""
    return is_staff_member(user) and contact_of(user) is None


def may_raise(user) -> bool:
    return may_read(user)


def is_requester(change, user) -> bool:
    return change.requested_by_id is not None and change.requested_by_id == getattr(
        user, "pk", None
    )


def may_edit(change, user) -> bool:
    """The plan may change until the CAB looks at it: the requester while it is a draft,
    the change manager until it goes to the CAB (a rejected change is revised first)."""
    if change.status == "draft":
        return is_requester(change, user) or is_change_manager(user)
    if change.status in ("submitted", "assessment"):
        return is_change_manager(user)
    return False


def may_link(change, user) -> bool:
    """Link problems and incidents to a change that is not finished."""
    return may_read(user) and not change.is_final


# ----- the transitions' permissions: (change, user) -> bool -----------------------------


def can_submit(change, user) -> bool:
    return is_requester(change, user) or is_change_manager(user)


def can_manage(change, user) -> bool:
    return is_change_manager(user)


def can_implement(change, user) -> bool:
    """The implementer carries the change out; the change manager may stand in."""
    implementer = change.implementer_id
    return is_change_manager(user) or (implementer is not None and implementer == user.pk)


def can_cancel(change, user) -> bool:
    """A requester withdraws their own draft; the change manager cancels any early change."""
    if change.status == "draft" and is_requester(change, user):
        return True
    return is_change_manager(user)


def can_revise(change, user) -> bool:
    return is_requester(change, user) or is_change_manager(user)


def nobody(change, user) -> bool:
    """Approval and rejection follow from the CAB's decisions (changes.services.approvals),
    run as the system: no person starts them."""
    return False
