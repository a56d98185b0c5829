from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChangesConfig(AppConfig):
    name = "changes"
    verbose_name = _("Changes")

    def ready(self) -> None:
        from changes import approvals_nav, integration

        approvals_nav.register()
        integration.register()  # panels, notifications, portal maintenance, API
