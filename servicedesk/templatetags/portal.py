"""{% home_panels contact %}: the panels the apps registered for the portal home
(servicedesk/portal.py), for the page that is the contacts' home.
{% service_notices contact service %}: the notices the apps registered for a service
(planned maintenance), wherever the portal shows the service."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from servicedesk import portal

register = template.Library()


@register.simple_tag(takes_context=True)
def home_panels(context: template.Context, contact) -> SafeString | str:
    panels = portal.render_home_panels(context["request"], contact)
    return format_html('<div class="portal-panels">{}</div>', panels) if panels else ""


@register.simple_tag(takes_context=True)
def service_notices(context: template.Context, contact, service) -> SafeString | str:
    request = context.get("request")
    if request is None or contact is None or service is None:
        return ""
    return portal.render_service_notices(request, contact, service.pk)
