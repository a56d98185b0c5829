"""L1's email quarantine: mail no rule could place (unknown senders, spoofed replies, the
loop guard, unreadable messages) waits here until an L1 agent or the service desk
manager accepts it as a ticket for a contact, adds it to a ticket, or discards it.
Automatic and refused mail can be looked at here too."""

from dataclasses import dataclass

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from incidents import rules, services
from incidents.access import get_incident_for
from incidents.intake import mime
from incidents.intake.forms import AcceptForm, AddToTicketForm, DiscardForm
from incidents.intake.models import InboundEmail, InboundStatus
from servicedesk.access import role_required, staff_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import Contact
from servicedesk.pagination import PAGE_SIZE, capped_count
from servicedesk.parsing import parse_int


@dataclass(frozen=True)
class Tab:
    key: str
    status: str
    label: str | Promise


TABS = [
    Tab("quarantined", InboundStatus.QUARANTINED, gettext_lazy("Quarantined")),
    Tab("automatic", InboundStatus.IGNORED_AUTO, gettext_lazy("Automatic")),
    Tab("refused", InboundStatus.REJECTED, gettext_lazy("Refused")),
]


#: L1 agents and the service desk manager; everyone else gets 403.
quarantine_required = role_required(rules.works_quarantine)


@require_GET
@quarantine_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    tab = next((t for t in TABS if t.key == request.GET.get("show")), TABS[0])
    rows_query = InboundEmail.objects.filter(status=tab.status).for_list().order_by("-pk")
    after = parse_int(request.GET.get("after"))
    if after is not None:
        rows_query = rows_query.filter(pk__lt=after)
    rows = list(rows_query[: PAGE_SIZE + 1])
    next_cursor = rows[PAGE_SIZE - 1].pk if len(rows) > PAGE_SIZE else None
    context = {
        "tab": tab,
        "tabs": [
            capped_count(InboundEmail.objects.filter(status=t.status), key=t.key, label=t.label)
            for t in TABS
        ],
        "rows": rows[:PAGE_SIZE],
        "next_cursor": next_cursor,
    }
    if request.htmx and after:
        return render(request, "incidents/quarantine.html#more_rows", context)
    return render(request, "incidents/quarantine.html", context)


@require_GET
@quarantine_required
def detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _show(request, _get(pk))


@require_POST
@quarantine_required
def accept(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    email = _get(pk)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            data = form.cleaned_data
            creating = data["create_contact"]
            incident = services.inbound_email_accept(
                inbound=email,
                contact=None if creating else data["contact"],
                new_contact_of=data["new_contact_organisation"] if creating else None,
                new_contact_name=data["new_contact_name"],
                actor=request.user,
                kind=data["kind"],
                title=data["title"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Registered as %(number)s.") % {"number": incident.number})
            return redirect("incidents:detail", number=incident.number)
    return _show(request, email, accept_form=form, status=422)


@require_POST
@quarantine_required
def add_to_ticket(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    email = _get(pk)
    form = AddToTicketForm(request.POST)
    if form.is_valid():
        try:
            services.inbound_email_add_to_ticket(
                inbound=email,
                incident=form.incident,
                actor=request.user,
                is_public=form.cleaned_data["is_public"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Added to %(number)s.") % {"number": form.incident.number})
            return redirect("incidents:detail", number=form.incident.number)
    return _show(request, email, add_form=form, status=422)


@require_POST
@quarantine_required
def discard(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    email = _get(pk)
    form = DiscardForm(request.POST)
    if form.is_valid():
        try:
            services.inbound_email_discard(
                inbound=email, actor=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("The message was discarded."))
            return redirect("incidents:quarantine")
    return _show(request, email, discard_form=form, status=422)


@require_GET
@staff_required
def source_email(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponseBase:
    """The stored message a ticket was made from or given (.eml), for staff who may see
    the ticket."""
    incident = get_incident_for(request.user, number)
    email = get_object_or_404(InboundEmail, pk=pk, incident=incident)
    return _download_original(email)


@require_GET
@quarantine_required
def attachment(request: AuthenticatedHttpRequest, pk: int, index: int) -> HttpResponse:
    """One attachment of a stored message, always as a download (nothing runs here)."""
    attachments = _parse(_get(pk)).attachments
    if index >= len(attachments) or attachments[index].data is None:
        raise Http404
    item = attachments[index]
    response = HttpResponse(item.data, content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, item.name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
@quarantine_required
def original(request: AuthenticatedHttpRequest, pk: int) -> FileResponse:
    """The message exactly as it arrived (.eml), as a download."""
    return _download_original(_get(pk))


def _download_original(email: InboundEmail) -> FileResponse:
    if not email.raw:
        raise Http404
    response = FileResponse(
        email.raw.open("rb"), as_attachment=True, filename=f"message-{email.pk}.eml"
    )
    response["Content-Type"] = "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _get(pk: int) -> InboundEmail:
    return get_object_or_404(
        InboundEmail.objects.select_related("incident", "mailbox", "handled_by"), pk=pk
    )


def _parse(email: InboundEmail) -> mime.ParsedEmail:
    raw = b""
    if email.raw:
        try:
            with email.raw.open("rb") as handle:
                raw = handle.read()
        except OSError:
            raw = b""
    # Everything stored may be downloaded here; what a ticket keeps is checked on accept.
    return mime.parse(raw, attachment_max_bytes=settings.EMAIL_MAX_MESSAGE_BYTES)


def _show(
    request,
    email: InboundEmail,
    *,
    accept_form=None,
    add_form=None,
    discard_form=None,
    status: int = 200,
) -> HttpResponse:
    accept_form = accept_form or AcceptForm(
        initial={
            "title": " ".join(email.subject.split())[:200],
            "new_contact_name": email.from_name,
        }
    )
    chosen = parse_int(accept_form["contact"].value())
    contact = None
    if chosen is not None:
        contact = Contact.objects.select_related("organisation").filter(pk=chosen).first()
    senders = []
    if email.from_address:
        senders = list(
            Contact.objects.filter(email__iexact=email.from_address, is_active=True)
            .select_related("organisation")
            .order_by("organisation__name", "name")[:10]
        )
    forms = [accept_form, add_form, discard_form]
    context = {
        "email": email,
        # Shown even when the message was handled meanwhile (the forms are gone then).
        "forms_with_errors": [f for f in forms if f is not None and f.non_field_errors()],
        "attachments": list(enumerate(_parse(email).attachments)),
        "attachment_limit": settings.ATTACHMENT_MAX_BYTES,
        "accept_form": accept_form,
        "add_form": add_form or AddToTicketForm(),
        "discard_form": discard_form or DiscardForm(),
        "contact": contact,
        "contacts": senders,
        "query": "",
    }
    return render(request, "incidents/quarantine_detail.html", context, status=status)
