"""The knowledge base in the customer portal: contacts search and read the published
public articles, say whether one answered their question, and see the most used ones on
the portal home. Registered with the core's portal registry (servicedesk.portal) from
KnowledgeConfig.ready()."""

from django.utils.translation import gettext_lazy as _

from servicedesk import portal
from servicedesk.workspaces import NavEntry

#: After "Our tickets", which incidents (installed later) registers.
HELP_ARTICLES = NavEntry("portal:kb", _("Help articles"), weight=10)


def register() -> None:
    from knowledge.views import portal as views

    portal.register_pages("knowledge.portal_urls", nav=[HELP_ARTICLES])
    portal.register_home_panel("knowledge/portal/_home_panel.html", views.home_panel)
