from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from knowledge import (
            portal,
            receivers,  # noqa: F401  (keeps the search index in step)
            search_kind,
            workspaces,
        )

        workspaces.register()
        portal.register()
        search_kind.register()
