"""Who may do what with a problem. The transitions' `permission=` callables, the services
and the views use these, so the buttons a user sees and what the server accepts agree.

Problem managers run problems: they open them, move them through their lifecycle and
edit everything. L2 and L3 staff work the investigation: the root cause, the workaround
and the RCA (5 whys, fishbone, timeline) of a problem that is not finished. Every agent
(L1 included) reads problems and links an incident to one. Contacts see none of it."""

from servicedesk.roles import (
    L2_AGENT,
    L3_ENGINEER,
    PROBLEM_MANAGER,
    contact_of,
    has_role,
    is_agent,
    is_staff_member,
)


def is_problem_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, PROBLEM_MANAGER)


def may_read(user) -> bool:
    """Problems, known errors and their RCA: staff with any role, never a contact."""
    return is_staff_member(user) and contact_of(user) is None


def may_open(user) -> bool:
    """Open a new problem (from a pattern, an incident or by hand)."""
    return is_problem_manager(user)


def may_manage(problem, user) -> bool:
    """Edit what defines the problem (title, service, owner, priority, fix)."""
    return is_problem_manager(user)


def may_investigate(problem, user) -> bool:
    """Edit the investigation's fields (root cause, workaround, RCA) while the problem is
    not finished: problem managers and L2/L3 staff."""
    if problem.is_final:
        return False
    return is_problem_manager(user) or has_role(user, L2_AGENT, L3_ENGINEER)


def may_link_incident(user) -> bool:
    """Link an incident to a problem (or take it off): agents and problem managers."""
    return is_problem_manager(user) or is_agent(user)


# ----- the transitions' permissions: (problem, user) -> bool ----------------------------


def can_run_lifecycle(problem, user) -> bool:
    return is_problem_manager(user)
