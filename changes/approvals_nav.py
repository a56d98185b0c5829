"""The CAB member's workspace in the staff navigation, registered with the core's registry
(servicedesk.workspaces) from ChangesConfig.ready(): "My approvals", where a CAB member
lands."""

from django.utils.translation import gettext_lazy as _

from servicedesk import roles
from servicedesk.workspaces import NavEntry, register_workspace

#: After the problems (5), before the knowledge base (10).
MY_APPROVALS = NavEntry("changes:approvals", _("My approvals"), "g a", weight=6)


def register() -> None:
    register_workspace(roles.CAB_MEMBER, nav=[MY_APPROVALS], landing=MY_APPROVALS)
