"""Staff roles are Django groups, created by a migration. These helpers answer
"what may this user do" in one place so views and transitions agree."""

L1_AGENT = "L1 agent"
L2_AGENT = "L2 agent"
L3_ENGINEER = "L3 engineer"
DESK_MANAGER = "Service desk manager"
PROBLEM_MANAGER = "Problem manager"
CHANGE_MANAGER = "Change manager"
CAB_MEMBER = "CAB member"
KNOWLEDGE_MANAGER = "Knowledge manager"

ALL_ROLES = [
    L1_AGENT,
    L2_AGENT,
    L3_ENGINEER,
    DESK_MANAGER,
    PROBLEM_MANAGER,
    CHANGE_MANAGER,
    CAB_MEMBER,
    KNOWLEDGE_MANAGER,
]
AGENT_ROLES = frozenset({L1_AGENT, L2_AGENT, L3_ENGINEER, DESK_MANAGER})


def role_names(user) -> frozenset[str]:
    """The user's role names, cached on the user object for the request."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_servicedesk_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._servicedesk_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(role_names(user) & set(roles))


def is_agent(user) -> bool:
    """Staff who work tickets: L1, L2, L3 and the service desk manager (and superusers)."""
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user) & AGENT_ROLES)


def is_desk_manager(user) -> bool:
    return bool(getattr(user, "is_superuser", False)) or has_role(user, DESK_MANAGER)


def is_staff_member(user) -> bool:
    """Anyone with a staff role, including problem, change and knowledge managers."""
    return bool(getattr(user, "is_superuser", False)) or bool(role_names(user))


def staff_members(users):
    """The users of this queryset with a staff role (or superusers), in the query: who
    still reads the staff pages, for telling many people at once without a query each."""
    from django.db.models import Q

    return users.filter(Q(is_superuser=True) | Q(groups__name__in=ALL_ROLES)).distinct()


def contact_of(user):
    """The active customer contact behind a portal login, or None for staff (and for a
    deactivated contact, who reads nothing more, even in a session opened before)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        contact = user.contact
    except AttributeError:  # RelatedObjectDoesNotExist is an AttributeError too
        return None
    return contact if contact.is_active else None
