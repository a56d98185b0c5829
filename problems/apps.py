from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProblemsConfig(AppConfig):
    name = "problems"
    verbose_name = _("Problems")

    def ready(self) -> None:
        from problems import integration, search_kind, workspaces

        workspaces.register()
        search_kind.register()
        integration.register()  # ticket and article panels, resolved-problem mail, API
