"""Major incidents on the ticket page: declare one, hand it over to another manager, link
tickets to it (by number, by search, from the suggestions, or one click on a new ticket's
page) and take them off, its outage window and its public update log. htmx gets the part
that changed; a plain POST is redirected to the ticket with a message, or gets the page
again with the errors next to the fields (422). The rules are incidents/services/major.py's."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from incidents import rules, services
from incidents.access import get_incident_for
from incidents.exceptions import StaleTicket
from incidents.forms_major import (
    DeclareMajorForm,
    LinkChildrenForm,
    MajorUpdateForm,
    ManagerForm,
    OutageForm,
)
from incidents.models import Incident
from incidents.views.major_panel import major_context
from incidents.views.ticket import _ticket_changed, page_context
from servicedesk.access import agent_required, staff_required
from servicedesk.action_views import focus
from servicedesk.forms import apply_service_errors, rebase
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int
from servicedesk.people import display_name

PANEL = "incidents/_major_panel.html"


def _check_coordinates(request: AuthenticatedHttpRequest, incident: Incident) -> None:
    if not rules.coordinates_major(incident, request.user):
        raise PermissionDenied


def _major_for(request: AuthenticatedHttpRequest, number: str) -> Incident:
    """The major incident with this number, else 404 (a ticket that is not major has no
    major incident panel)."""
    incident = get_incident_for(request.user, number)
    if not incident.is_major:
        raise Http404
    return incident


def _panel(
    request: AuthenticatedHttpRequest, incident: Incident, *, status: int = 200, **panel: Any
) -> HttpResponse:
    """The major incident panel (htmx), or the ticket page with it (a plain request)."""
    if request.htmx:
        context = {"incident": incident, **major_context(request, incident, **panel)}
        return render(request, PANEL, context, status=status)
    context = page_context(request, incident, major=panel)
    return render(request, "incidents/detail.html", context, status=status)


def _changed(
    request: AuthenticatedHttpRequest, incident: Incident, text: str, *, error: bool = False
) -> HttpResponse:
    """After a change (or a refusal): the panel saying so (htmx; 422 for a refusal), or
    back to the ticket with a message."""
    if not request.htmx:
        (messages.error if error else messages.success)(request, text)
        return redirect("incidents:detail", number=incident.number)
    incident = get_incident_for(request.user, incident.number)
    return _panel(request, incident, status=422 if error else 200, notice=text, notice_error=error)


# ----- declaring ----------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@staff_required
def declare(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """GET: the form in the ticket's action panel; POST: declare the major incident."""
    incident = get_incident_for(request.user, number)
    if not rules.may_declare_major(request.user):
        raise PermissionDenied
    if request.method == "GET":
        initial = {"version": incident.version, "manager": request.user.pk}
        return _declare_form(request, incident, DeclareMajorForm(initial=initial, record=incident))
    form = DeclareMajorForm(request.POST, record=incident)
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_declare_major(
                incident=incident,
                manager=data["manager"],
                outage_started_at=data["outage_started_at"],
                reason=data["reason"],
                actor=request.user,
                expected_version=data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleTicket:
            incident = get_incident_for(request.user, number)
            form = rebase(DeclareMajorForm, request.POST, incident)
            form.add_error(None, StaleTicket.message)
        else:
            if not request.htmx:
                messages.success(
                    request,
                    _("%(number)s is a major incident.") % {"number": incident.number},
                )
            return _ticket_changed(request, incident)
    return _declare_form(request, incident, form, status=422)


def _declare_form(
    request: AuthenticatedHttpRequest, incident: Incident, form: DeclareMajorForm, status=200
) -> HttpResponse:
    focus(form)
    if request.htmx:
        context = {"incident": incident, "open_action": None, "declare_form": form}
        response = render(request, "incidents/detail.html#action_panel", context, status=status)
        return retarget(response, "#action-panel")
    context = page_context(request, incident, declare_form=form)
    return render(request, "incidents/detail.html", context, status=status)


@require_POST
@staff_required
def manager(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Hand the major incident over to another major incident manager."""
    incident = _major_for(request, number)
    _check_coordinates(request, incident)
    form = ManagerForm(request.POST, record=incident)
    if form.is_valid():
        chosen = form.cleaned_data["manager"]
        try:
            incident = services.incident_name_major_manager(
                incident=incident,
                manager=chosen,
                actor=request.user,
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleTicket:
            incident = _major_for(request, number)
            form = rebase(ManagerForm, request.POST, incident)
            form.add_error(None, StaleTicket.message)
        else:
            text = _("%(name)s manages the major incident now.") % {"name": display_name(chosen)}
            return _changed(request, incident, text)
    return _panel(request, incident, status=422, manager_form=form)


# ----- children -----------------------------------------------------------------------------


@require_POST
@staff_required
def link(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Link the tickets whose numbers were typed (or chosen from the suggestions or a
    search)."""
    parent = _major_for(request, number)
    if not rules.may_link_children(request.user):
        raise PermissionDenied
    form = LinkChildrenForm(request.POST)
    if form.is_valid():
        try:
            linked = services.incident_link_children(
                parent=parent, children=form.cleaned_data["numbers"], actor=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            numbers = ", ".join(t.number for t in linked)
            text = (
                _("Linked: %(numbers)s.") % {"numbers": numbers}
                if linked
                else _("These tickets are linked already.")
            )
            return _changed(request, parent, text)
    return _panel(request, parent, status=422, link_form=form)


@require_POST
@staff_required
def unlink(request: AuthenticatedHttpRequest, number: str, child: str) -> HttpResponse:
    """Take a ticket off the major incident; from the child's own page (`back=child`) the
    answer is that ticket again."""
    parent = _major_for(request, number)
    if not rules.coordinates_major(parent, request.user):
        raise PermissionDenied
    found = parent.children.filter(number=child.upper()).first()
    if found is None:
        raise Http404
    from_child = request.POST.get("back") == "child"
    try:
        services.incident_unlink_child(parent=parent, child=found, actor=request.user)
    except ValidationError as error:
        text = " ".join(error.messages)
        if from_child:
            messages.error(request, text)
            return redirect("incidents:detail", number=found.number)
        return _changed(request, parent, text, error=True)
    text = _("%(child)s is no longer part of %(parent)s.") % {
        "child": found.number,
        "parent": parent.number,
    }
    if from_child:
        if not request.htmx:
            messages.success(request, text)
        return _ticket_changed(request, get_incident_for(request.user, found.number))
    return _changed(request, parent, text)


@require_POST
@staff_required
def join(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """One click on a new ticket's page: link it to the open major incident proposed for
    its service (`parent`: that incident's number)."""
    child = get_incident_for(request.user, number)
    if not rules.may_link_children(request.user):
        raise PermissionDenied
    parent = get_incident_for(request.user, request.POST.get("parent", "") or "-")
    try:
        services.incident_link_child(parent=parent, child=child, actor=request.user)
    except ValidationError as error:
        text = " ".join(error.messages)
        if not request.htmx:
            messages.error(request, text)
            return redirect("incidents:detail", number=child.number)
        child = get_incident_for(request.user, number)
        context = page_context(request, child, major_error=text)
        return render(request, "incidents/detail.html#ticket", context, status=422)
    if not request.htmx:
        messages.success(
            request,
            _("%(child)s is part of %(parent)s now.")
            % {"child": child.number, "parent": parent.number},
        )
    return _ticket_changed(request, get_incident_for(request.user, number))


@require_GET
@agent_required
def candidates(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Tickets matching `q` (number or title) that may be linked: the search list (htmx)
    or the ticket page with it (a plain visit)."""
    parent = _major_for(request, number)
    query = request.GET.get("q", "").strip()
    if request.htmx:
        context = {
            "incident": parent,
            **major_context(request, parent, query=query),
        }
        return render(request, f"{PANEL}#candidates", context)
    return _panel(request, parent, query=query)


# ----- the outage and the update log --------------------------------------------------------


@require_POST
@staff_required
def outage(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Correct the outage window."""
    incident = _major_for(request, number)
    _check_coordinates(request, incident)
    form = OutageForm(request.POST, record=incident)
    if form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_set_outage(
                incident=incident,
                started_at=data["outage_started_at"],
                ended_at=data["outage_ended_at"],
                actor=request.user,
                expected_version=data["version"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleTicket:
            incident = _major_for(request, number)
            form = rebase(OutageForm, request.POST, incident)
            form.add_error(None, StaleTicket.message)
        else:
            return _changed(request, incident, _("The outage window is saved."))
    return _panel(request, incident, status=422, outage_form=form)


@require_POST
@staff_required
def end_outage(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The service is back: the outage ends now."""
    incident = _major_for(request, number)
    _check_coordinates(request, incident)
    try:
        incident = services.incident_end_outage(
            incident=incident,
            actor=request.user,
            expected_version=parse_int(request.POST.get("version")),
        )
    except ValidationError as error:
        return _changed(request, incident, " ".join(error.messages), error=True)
    except StaleTicket:
        return _changed(request, incident, str(StaleTicket.message), error=True)
    return _changed(request, incident, _("The outage has ended."))


@require_POST
@staff_required
def post_update(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Post a public update; every affected contact gets it by mail once."""
    incident = _major_for(request, number)
    _check_coordinates(request, incident)
    form = MajorUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.major_post_update(
                incident=incident, text=form.cleaned_data["text"], actor=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _changed(
                request, incident, _("Update posted: every affected contact gets it by mail.")
            )
    return _panel(request, incident, status=422, update_form=form)
