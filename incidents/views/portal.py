"""The customer portal. A contact sees their organisation's tickets, raises incidents and
requests through the service catalogue, answers support, asks for a higher urgency, and
confirms or rejects a resolution. Every view starts from the contact behind the login
(staff and other users get 403) and reads tickets through get_incident_for, so another
organisation's ticket is a 404. Contacts who are not authorised to open tickets may read
but change nothing."""

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_fsm import TransitionNotAllowed

from incidents import services
from incidents.access import get_incident_for
from incidents.exceptions import StaleTicket
from incidents.forms import apply_service_errors
from incidents.intake.idempotency import form_submission
from incidents.major import banner_for_ticket, banners_for
from incidents.models import OPEN_STATUSES, Channel, Incident, Kind, SatisfactionRating, Status
from incidents.portal_forms import (
    PortalCommentForm,
    RaiseForm,
    RatingForm,
    RejectForm,
    UrgencyRequestForm,
)
from incidents.timeline import timeline_for
from servicedesk.dates import LocalDates
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import Contact, Service, Urgency
from servicedesk.parsing import parse_int
from servicedesk.roles import contact_of

PAGE = 25
#: Tickets waiting for the contact's answer: a question from support, or a resolution
#: to confirm or reject.
WAITING_STATUSES = [Status.INFORMATION_NEEDED, Status.COMPLETED]
#: "Open" for a customer includes Completed: those wait for their answer.
STATES = {
    "open": [*OPEN_STATUSES, Status.COMPLETED],
    "waiting": WAITING_STATUSES,
    "closed": [Status.CLOSED],
    "all": None,
}
#: The banner counts up to this many exactly, then says "More than 100".
WAITING_CAP = 100

STATUS_HELP = {
    Status.REGISTERED: gettext_lazy("We have received your ticket and will look at it shortly."),
    Status.ASSIGNED: gettext_lazy("A support team has taken on your ticket."),
    Status.IN_PROGRESS: gettext_lazy("We are working on it."),
    Status.INFORMATION_NEEDED: gettext_lazy(
        "We need information from you: please answer below. Work goes on as soon as you reply."
    ),
    Status.EXTERNAL_PROCESSING: gettext_lazy(
        "We are waiting for a third party, such as a vendor or carrier, to do their part."
    ),
    Status.COMPLETED: gettext_lazy(
        "We believe this is solved. Please confirm it, or tell us what is still wrong."
    ),
    Status.REJECTED_BY_USER: gettext_lazy(
        "You told us it is not solved yet: we are working on it again."
    ),
    Status.CLOSED: gettext_lazy(
        "This ticket is closed. If you need more help, please raise a new ticket."
    ),
}


# ----- who is asking --------------------------------------------------------------------------


def _contact(request: AuthenticatedHttpRequest) -> Contact:
    """The contact behind this login; anyone else (staff included) gets 403."""
    contact = contact_of(request.user)
    if contact is None:
        raise PermissionDenied
    return contact


def _ticket(request: AuthenticatedHttpRequest, number: str) -> tuple[Contact, Incident]:
    contact = _contact(request)
    return contact, get_incident_for(request.user, number)


def _require_may_act(contact: Contact) -> None:
    if not contact.may_raise:
        raise PermissionDenied(_("You are not authorised to open or change tickets."))


def _services_for(contact: Contact) -> QuerySet[Service]:
    """The catalogue this contact may raise tickets for."""
    catalogue = Service.objects.filter(is_active=True, is_requestable=True)
    allowed = contact.allowed_services.all()
    if allowed.exists():
        catalogue = catalogue.filter(pk__in=allowed.values("pk"))
    return catalogue


# ----- the list of the organisation's tickets ---------------------------------------------------


@require_GET
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The organisation's tickets, newest first, in pages of PAGE (keyset on id: no count
    over the organisation's tickets, and the same queries for page 1 and page 100)."""
    contact = _contact(request)
    state = request.GET.get("state", "open")
    if state not in STATES:
        state = "open"
    rows = Incident.objects.filter(organisation_id=contact.organisation_id)
    statuses = STATES[state]
    if statuses is not None:
        rows = rows.filter(status__in=statuses)
    after = parse_int(request.GET.get("after"))
    if after:
        rows = rows.filter(pk__lt=after)
    tickets = list(_listed(rows).order_by("-pk")[: PAGE + 1])
    next_after = tickets[PAGE - 1].pk if len(tickets) > PAGE else None
    tickets = tickets[:PAGE]
    _prepare_rows(tickets)
    context = {
        "contact": contact,
        "tickets": tickets,
        "state": state,
        "next_after": next_after,
    }
    if request.htmx and after:
        return render(request, "incidents/portal/home.html#rows", context)
    waiting = (
        Incident.objects.filter(
            organisation_id=contact.organisation_id, status__in=WAITING_STATUSES
        )
        .order_by()[: WAITING_CAP + 1]
        .count()
    )
    context.update(waiting=min(waiting, WAITING_CAP), waiting_capped=waiting > WAITING_CAP)
    return render(request, "incidents/portal/home.html", context)


def _listed(rows: QuerySet[Incident]) -> QuerySet[Incident]:
    """What a row of the list reads: its own columns (not the description) and the
    names of its contact and service, joined into the same query."""
    # (A dict: the names are declared on Incident, which django-stubs takes for a clash.)
    names = {"contact_name": F("contact__name"), "service_name": F("service__name")}
    return rows.only("number", "title", "status", "kind", "service", "registered_at").annotate(
        **names
    )


#: What templates/incidents/portal/_ticket_row.html prints of a ticket: its cache key.
ROW_SHOWN = (
    "url",
    "number",
    "title",
    "status",
    "status_label",
    "kind_label",
    "service_name",
    "raised",
)


def _prepare_rows(tickets: list[Incident]) -> None:
    """Give each row what _ticket_row.html prints (`url`, `status_label`, `kind_label`,
    `raised`), the labels and wording looked up once for the page, not per row, and
    all of it as its cache key (`fragment_key`, servicedesk.fragments)."""
    statuses = {value: str(label) for value, label in Status.choices}
    kinds = {value: str(label) for value, label in Kind.choices}
    raised = _("raised by %(name)s on %(date)s")
    dates = LocalDates()
    tickets_url = reverse("portal:ticket", args=["X"])[:-2]
    for ticket in tickets:
        ticket.url = f"{tickets_url}{ticket.number}/"
        ticket.status_label = statuses.get(ticket.status) or ticket.status
        ticket.kind_label = kinds.get(ticket.kind) or ticket.kind
        # As {% blocktranslate %} writes it: the values escaped, the wording as translated.
        ticket.raised = mark_safe(  # (the values escaped, the wording the translators')
            raised
            % {
                "name": conditional_escape(ticket.contact_name),
                "date": conditional_escape(dates.format(ticket.registered_at, "d M Y")),
            }
        )
        ticket.fragment_key = tuple(getattr(ticket, name) for name in ROW_SHOWN)


# ----- the service catalogue and raising a ticket --------------------------------------------


def home_banners(request: HttpRequest, contact: Contact) -> dict | None:
    """The portal home's disruption banners (registered in incidents/workspaces.py)."""
    banners = banners_for(contact)
    return {"banners": banners} if banners else None


@require_GET
def catalogue(request: AuthenticatedHttpRequest) -> HttpResponse:
    contact = _contact(request)
    banners = banners_for(contact)
    context = {
        "contact": contact,
        "services": list(_services_for(contact)),
        "kinds": contact.raisable_kinds,
        "banners": banners,
        "disrupted": {b.service_id for b in banners},
    }
    return render(request, "incidents/portal/catalogue.html", context)


@require_http_methods(["GET", "POST"])
def raise_ticket(request: AuthenticatedHttpRequest, service_id: int) -> HttpResponse:
    """The service's own request form. A contact who is not authorised is told so (and
    what they post is refused)."""
    contact = _contact(request)
    service = get_object_or_404(_services_for(contact), pk=service_id)
    context: dict[str, object] = {
        "contact": contact,
        "service": service,
        "form": None,
        "banners": banners_for(contact, service_id=service.pk),
    }
    if not contact.may_raise:
        if request.method == "POST":
            raise PermissionDenied
        return render(request, "incidents/portal/raise.html", context, status=403)
    if request.method == "GET":
        initial = {}
        if request.GET.get("kind") in contact.raisable_kinds:
            initial["kind"] = request.GET["kind"]
        context["form"] = RaiseForm(initial=initial, contact=contact, service=service)
        return render(request, "incidents/portal/raise.html", context)
    form = RaiseForm(request.POST, request.FILES, contact=contact, service=service)
    if form.is_valid():
        data = form.cleaned_data
        submission = form_submission(request.user, data["submission"])
        try:
            incident = services.incident_register(
                contact=contact,
                actor=request.user,
                channel=Channel.PORTAL,
                kind=data["kind"],
                title=data["title"],
                description=data["description"],
                service=service,
                urgency=data["urgency"],
                form_answers=form.form_answers(),
                submission=submission,
                attachments=data["files"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            text = _("Thank you. Your ticket %(number)s has been registered.")
            if submission is not None and submission.replayed:
                text = _("You had sent this form already: it is ticket %(number)s.")
            messages.success(request, text % {"number": incident.number})
            return redirect("portal:ticket", number=incident.number)
    context["form"] = form
    return render(request, "incidents/portal/raise.html", context, status=422)


# ----- one ticket ------------------------------------------------------------------------------


def _ticket_context(contact: Contact, incident: Incident, **forms) -> dict:
    may_act = contact.may_raise
    is_open = incident.is_open
    rating = (
        SatisfactionRating.objects.filter(incident=incident).first()
        if incident.status == Status.CLOSED
        else None
    )
    context = {
        "contact": contact,
        "incident": incident,
        "status_help": STATUS_HELP.get(incident.status, ""),
        "timeline": timeline_for(incident, public_only=True),
        "may_act": may_act,
        "rating": rating,
        "auto_close_days": settings.AUTO_CLOSE_AFTER_DAYS,
        # Files that came with the ticket (raised with it, or an email's attachments).
        "files": list(incident.attachments.filter(comment__isnull=True).order_by("pk")),
        "comment_form": PortalCommentForm() if may_act and not incident.is_final else None,
        "urgency_form": (
            UrgencyRequestForm(incident=incident)
            if may_act and is_open and incident.urgency > Urgency.VERY_HIGH
            else None
        ),
        "reject_form": RejectForm() if may_act and incident.awaits_confirmation else None,
        "rating_form": (
            RatingForm() if may_act and incident.status == Status.CLOSED and not rating else None
        ),
        "notice": "",
        "notice_level": "success",
        "major_banners": [b for b in [banner_for_ticket(incident)] if b is not None],
    }
    context.update(forms)
    return context


def _show(
    request: AuthenticatedHttpRequest, contact, incident, *, status=200, **extra
) -> HttpResponse:
    context = _ticket_context(contact, incident, **extra)
    template = "incidents/portal/ticket.html"
    if request.htmx:
        template += "#ticket"
    return render(request, template, context, status=status)


def _done(request: AuthenticatedHttpRequest, number: str, text: str) -> HttpResponse:
    """After a change: the ticket again, in place (htmx) or by redirect."""
    if not request.htmx:
        messages.success(request, text)
        return redirect("portal:ticket", number=number)
    contact, incident = _ticket(request, number)
    return _show(request, contact, incident, notice=text)


def _refused(request: AuthenticatedHttpRequest, contact, incident, text: str) -> HttpResponse:
    """The step is not possible (any more): say so on the ticket."""
    if not request.htmx:
        messages.error(request, text)
        return redirect("portal:ticket", number=incident.number)
    incident = get_incident_for(request.user, incident.number)
    return _show(request, contact, incident, status=422, notice=text, notice_level="error")


_MOVED_ON = gettext_lazy("The ticket has changed in the meantime. Please look and try again.")


@require_GET
def ticket(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    return _show(request, contact, incident)


@require_POST
def comment(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    _require_may_act(contact)
    form = PortalCommentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.incident_add_comment(
                incident=incident,
                actor=request.user,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except (TransitionNotAllowed, StaleTicket):
            return _refused(request, contact, incident, str(_MOVED_ON))
        else:
            return _done(request, number, _("Thank you: your message was added."))
    return _show(request, contact, incident, status=422, comment_form=form)


@require_POST
def request_urgency(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    _require_may_act(contact)
    form = UrgencyRequestForm(request.POST, incident=incident)
    if form.is_valid():
        try:
            services.incident_request_urgency(
                incident=incident,
                urgency=form.cleaned_data["urgency"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            return _done(
                request,
                number,
                _("We have your request; support will confirm the new urgency with you."),
            )
    return _show(request, contact, incident, status=422, urgency_form=form)


@require_POST
def confirm(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    _require_may_act(contact)
    try:
        services.incident_confirm(incident=incident, actor=request.user)
    except TransitionNotAllowed as error:
        return _refused(request, contact, incident, str(error))
    except StaleTicket:
        return _refused(request, contact, incident, str(_MOVED_ON))
    return _done(request, number, _("Thank you for confirming. The ticket is now closed."))


@require_POST
def reject(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    _require_may_act(contact)
    form = RejectForm(request.POST)
    if form.is_valid():
        try:
            services.incident_reject_resolution(
                incident=incident, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        except TransitionNotAllowed as error:
            return _refused(request, contact, incident, str(error))
        except StaleTicket:
            return _refused(request, contact, incident, str(_MOVED_ON))
        else:
            return _done(request, number, _("Thank you. We are looking at it again."))
    return _show(request, contact, incident, status=422, reject_form=form)


@require_POST
def rate(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    contact, incident = _ticket(request, number)
    _require_may_act(contact)
    form = RatingForm(request.POST)
    if form.is_valid():
        try:
            services.incident_rate(
                incident=incident,
                score=form.cleaned_data["score"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                return _refused(request, contact, incident, " ".join(error.messages))
            apply_service_errors(form, error)
        else:
            return _done(request, number, _("Thank you for your rating."))
    return _show(request, contact, incident, status=422, rating_form=form)
