"""Adding and removing CC contacts on a ticket (the panel on the ticket page, and a page of
its own for browsers without JavaScript)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from incidents import cc
from incidents.access import get_incident_for
from incidents.forms_cc import CcForm
from incidents.templatetags.ticket_cc import cc_panel_context
from servicedesk.access import staff_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.roles import is_agent


def _panel(request: AuthenticatedHttpRequest, incident, form=None, status=200) -> HttpResponse:
    context = cc_panel_context(request, incident, form)
    if request.htmx:
        return render(request, "incidents/_cc_panel.html", context, status=status)
    return render(request, "incidents/cc.html", context, status=status)


def _done(request: AuthenticatedHttpRequest, incident, message: str) -> HttpResponse:
    if request.htmx:
        return _panel(request, incident)
    messages.success(request, message)
    return redirect("incidents:detail", number=incident.number)


@require_http_methods(["GET", "POST"])
@staff_required
def cc_view(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    if request.method == "GET":
        return _panel(request, incident)
    if not is_agent(request.user):
        raise PermissionDenied
    form = CcForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            entry = cc.incident_cc_add(
                incident=incident, contact=form.cleaned_data["contact"], actor=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _done(request, incident, _("%(name)s is copied.") % {"name": entry.contact.name})
    return _panel(request, incident, form, status=422)


@require_POST
@staff_required
def cc_remove(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    try:
        cc.incident_cc_remove(incident=incident, entry_id=pk, actor=request.user)
    except ValidationError as error:
        if request.htmx:
            form = CcForm(incident=incident)
            apply_service_errors(form, error)
            return _panel(request, incident, form, status=422)
        messages.error(request, " ".join(error.messages))
        return redirect("incidents:cc", number=incident.number)
    return _done(request, incident, _("Removed from CC."))
