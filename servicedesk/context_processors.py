from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from servicedesk.inbox import inbox_unread_count
from servicedesk.roles import is_staff_member
from servicedesk.workspaces import jump, nav_sections_for, navigation_for


def workspace(request: HttpRequest) -> dict[str, object]:
    """The navigation entries this user's roles give them, its counted sections (the saved
    views: counted only when a page's header shows them, kept a minute), and (staff) the
    unread count of their notifications: one indexed count, run only when shown."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "nav_sections": [], "jump": None, "show_inbox": False}
    staff = is_staff_member(user)
    return {
        "nav": navigation_for(user),
        "nav_sections": SimpleLazyObject(lambda: nav_sections_for(user)),
        "jump": jump() if staff else None,
        "show_inbox": staff,
        "inbox_unread": SimpleLazyObject(lambda: inbox_unread_count(user)),
    }
