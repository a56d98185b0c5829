"""The ticket page: details, the actions this user may take, comments, timeline."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget, trigger_client_event

from incidents import rules, services, sla
from incidents.access import get_incident_for
from incidents.actions import ACTIONS
from incidents.exceptions import StaleTicket
from incidents.forms import ClassifyForm, CommentForm
from incidents.models import Incident
from incidents.timeline import timeline_for
from incidents.views.major_panel import major_context
from servicedesk.access import agent_required, staff_required
from servicedesk.action_views import run_action
from servicedesk.actions import RecordAction
from servicedesk.forms import VersionedForm, apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.notifications import notifications_for
from servicedesk.parsing import parse_int
from servicedesk.roles import is_agent


def _sla_context(incident) -> dict:
    sla.load_policy(incident)
    clock = sla.clock_for(incident, sla.ledger(incident))
    return {"clock": clock, "countdowns": sla.countdowns(incident, clock)}


def page_context(
    request: AuthenticatedHttpRequest, incident, *, major: dict | None = None, **extra
):
    """Everything the ticket page shows; `major` overrides parts of the major incident
    panel (views/major_panel.py), `extra` anything else."""
    context = {
        **_sla_context(incident),
        "incident": incident,
        "actions": ACTIONS.for_user(incident, request.user),
        "timeline": timeline_for(incident),
        "comment_form": CommentForm() if rules.can_comment(incident, request.user) else None,
        # The classification form is drawn only when opened (classify_form below).
        "may_classify": is_agent(request.user),
        "classify_form": None,
        "attachments": incident.attachments.select_related("uploaded_by"),
        "notifications": notifications_for(incident),
        "duplicates": incident.duplicates.only("pk", "number", "status").order_by("pk"),
        "open_action": None,
        "action_form": None,
        "declare_form": None,
        **major_context(request, incident, **(major or {})),
    }
    context.update(extra)
    return context


def _classify_form(incident, data=None):
    return ClassifyForm(
        data,
        organisation_id=incident.organisation_id,
        initial={
            "version": incident.version,
            "kind": incident.kind,
            "category": incident.category,
            "service": incident.service_id,
            "configuration_item": incident.configuration_item_id,
            "urgency": incident.urgency,
            "impact": incident.impact,
        },
    )


def _ticket_changed(request: AuthenticatedHttpRequest, incident) -> HttpResponse:
    """After a change: the whole ticket re-rendered in place (htmx) or a redirect."""
    if not request.htmx:
        return redirect("incidents:detail", number=incident.number)
    response = render(request, "incidents/detail.html#ticket", page_context(request, incident))
    return trigger_client_event(response, "ticketChanged", {"number": incident.number})


@require_GET
@staff_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    return render(request, "incidents/detail.html", page_context(request, incident))


@staff_required
def action(request: AuthenticatedHttpRequest, number: str, key: str) -> HttpResponse:
    """GET shows the action's form inline; POST performs it (`TicketAction.run` calls
    the action's service; servicedesk.action_views.run_action has the flow)."""
    incident = get_incident_for(request.user, number)
    chosen = ACTIONS.named(key)
    if chosen is None:
        raise Http404
    if chosen not in ACTIONS.for_user(incident, request.user):
        raise PermissionDenied
    return run_action(
        request,
        record=incident,
        chosen=chosen,
        reload=lambda: get_incident_for(request.user, number),
        stale_error=StaleTicket,
        show=lambda record, form, status: _show_action_form(
            request, record, chosen, form, status=status
        ),
        changed=lambda record: _ticket_changed(request, record),
    )


def _show_action_form(
    request: AuthenticatedHttpRequest,
    incident: Incident,
    chosen: RecordAction[Incident],
    form: VersionedForm[Incident],
    status: int = 200,
) -> HttpResponse:
    """htmx gets the panel alone; a plain request gets the whole page with it open."""
    if request.htmx:
        context = {"incident": incident, "open_action": chosen, "action_form": form}
        response = render(request, "incidents/detail.html#action_panel", context, status=status)
        return retarget(response, "#action-panel")
    context = page_context(request, incident, open_action=chosen, action_form=form)
    return render(request, "incidents/detail.html", context, status=status)


@require_GET
@agent_required
def classify_form(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The classification form, drawn only when it is opened (its selects of services
    and configuration items were a fifth of the ticket page's time): htmx gets the form
    alone, into the opened box, with focus on its first field; without JavaScript the
    box's link opens the whole page with the form."""
    incident = get_incident_for(request.user, number)
    form = _classify_form(incident)
    if request.htmx:
        first = next(iter(form.visible_fields()), None)
        if first is not None:
            first.field.widget.attrs["data-focus-after-swap"] = True
        context = {"incident": incident, "classify_form": form}
        return render(request, "incidents/detail.html#classify_form", context)
    context = page_context(request, incident, classify_form=form)
    return render(request, "incidents/detail.html", context)


@require_POST
@agent_required
def classify(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    form = _classify_form(incident, request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            incident = services.incident_classify(
                incident=incident, actor=request.user, expected_version=version, **data
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleTicket:
            form.add_error(None, StaleTicket.message)
        else:
            return _ticket_changed(request, incident)
    context = page_context(request, incident, classify_form=form)
    if request.htmx:
        response = render(request, "incidents/detail.html#classify", context, status=422)
        return retarget(response, "#classify")
    return render(request, "incidents/detail.html", context, status=422)


@require_POST
@agent_required
def confirm_urgency(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    try:
        incident = services.incident_confirm_urgency(
            incident=incident,
            actor=request.user,
            expected_version=parse_int(request.POST.get("version")),
        )
    except StaleTicket:
        messages.error(request, StaleTicket.message)
        incident = get_incident_for(request.user, number)
    return _ticket_changed(request, incident)


@require_POST
@staff_required
def comment(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    form = CommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.incident_add_comment(
                incident=incident,
                actor=request.user,
                body=form.cleaned_data["body"],
                is_public=form.cleaned_data["is_public"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if not request.htmx:
                return redirect("incidents:detail", number=incident.number)
            incident = get_incident_for(request.user, number)
            return render(request, "incidents/detail.html#ticket", page_context(request, incident))
    context = page_context(request, incident, comment_form=form)
    if request.htmx:
        response = render(request, "incidents/detail.html#comment_form", context, status=422)
        return retarget(response, "#comment-form")
    return render(request, "incidents/detail.html", context, status=422)


@require_GET
@staff_required
def sla_panel(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """The SLA box, polled by the ticket page so its countdown stays current."""
    incident = get_incident_for(request.user, number)
    context = {"incident": incident, **_sla_context(incident)}
    return render(request, "incidents/detail.html#sla_panel", context)
