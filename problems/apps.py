from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = _("Problems")

    def ready(self) -> None:
        from problems import receivers  # noqa: F401  (connects the signal receivers)

        self.register_integration()

    def register_integration(self) -> None:
        """On other apps' pages and in the API: the ticket and article panels, the mail
        to contacts when a problem is resolved, and the problems' API router."""
        from problems import api, notifications, panels

        panels.register()
        notifications.register_events()
        api.register()
