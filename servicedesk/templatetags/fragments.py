from collections.abc import Sequence
from typing import Any

from django import template
from django.utils.safestring import SafeString

from servicedesk.fragments import Keyed, render_rows

register = template.Library()


@register.simple_tag(name="cached_rows")
def cached_rows(rows: Sequence[Keyed], template_name: str, **extra: Any) -> SafeString:
    """`{% cached_rows rows "app/_row.html" flag=value %}`: each row drawn by the template
    (as `t`, with the flags), kept in the cache by what it shows (servicedesk.fragments)."""
    return render_rows(rows, template_name, extra)
