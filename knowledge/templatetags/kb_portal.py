"""{% kb_before_raising service text %}: the public articles that may answer a contact's
question, shown on a page where they are about to raise a ticket for `service` (the
articles that match `text`, the summary typed so far, or the service's most used ones),
each readable in place with a "did this answer your question?" button. The list follows
the summary as it is typed (htmx, debounced; the field is #id_title)."""

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from knowledge.selectors import public_suggestions
from knowledge.views.portal import SUGGESTED, suggestion_context
from servicedesk.models import Service

register = template.Library()


@register.simple_tag(takes_context=True)
def kb_before_raising(
    context: template.Context, service: Service, text: str | None = ""
) -> SafeString:
    text = text or ""
    hits = public_suggestions(text=text, service_id=service.pk, limit=SUGGESTED)
    suggestions = suggestion_context(hits, typed=bool(text.strip()))
    return render_to_string(
        "knowledge/portal/_deflection.html",
        {"service_id": service.pk, **suggestions},
        request=context["request"],
    )
