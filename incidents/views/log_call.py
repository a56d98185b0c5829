"""L1 logs a phone call: find the caller, describe, classify, register. When the chosen
service has an open major incident, the form proposes linking the new incident to it."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from django_htmx.http import trigger_client_event

from incidents import services
from incidents.forms import LogCallForm
from incidents.intake.idempotency import form_submission
from incidents.major import open_major_for_service
from incidents.models import Channel, Incident, Kind
from incidents.selectors import configuration_items_for
from incidents.views.knowledge import log_call_suggestions
from servicedesk.access import agent_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import Contact, Impact, Priority, Urgency
from servicedesk.parsing import parse_int

CONTACT_RESULTS = 10


@agent_required
def log_call(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = LogCallForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.incident_register(
                contact=data["contact"],
                actor=request.user,
                channel=Channel.PHONE,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                category=data["category"],
                service=data["service"],
                configuration_item=data["configuration_item"],
                urgency=data["urgency"],
                impact=data["impact"],
                submission=form_submission(request.user, data["submission"]),
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            if data["articles"]:
                services.incident_articles_link(
                    incident=incident, articles=data["articles"], actor=request.user
                )
            if data["link_major"] is not None:
                _link_to_major(request, incident, data["link_major"])
            return redirect("incidents:detail", number=incident.number)
    context = {
        "form": form,
        "contact": _chosen_contact(form),
        "priority": _priority_from(form),
        **_articles_beside(request, form),
        **_major_beside(form),
    }
    return render(request, "incidents/log_call.html", context, status=422 if form.errors else 200)


def _link_to_major(request: AuthenticatedHttpRequest, incident: Incident, major: Incident) -> None:
    """Link the new ticket to the major incident the agent ticked; the ticket stays
    registered whatever happens (the message says when it could not be linked)."""
    values = {"child": incident.number, "parent": major.number}
    try:
        services.incident_link_child(parent=major, child=incident, actor=request.user)
    except (ValidationError, PermissionDenied) as error:
        reason = " ".join(getattr(error, "messages", None) or [str(error)])
        messages.warning(
            request,
            _("%(child)s is registered but not linked to %(parent)s: %(reason)s")
            % {**values, "reason": reason},
        )
    else:
        messages.success(request, _("%(child)s is part of major incident %(parent)s.") % values)


def _major_beside(form: LogCallForm) -> dict:
    """The open major incident on the service chosen (for an incident), proposed for
    linking, and whether the agent ticked it."""
    return major_hint(
        service=form["service"].value(),
        kind=form["kind"].value(),
        ticked=form["link_major"].value(),
    )


def major_hint(*, service, kind, ticked) -> dict:
    major = None
    if kind in (None, "", Kind.INCIDENT):
        major = open_major_for_service(parse_int(service))
    return {
        "major_hint": major,
        "major_ticked": major is not None and str(ticked or "").upper() == major.number,
    }


def _articles_beside(request: AuthenticatedHttpRequest, form: LogCallForm) -> dict:
    """The knowledge articles beside the form, for what was sent (none on a new form)."""
    if not form.is_bound:
        return {"ticked": [], "hits": [], "typed": False}
    chosen = [parse_int(pk) for pk in form["articles"].value() or []]
    return log_call_suggestions(
        request,
        title=form["title"].value() or "",
        description=form["description"].value() or "",
        chosen=[pk for pk in chosen if pk],
    )


def _chosen_contact(form):
    contact_id = parse_int(form["contact"].value())
    if contact_id is None:
        return None
    return Contact.objects.select_related("organisation").filter(pk=contact_id).first()


def _priority_from(form) -> Priority:
    urgency = _choice(form["urgency"].value(), Urgency, Urgency.MEDIUM)
    impact = _choice(form["impact"].value(), Impact, Impact.LOW)
    return Priority(services.priority_for(urgency=urgency, impact=impact))


def _choice(value, enum, default):
    number = parse_int(value)
    return enum(number) if number in enum.values else default


@require_GET
@agent_required
def priority_preview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The priority the matrix gives for the chosen urgency and impact (HTMX)."""
    urgency = _choice(request.GET.get("urgency"), Urgency, Urgency.MEDIUM)
    impact = _choice(request.GET.get("impact"), Impact, Impact.LOW)
    priority = Priority(services.priority_for(urgency=urgency, impact=impact))
    return render(request, "incidents/log_call.html#priority", {"priority": priority})


@require_GET
@agent_required
def major_proposal(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The open major incident on the chosen service, with a box to link the new ticket
    to it (htmx, when the service or the kind changes); empty when there is none."""
    context = major_hint(
        service=request.GET.get("service"),
        kind=request.GET.get("kind"),
        ticked=request.GET.get("link_major"),
    )
    return render(request, "incidents/_log_call_major.html", context)


@require_GET
@agent_required
def contact_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a caller by contract number, organisation, name, email or phone."""
    query = request.GET.get("q", "").strip()
    contacts = []
    if len(query) >= 2:
        contacts = list(
            Contact.objects.filter(is_active=True)
            .filter(
                Q(name__icontains=query)
                | Q(email__icontains=query)
                | Q(phone__icontains=query)
                | Q(organisation__contract_number__iexact=query)
                | Q(organisation__name__icontains=query)
            )
            .select_related("organisation")
            .order_by("organisation__name", "name")[:CONTACT_RESULTS]
        )
    return render(
        request, "incidents/log_call.html#contact_results", {"contacts": contacts, "query": query}
    )


@require_GET
@agent_required
def contact_pick(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The chosen caller's card; the CI list then reloads for the caller's organisation."""
    contact = get_object_or_404(Contact.objects.select_related("organisation"), pk=pk)
    response = render(request, "incidents/log_call.html#contact_card", {"contact": contact})
    return trigger_client_event(response, "contactPicked", after="settle")


@require_GET
@agent_required
def configuration_items(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The CI choices for the chosen service and customer (htmx): the customer's own and
    shared items. The customer comes from the caller (`contact`) or the ticket's
    `organisation`; without one, only shared items are offered."""
    service = parse_int(request.GET.get("service"))
    organisation = parse_int(request.GET.get("organisation"))
    contact = parse_int(request.GET.get("contact"))
    if contact is not None:
        organisation = (
            Contact.objects.filter(pk=contact).values_list("organisation_id", flat=True).first()
        )
    items = configuration_items_for(organisation_id=organisation, service_id=service)
    if service is None:
        items = items.none()
    return render(request, "incidents/log_call.html#ci_options", {"items": items})
