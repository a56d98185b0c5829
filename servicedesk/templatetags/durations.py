from datetime import timedelta

from django import template

from servicedesk.durations import format_minutes

register = template.Library()


@register.filter
def hours_minutes(value: timedelta | None) -> str:
    """A duration as "220 h", "2 h 15 min" or "40 min" (whole minutes, rounded down)."""
    if value is None:
        return ""
    return format_minutes(int(value.total_seconds() // 60))
