"""Editing a change's plan, in the panel under the header, while changes.rules.may_edit
allows it (the requester's draft; the change manager until the CAB looks at it)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from changes import rules, services
from changes.access import get_change_for, reader_required
from changes.exceptions import StaleChange
from changes.forms import ChangeEditForm
from changes.models import ChangeRequest
from changes.views.actions import show_panel
from changes.views.page import change_changed
from servicedesk.action_views import Panel, focus
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest

EDIT_TITLE = gettext_lazy("Edit the plan")


@require_http_methods(["GET", "POST"])
@reader_required
def edit(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """GET opens the edit form; POST saves what changed (changes.services.change_update)."""
    change = get_change_for(request.user, number)
    if not rules.may_edit(change, request.user):
        raise PermissionDenied(_("The plan of this change can no longer be edited by you."))
    if request.method == "GET":
        form = ChangeEditForm(initial=ChangeEditForm.initial_for(change), record=change)
        return show_panel(request, change, _edit_panel(change, form))
    form = _bound(request, change)
    if form.is_valid():
        try:
            changes = form.changes()
            if changes:
                change = services.change_update(
                    change=change,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **changes,
                )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleChange:
            change = get_change_for(request.user, number)
            form = _bound(request, change, version=change.version)
            form.is_valid()
            form.add_error(None, StaleChange.message)
        else:
            if not request.htmx:
                messages.success(request, _("The plan is saved."))
            return change_changed(request, change)
    return show_panel(request, change, _edit_panel(change, form), status=422)


def _bound(
    request: AuthenticatedHttpRequest, change: ChangeRequest, *, version: int | None = None
) -> ChangeEditForm:
    """The form as sent; with `version`, on top of the current version (a stale edit)."""
    data = request.POST.copy()
    if version is not None:
        data["version"] = str(version)
    return ChangeEditForm(data, initial=ChangeEditForm.initial_for(change), record=change)


def _edit_panel(change: ChangeRequest, form: ChangeEditForm) -> Panel:
    url = reverse("changes:edit", args=[change.number])
    focus(form)
    return Panel("edit", EDIT_TITLE, url, form)
