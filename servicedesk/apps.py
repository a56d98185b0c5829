from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # Counts failed logins and clears the count on success (signal receivers).
        from servicedesk import login_throttle  # noqa: F401
