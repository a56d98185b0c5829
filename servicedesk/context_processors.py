from servicedesk.roles import is_staff_member
from servicedesk.workspaces import navigation_for


def workspace(request):
    """The navigation entries this user's roles give them."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "show_jump": False}
    return {"nav": navigation_for(user), "show_jump": is_staff_member(user)}
