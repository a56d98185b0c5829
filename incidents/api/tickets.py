"""Tickets over the API: list, detail, create, comment.

Who may do what follows the desk's own rules (servicedesk/roles.py, incidents/rules.py):
- a contact's token sees its organisation's tickets only (anything else is 404), opens
  tickets for its contact (channel *portal*, as if typed in the portal: a high urgency
  stays unconfirmed until an agent confirms it) and comments publicly;
- an agent's token (L1, L2, L3, service desk manager) sees every ticket, opens tickets
  for any authorised contact (channel *agent*) and comments publicly or internally;
- any other staff token (problem, change, knowledge managers, CAB members) reads only.
"""

import re
from dataclasses import dataclass
from typing import cast

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.errors import HttpError

from incidents import services
from incidents.access import get_incident_for
from incidents.api.schemas import (
    CommentIn,
    CommentOut,
    TicketDetailOut,
    TicketFilters,
    TicketIn,
    TicketPage,
)
from incidents.intake.idempotency import KEY_MAX_LENGTH, KeyReused, SubmissionKey, fingerprint
from incidents.models import Channel, Comment, Incident
from incidents.watchers import watchers_for
from servicedesk.api import ErrorOut
from servicedesk.api_auth import ApiTokenAuth, Principal
from servicedesk.models import (
    ConfigurationItem,
    Contact,
    Organisation,
    Priority,
    Service,
    SupportGroup,
)
from servicedesk.people import name_from
from servicedesk.related import related_value
from servicedesk.roles import is_agent

router = Router(tags=["tickets"], auth=ApiTokenAuth())
User = get_user_model()

NUMBER = re.compile(r"^(INC|REQ)-[0-9]{1,12}$", re.IGNORECASE)


def _name(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.get_username()


@dataclass(frozen=True)
class _Names:
    """The names a ticket's JSON gives of its related records."""

    organisation: str
    contact: str
    service: str | None
    group: str | None
    assignee: str | None


def _names_of(incident: Incident) -> _Names:
    """One ticket, loaded with its relations (get_incident_for)."""
    return _Names(
        organisation=incident.organisation.name,
        contact=incident.contact.name,
        service=incident.service.name if incident.service is not None else None,
        group=incident.support_group.name if incident.support_group is not None else None,
        assignee=_name(incident.assignee) if incident.assignee_id else None,
    )


def listed(tickets: QuerySet[Incident]) -> QuerySet[Incident]:
    """A list's tickets with what their JSON shows: their own columns but the long texts,
    and the related records' names and the major incident's number, each read by a
    subquery (servicedesk.related: joining the six tables cost 9.5 ms of planning at
    200,000 tickets, subqueries 0.3 ms)."""
    # (A dict: the names are declared on Incident, which django-stubs takes for a clash.)
    names = {
        "parent_number": related_value(Incident, "parent_id", "number"),
        "parent_organisation_id": related_value(Incident, "parent_id", "organisation_id"),
        "organisation_name": related_value(Organisation, "organisation_id"),
        "contact_name": related_value(Contact, "contact_id"),
        "service_name": related_value(Service, "service_id"),
        "group_name": related_value(SupportGroup, "support_group_id"),
        "assignee_first_name": related_value(User, "assignee_id", "first_name"),
        "assignee_last_name": related_value(User, "assignee_id", "last_name"),
        "assignee_username": related_value(User, "assignee_id", "username"),
    }
    return tickets.defer("description", "form_answers").annotate(**names)


def _names_listed(incident: Incident) -> _Names:
    """A list row (listed())."""
    return _Names(
        organisation=incident.organisation_name,
        contact=incident.contact_name,
        service=incident.service_name,
        group=incident.group_name,
        assignee=(
            name_from(
                incident.assignee_first_name or "",
                incident.assignee_last_name or "",
                incident.assignee_username or "",
            )
            if incident.assignee_id
            else None
        ),
    )


def _ticket(
    incident: Incident,
    principal: Principal,
    names: _Names | None = None,
    priority_labels: dict[int, str] | None = None,
) -> dict:
    """A ticket's JSON; a list passes each row's `names` (from listed()) and the
    priority labels it looked up once."""
    staff = not principal.is_contact
    names = names or _names_of(incident)
    priority_label = (
        priority_labels.get(incident.priority) if priority_labels is not None else None
    ) or incident.get_priority_display()
    return {
        "number": incident.number,
        "kind": incident.kind,
        "title": incident.title,
        "status": incident.status,
        "priority": incident.priority,
        "priority_label": priority_label,
        "urgency": incident.urgency,
        "urgency_confirmed": incident.urgency_confirmed,
        "impact": incident.impact,
        "category": incident.category,
        "channel": incident.channel,
        "organisation": {"id": incident.organisation_id, "name": names.organisation},
        "contact": {"id": incident.contact_id, "name": names.contact},
        "service": (
            {"id": incident.service_id, "name": names.service}
            if incident.service_id is not None
            else None
        ),
        "support_group": names.group if staff else None,
        "assignee": names.assignee if staff else None,
        "closure_code": incident.closure_code,
        "registered_at": incident.registered_at,
        "updated_at": incident.updated_at,
        "first_response_at": incident.first_response_at,
        "resolved_at": incident.resolved_at,
        "closed_at": incident.closed_at,
        "response_due_at": incident.response_due_at,
        "resolution_due_at": incident.resolution_due_at,
        "is_major": incident.is_major,
        "parent": _parent_number(incident, principal),
        "outage_started_at": incident.outage_started_at,
        "outage_ended_at": incident.outage_ended_at,
    }


def _parent_number(incident: Incident, principal: Principal) -> str | None:
    """The number of the major incident the ticket is part of; a contact sees it only
    when the major incident is its own organisation's (as in the portal)."""
    if incident.parent_id is None:
        return None
    number: str | None = getattr(incident, "parent_number", None)
    if number is not None:  # a list row (listed)
        organisation_id = getattr(incident, "parent_organisation_id", None)
    else:  # one ticket, loaded with its parent (get_incident_for)
        parent = cast(Incident, incident.parent)
        number, organisation_id = parent.number, parent.organisation_id
    if principal.contact is not None and organisation_id != principal.contact.organisation_id:
        return None
    return number


def _comment(comment: Comment) -> dict:
    return {
        "id": comment.pk,
        "body": comment.body,
        "is_public": comment.is_public,
        "author": _name(comment.author),
        "created_at": comment.created_at,
    }


def _detail(incident: Incident, principal: Principal) -> dict:
    comments = incident.comments.select_related("author")
    if principal.is_contact:
        comments = comments.filter(is_public=True)
    followers = []
    if not principal.is_contact:
        followers = [_name(watch.user) for watch in watchers_for(incident)]
    return {
        **_ticket(incident, principal),
        "description": incident.description,
        "comments": [_comment(c) for c in comments],
        "followers": followers,
    }


def _get(principal: Principal, number: str) -> Incident:
    """The ticket if this token may see it; 404 for anything else, malformed or not."""
    if not NUMBER.match(number):
        raise Http404
    return get_incident_for(principal.user, number)


def _require_agent_or_contact(principal: Principal) -> None:
    if not principal.is_contact and not is_agent(principal.user):
        raise HttpError(403, _("This token may read tickets but not change them."))


@router.get("/tickets", response={200: TicketPage}, summary="List tickets")
def list_tickets(request, filters: Query[TicketFilters]):
    """Newest first, `limit` per page (at most 200); follow `next_cursor` for more.
    Contacts' tokens list their organisation's tickets only."""
    principal: Principal = request.auth
    tickets = listed(Incident.objects.visible_to(principal.user))
    if filters.status:
        tickets = tickets.filter(status__in=filters.status)
    if filters.kind:
        tickets = tickets.filter(kind=filters.kind)
    if filters.priority:
        tickets = tickets.filter(priority=filters.priority)
    if filters.organisation:
        tickets = tickets.filter(organisation_id=filters.organisation)
    if filters.updated_since:
        tickets = tickets.filter(updated_at__gte=filters.updated_since)
    if filters.cursor:
        tickets = tickets.filter(pk__lt=filters.cursor)
    rows = list(tickets.order_by("-pk")[: filters.limit + 1])
    more = len(rows) > filters.limit
    rows = rows[: filters.limit]
    labels = {value: str(label) for value, label in Priority.choices}
    return {
        "items": [_ticket(t, principal, _names_listed(t), labels) for t in rows],
        "next_cursor": rows[-1].pk if more else None,
    }


@router.get("/tickets/{number}", response={200: TicketDetailOut, 404: ErrorOut}, summary="A ticket")
def get_ticket(request, number: str):
    """The ticket with its comments (contacts: public comments only)."""
    principal: Principal = request.auth
    return _detail(_get(principal, number), principal)


@router.post(
    "/tickets",
    response={200: TicketDetailOut, 201: TicketDetailOut, 403: ErrorOut, 409: ErrorOut},
    summary="Open a ticket",
)
def create_ticket(request, payload: TicketIn, response: HttpResponse):
    """Contacts open tickets for themselves (channel portal); agents for any authorised
    contact (channel agent, `contact` required). Other staff tokens get 403.

    Send an `Idempotency-Key` header (up to 255 characters) to make retries safe: the
    same key with the same token and body answers 200 with the ticket it made first
    (header `Idempotent-Replayed: true`); the same key with another body is a 409."""
    principal: Principal = request.auth
    _require_agent_or_contact(principal)
    submission = _submission_key(request, principal, payload)
    contact: Contact | None
    if principal.contact is not None:
        contact = principal.contact
        if payload.contact not in (None, contact.pk):
            raise _invalid("contact", _("A contact's token opens tickets for that contact only."))
        if not contact.may_raise:
            raise HttpError(403, _("This contact is not authorised to open tickets."))
        channel = Channel.PORTAL
    else:
        if payload.contact is None:
            raise _invalid("contact", _("Name the contact the ticket is for."))
        contact = Contact.objects.filter(pk=payload.contact).first()
        if contact is None:
            raise _invalid("contact", _("No such contact."))
        channel = Channel.AGENT
    service = None
    if payload.service is not None:
        service = Service.objects.filter(pk=payload.service, is_active=True).first()
        if service is None:
            raise _invalid("service", _("No such service."))
    configuration_item = None
    if payload.configuration_item is not None:
        items = ConfigurationItem.objects.filter(pk=payload.configuration_item, is_active=True)
        if principal.is_contact:
            # A contact may name shared infrastructure or its own organisation's items.
            items = items.filter(
                Q(organisation__isnull=True) | Q(organisation_id=contact.organisation_id)
            )
        configuration_item = items.select_related("service").first()
        if configuration_item is None:
            raise _invalid("configuration_item", _("No such configuration item."))
    try:
        incident = services.incident_register(
            contact=contact,
            title=payload.title,
            actor=principal.user,
            channel=channel,
            kind=payload.kind,
            description=payload.description,
            category=payload.category,
            service=service,
            configuration_item=configuration_item,
            urgency=payload.urgency,
            submission=submission,
        )
    except KeyReused:
        raise HttpError(409, _("This Idempotency-Key was used for another request.")) from None
    body = _detail(get_incident_for(principal.user, incident.number), principal)
    if submission is not None and submission.replayed:
        response["Idempotent-Replayed"] = "true"
        return Status(200, body)
    return Status(201, body)


def _submission_key(request, principal: Principal, payload: TicketIn) -> SubmissionKey | None:
    """The request's Idempotency-Key, scoped to its token (None without the header)."""
    key = request.headers.get("Idempotency-Key")
    if key is None:
        return None
    key = key.strip()
    if not key or len(key) > KEY_MAX_LENGTH:
        raise HttpError(
            400,
            _("An Idempotency-Key has 1 to %(max)s characters.") % {"max": KEY_MAX_LENGTH},
        )
    return SubmissionKey(
        scope=f"api-token:{principal.token.pk}",
        key=key,
        digest=fingerprint(payload.dict()),
    )


@router.post(
    "/tickets/{number}/comments",
    response={201: CommentOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Comment on a ticket",
)
def comment_ticket(request, number: str, payload: CommentIn):
    """Contacts' comments are public (and answer an Information needed ticket); agents
    choose with `is_public`. Closed tickets take no comments (400)."""
    principal: Principal = request.auth
    incident = _get(principal, number)
    _require_agent_or_contact(principal)
    comment = services.incident_add_comment(
        incident=incident, body=payload.body, actor=principal.user, is_public=payload.is_public
    )
    return Status(201, _comment(comment))


def _invalid(field: str, message: str) -> ValidationError:
    """A 400 naming the field (the API's handler turns it into {"errors": {field: …}})."""
    return ValidationError({field: message})
