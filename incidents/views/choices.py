"""Dependent select lists the action forms refresh by htmx."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from incidents.forms import group_members
from servicedesk.access import agent_required
from servicedesk.models import SupportGroup
from servicedesk.parsing import parse_int


@require_GET
@agent_required
def assignees(request: HttpRequest) -> HttpResponse:
    """The members of the chosen support group (`group` or `to_group`), by name."""
    group_id = parse_int(request.GET.get("group") or request.GET.get("to_group"))
    group = None
    if group_id is not None:
        group = SupportGroup.objects.filter(pk=group_id, is_active=True).first()
    people = group_members(group) if group is not None else []
    return render(request, "incidents/detail.html#assignee_options", {"people": people})
