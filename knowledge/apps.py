from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "knowledge"
    verbose_name = _("Knowledge base")

    def ready(self) -> None:
        from knowledge import receivers  # noqa: F401  (keeps the search index in step)
        from knowledge.portal import register as register_portal_pages

        register_portal_pages()
