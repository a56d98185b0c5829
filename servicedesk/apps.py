from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # Failed logins counted and cleared (signal receivers); deploy checks.
        from django.contrib.auth.signals import user_logged_in

        from servicedesk import checks, login_throttle  # noqa: F401
        from servicedesk.language import remember_contact_login

        user_logged_in.connect(remember_contact_login, dispatch_uid="servicedesk.language")
