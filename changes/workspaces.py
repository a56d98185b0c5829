"""The changes workspace in the staff navigation, registered with the core's registry
(servicedesk.workspaces) from ChangesConfig.ready(): every staff role finds it in the
navigation (changes are read by all staff); the change manager lands on it."""

from django.utils.translation import gettext_lazy as _

from servicedesk import roles
from servicedesk.workspaces import NavEntry, register_workspace

#: After the problems (weight 5), before the knowledge base (10).
CHANGES = NavEntry("changes:home", _("Changes"), "g c", weight=7)


def register() -> None:
    register_workspace(roles.CHANGE_MANAGER, nav=[CHANGES], landing=CHANGES)
    for role in roles.ALL_ROLES:
        register_workspace(role, nav=[CHANGES])
