from django import template

from servicedesk.people import display_name

register = template.Library()


@register.filter
def person(user) -> str:
    """{{ ticket.assignee|person }}: the full name ("" for no one)."""
    return "" if user is None or user == "" else display_name(user)
