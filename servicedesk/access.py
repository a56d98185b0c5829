"""Role decorators for views: who may open a page is said once, above the view. Which
roles a user has is `servicedesk.roles`; which object a user may see is each app's own
(e.g. `incidents.access.get_incident_for`). Sign-in is already enforced by the
LoginRequiredMiddleware, so these only answer 403 for the wrong role."""

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.core.exceptions import PermissionDenied
from django.http.response import HttpResponseBase

from servicedesk.roles import is_agent, is_staff_member

type View = Callable[..., HttpResponseBase]


def role_required[V: View](may: Callable[[Any], bool]) -> Callable[[V], V]:
    """A view decorator: the view runs if `may(request.user)`, else 403."""

    def decorator(view: V) -> V:
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not may(request.user):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return cast(V, wrapper)

    return decorator


def staff_required[V: View](view: V) -> V:
    """Staff workspaces: any staff role. Contacts and users without a role get 403."""
    return role_required(is_staff_member)(view)


def agent_required[V: View](view: V) -> V:
    """Pages that work tickets: L1, L2, L3 and the service desk manager."""
    return role_required(is_agent)(view)


def contact_required[V: View](view: V) -> V:
    """Portal pages: a customer's contact. Staff and users without a contact get 403."""
    from servicedesk.roles import contact_of

    return role_required(lambda user: contact_of(user) is not None)(view)
