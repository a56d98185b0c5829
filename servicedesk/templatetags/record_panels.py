"""{% record_panels "incidents.ticket" incident %}: the panels later apps registered for
a slot of this record's page (servicedesk/panels.py)."""

from typing import Any

from django import template
from django.utils.safestring import SafeString

from servicedesk import panels

register = template.Library()


@register.simple_tag(takes_context=True)
def record_panels(context: template.Context, slot: str, record: Any) -> SafeString:
    request = context.get("request")
    if request is None:  # rendered without a request (a mail, a test): no one to ask for
        return SafeString("")
    return panels.render_panels(slot, request, record)
