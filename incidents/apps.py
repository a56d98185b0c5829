from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Incidents and requests")

    def ready(self) -> None:
        from incidents import (
            api,
            bulk_actions,
            major_notifications,
            notifications,
            receivers,  # noqa: F401  (connects the signal receivers)
            record_panels,
            search_kinds,
            staff_notifications,
            workspaces,
        )
        from incidents.dashboard import knowledge_panel
        from incidents.sla_report import mail as sla_report_mail
        from servicedesk.dashboard import register_panel
        from servicedesk.search import register_kind

        notifications.register_events()
        major_notifications.register_events()
        staff_notifications.register_events()
        sla_report_mail.register_events()
        workspaces.register()
        api.register()
        bulk_actions.register()
        register_panel(knowledge_panel.PANEL)
        record_panels.register()  # tickets on the organisation and CI pages
        register_kind(search_kinds.TICKET_KIND)
