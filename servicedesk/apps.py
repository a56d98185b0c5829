from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    def ready(self) -> None:
        # Failed logins counted and cleared (signal receivers); deploy checks.
        from django.contrib.auth.signals import user_logged_in

        from servicedesk import checks, login_throttle, sla_calendars  # noqa: F401
        from servicedesk.language import remember_contact_login

        sla_calendars.connect()

        user_logged_in.connect(remember_contact_login, dispatch_uid="servicedesk.language")
        _register_search(self)


def _register_search(config: AppConfig) -> None:
    """The search's own kinds, its portal page, and its full-text indexes made after
    every migrate (servicedesk/search/fulltext.py says why then)."""
    from django.db.models.signals import post_migrate

    from servicedesk import portal
    from servicedesk.search import directory
    from servicedesk.workspaces import CONTACT, NavEntry, register_workspace

    directory.register()
    portal.register_pages("servicedesk.search.portal_urls")
    # The portal namespace is the core's own (servicedesk/portal.py); this page too.
    search_page = f"{portal.NAMESPACE}:search"
    register_workspace(CONTACT, nav=[NavEntry(search_page, _("Search"), weight=50)])
    post_migrate.connect(_ensure_search_indexes, dispatch_uid="servicedesk.search")


def _ensure_search_indexes(sender, using="default", **kwargs) -> None:
    from django.db import connections

    from servicedesk.search.fulltext import ensure_indexes

    if sender.name == "servicedesk":
        ensure_indexes(connections[using])
