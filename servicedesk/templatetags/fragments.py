from collections.abc import Sequence
from typing import Any

from django import forms, template
from django.utils.safestring import SafeString

from servicedesk.fragments import Keyed, render_form, render_rows

register = template.Library()


@register.simple_tag(name="cached_rows")
def cached_rows(rows: Sequence[Keyed], template_name: str, **extra: Any) -> SafeString:
    """`{% cached_rows rows "app/_row.html" flag=value %}`: each row drawn by the template
    (as `t`, with the flags), kept in the cache by what it shows (servicedesk.fragments)."""
    return render_rows(rows, template_name, extra)


@register.simple_tag(name="cached_form")
def cached_form(form: forms.Form, template_name: str) -> SafeString:
    """`{% cached_form form "app/_fields.html" %}`: the form's fields drawn by the template
    (as `form`), kept in the cache by their data, errors and choices."""
    return render_form(form, template_name)
