"""{% ticket_kb_panel incident %}: the ticket page's knowledge box
(templates/incidents/_kb_panel.html): the articles linked to the ticket, what matches it
(agents), and "Write a KB article" on a resolved ticket (staff who write articles)."""

from typing import Any

from django import template

from incidents import rules
from incidents.models import Incident
from incidents.selectors import article_links
from incidents.services.knowledge import WRITABLE_FROM
from knowledge import rules as kb_rules
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.roles import is_agent

register = template.Library()


@register.inclusion_tag("incidents/_kb_panel.html", takes_context=True)
def ticket_kb_panel(context: template.Context, incident: Incident) -> dict[str, Any]:
    return kb_panel_context(context["request"], incident)


def kb_panel_context(
    request: AuthenticatedHttpRequest,
    incident: Incident,
    *,
    notice: str = "",
    notice_error: bool = False,
) -> dict[str, Any]:
    user = request.user
    return {
        "incident": incident,
        "links": list(article_links(incident)),
        "may_link": is_agent(user),
        "may_paste": rules.can_comment(incident, user),
        "may_write": kb_rules.may_write(user) and incident.status in WRITABLE_FROM,
        "notice": notice,
        "notice_error": notice_error,
        "request": request,
    }
