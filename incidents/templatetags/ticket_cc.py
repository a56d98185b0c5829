"""{% ticket_cc_panel incident %}: the ticket page's CC box (templates/incidents/_cc_panel.html)."""

from django import template

from incidents.cc import cc_for
from incidents.forms_cc import CcForm
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.roles import is_agent

register = template.Library()


@register.inclusion_tag("incidents/_cc_panel.html", takes_context=True)
def ticket_cc_panel(context, incident, form=None) -> dict:
    return cc_panel_context(context["request"], incident, form)


def cc_panel_context(request: AuthenticatedHttpRequest, incident, form=None) -> dict:
    may_edit = is_agent(request.user) and not incident.is_final
    if may_edit and form is None:
        form = CcForm(incident=incident)
    return {
        "incident": incident,
        "cc_entries": cc_for(incident),
        "cc_form": form if may_edit else None,
        "request": request,
    }
