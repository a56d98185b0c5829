"""{% change_article change %}: the change page's knowledge article section — the article
written from the review, or for the change manager the button that writes it
(changes/views/article.py)."""

from typing import Any

from django import template

from changes.models import ChangeRequest
from changes.services.knowledge import may_write_article

register = template.Library()


@register.inclusion_tag("changes/_write_article.html", takes_context=True)
def change_article(context: template.Context, change: ChangeRequest) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    return {
        "change": change,
        "may_write_article": user is not None and may_write_article(change, user),
        "csrf_token": context.get("csrf_token"),
    }
