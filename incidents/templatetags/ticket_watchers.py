"""{% ticket_watchers_panel incident %}: the ticket page's followers box
(templates/incidents/_watchers_panel.html)."""

from django import template

from incidents import rules
from incidents.watchers import watchers_for
from servicedesk.http import AuthenticatedHttpRequest

register = template.Library()


@register.inclusion_tag("incidents/_watchers_panel.html", takes_context=True)
def ticket_watchers_panel(context, incident) -> dict:
    return watchers_panel_context(context["request"], incident)


def watchers_panel_context(request: AuthenticatedHttpRequest, incident) -> dict:
    """The followers (one query) and whether this user follows or may follow."""
    watches = list(watchers_for(incident))
    following = any(watch.user_id == request.user.pk for watch in watches)
    may_follow = rules.may_follow(incident, request.user) and not incident.is_final
    return {
        "incident": incident,
        "watches": watches,
        "following": following,
        "may_follow": may_follow,
        "request": request,
    }
