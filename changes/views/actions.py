"""A lifecycle step taken from the change's page: the button opens the step's form in
the panel under the header (htmx; a plain GET shows the whole page with it open), or,
for a step that needs nothing, takes it at once. The form's POST takes the step
(`ChangeAction.run` calls its service; servicedesk.action_views.run_action has the flow)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.http import retarget

from changes.access import get_change_for, reader_required
from changes.actions import ACTIONS
from changes.exceptions import StaleChange
from changes.models import ChangeRequest
from changes.views.page import change_changed, page_context
from servicedesk.action_views import Panel, focus, run_action
from servicedesk.actions import RecordAction
from servicedesk.forms import VersionedForm
from servicedesk.http import AuthenticatedHttpRequest


@reader_required
def action(request: AuthenticatedHttpRequest, number: str, key: str) -> HttpResponse:
    """GET shows the step's form inline; POST takes the step."""
    change = get_change_for(request.user, number)
    chosen = ACTIONS.named(key)
    if chosen is None:
        raise Http404
    if chosen not in ACTIONS.for_user(change, request.user):
        raise PermissionDenied(
            _("You may not do this with %(number)s while it is %(status)s.")
            % {"number": change.number, "status": change.get_status_display().lower()}
        )
    return run_action(
        request,
        record=change,
        chosen=chosen,
        reload=lambda: get_change_for(request.user, number),
        stale_error=StaleChange,
        show=lambda record, form, status: show_panel(
            request, record, panel_for(record, chosen, form), status=status
        ),
        changed=lambda record: change_changed(request, record),
        message_on_htmx=False,
    )


def panel_for(
    change: ChangeRequest, chosen: RecordAction[ChangeRequest], form: VersionedForm[ChangeRequest]
) -> Panel:
    url = reverse("changes:action", args=[change.number, chosen.key])
    focus(form)
    return Panel(chosen.key, chosen.label, url, form, chosen.style or "primary")


def show_panel(
    request: AuthenticatedHttpRequest, change: ChangeRequest, panel: Panel, status: int = 200
) -> HttpResponse:
    """htmx gets the panel alone; a plain request gets the whole page with it open."""
    if request.htmx:
        context = {"change": change, "panel": panel}
        response = render(request, "changes/detail.html#action_panel", context, status=status)
        return retarget(response, "#action-panel")
    context = page_context(request, change, panel=panel)
    return render(request, "changes/detail.html", context, status=status)
