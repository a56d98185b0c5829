"""The problems workspace in the staff navigation, registered with the core's registry
(servicedesk.workspaces) from ProblemsConfig.ready(): every staff role finds it in the
navigation (problems are read by all staff); the problem manager lands on it."""

from django.utils.translation import gettext_lazy as _

from servicedesk import roles
from servicedesk.workspaces import NavEntry, register_workspace

#: After the ticket workspaces (weight 0), before the knowledge base (10).
PROBLEMS = NavEntry("problems:home", _("Problems"), "g p", weight=5)


def register() -> None:
    register_workspace(roles.PROBLEM_MANAGER, nav=[PROBLEMS], landing=PROBLEMS)
    for role in roles.ALL_ROLES:
        register_workspace(role, nav=[PROBLEMS])
