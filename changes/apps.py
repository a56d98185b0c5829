from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        from changes import approvals_nav, dashboard, integration, search_kind, workspaces
        from servicedesk.dashboard import register_panel

        workspaces.register()  # the change manager's workspace in the navigation
        search_kind.register()
        approvals_nav.register()  # the CAB member's approvals
        integration.register()  # panels, notifications, portal maintenance, API
        register_panel(dashboard.PANEL)  # the desk manager's dashboard
