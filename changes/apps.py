from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        from changes import approvals_nav, integration, workspaces

        workspaces.register()  # the change manager's workspace in the navigation
        approvals_nav.register()  # the CAB member's approvals
        integration.register()  # panels, notifications, portal maintenance, API
