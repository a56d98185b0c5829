from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        from changes import workspaces

        workspaces.register()

        from changes import approvals_nav, dashboard
        from servicedesk.dashboard import register_panel

        approvals_nav.register()
        register_panel(dashboard.PANEL)
