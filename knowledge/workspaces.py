"""The knowledge base in the staff workspaces, registered with the core's registry
(servicedesk.workspaces) from KnowledgeConfig.ready(): every staff role finds it in the
navigation; the knowledge manager lands on it."""

from django.utils.translation import gettext_lazy as _

from servicedesk import roles
from servicedesk.workspaces import NavEntry, register_workspace

#: After the ticket workspaces, which come later in INSTALLED_APPS but are used more.
KNOWLEDGE = NavEntry("knowledge:home", _("Knowledge"), "g k", weight=10)


def register() -> None:
    register_workspace(roles.KNOWLEDGE_MANAGER, nav=[KNOWLEDGE], landing=KNOWLEDGE)
    for role in roles.ALL_ROLES:
        register_workspace(role, nav=[KNOWLEDGE])
