from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents and requests")

    def ready(self) -> None:
        from incidents import receivers  # noqa: F401  (connects the signal receivers)
