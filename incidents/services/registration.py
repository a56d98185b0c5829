"""Opening a ticket and classifying it: who may register for whom, the priority from
the matrix, the SLA clock started, and the classification support changes later."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from incidents import rules, sla
from incidents.intake.idempotency import SubmissionKey
from incidents.models import CUSTOMER_CHANNELS, Channel, Incident, Kind
from incidents.services._runner import lock_ticket, save_ticket
from incidents.services.comments import store_attachment, validate_upload
from incidents.signals import ticket_registered
from servicedesk.models import Contact, Impact, Priority, PriorityMatrixEntry, SlaPolicy, Urgency
from servicedesk.roles import contact_of, is_agent
from servicedesk.sanitise import clean_text
from servicedesk.workflow import copy_into, save_with_history

#: Channels whose intake code registers tickets with no acting user (actor=None).
SYSTEM_INTAKE_CHANNELS = {Channel.EMAIL, Channel.MONITORING}

CLASSIFICATION_FIELDS = [
    "kind",
    "category",
    "service",
    "configuration_item",
    "urgency",
    "impact",
    "priority",
    "urgency_confirmed",
    "requested_urgency",
    "version",
    "updated_at",
]


def priority_for(*, urgency: int, impact: int) -> int:
    return PriorityMatrixEntry.objects.priority_for(urgency, impact)


def incident_register(
    *,
    contact: Contact,
    title: str,
    actor,
    channel: str,
    kind: str = Kind.INCIDENT,
    description: str = "",
    category: str = "other",
    service=None,
    configuration_item=None,
    urgency: int = Urgency.MEDIUM,
    impact: int | None = None,
    form_answers: dict | None = None,
    notify_contact: bool = True,
    submission: SubmissionKey | None = None,
    attachments: Iterable[UploadedFile] = (),
) -> Incident:
    """Open a ticket for an authorised contact. Customer channels (portal, email) leave a
    high or very high urgency unconfirmed until an agent confirms it. A contact raising
    it themselves (the portal) is held to the services and kinds an admin allowed them;
    `form_answers` are the answers to the service's request form. `notify_contact=False`
    sends the contact no registration mail (a ticket made from an automatic message: no
    mail ever answers one, RFC 3834). With a `submission` key, the same key again (even
    racing) answers with the ticket it made first (incidents/intake/idempotency.py).
    `attachments` are stored with the ticket, in its transaction."""
    _check_may_register(contact=contact, actor=actor, channel=channel)
    uploads = list(attachments)
    for upload in uploads:
        validate_upload(upload)
    if configuration_item is not None and service is None:
        service = configuration_item.service
    _check_ci_belongs(
        service=service,
        configuration_item=configuration_item,
        organisation_id=contact.organisation_id,
    )
    if actor is not None and contact_of(actor) is not None:
        _check_contact_scope(contact=contact, kind=kind, service=service)
    impact = impact or Impact.LOW  # support sets the real impact on triage
    incident = Incident(
        kind=kind,
        title=title.strip(),
        description=clean_text(description),
        organisation_id=contact.organisation_id,
        contact=contact,
        channel=channel,
        category=category,
        service=service,
        configuration_item=configuration_item,
        urgency=urgency,
        impact=impact,
        priority=priority_for(urgency=urgency, impact=impact),
        urgency_confirmed=not (channel in CUSTOMER_CHANNELS and urgency <= Urgency.HIGH),
        form_answers=form_answers or {},
    )
    incident.sla_policy = SlaPolicy.for_organisation(contact.organisation)
    with transaction.atomic():
        if submission is not None and (first := submission.claim()) is not None:
            return first
        incident.assign_number()
        start_events = sla.record(incident, sla.events_for_start(incident))
        reason = _("Registered via %(channel)s") % {"channel": Channel(channel).label}
        save_with_history(incident, actor=actor, reason=reason)
        sla.persist(incident, start_events)
        for upload in uploads:
            store_attachment(incident, upload, actor)
        if submission is not None:
            submission.attach(incident)
        transaction.on_commit(
            lambda: ticket_registered.send(
                sender=Incident, incident=incident, actor=actor, notify_contact=notify_contact
            )
        )
    return incident


def _check_may_register(*, contact: Contact, actor, channel: str) -> None:
    if not contact.is_active or not contact.is_authorised:
        raise ValidationError(
            {"contact": _("%(name)s is not authorised to open tickets.") % {"name": contact.name}}
        )
    if not contact.organisation.is_active:
        raise ValidationError(
            {
                "contact": _("%(organisation)s is inactive: it cannot open tickets.")
                % {"organisation": contact.organisation.name}
            }
        )
    if actor is None:
        # Trusted intake code (an email from the contact's registered address, an alert
        # from a monitoring source with a valid token) registers on the system's behalf.
        if channel not in SYSTEM_INTAKE_CHANNELS:
            raise PermissionDenied(_("Only email and monitoring intake act without a user."))
        return
    if is_agent(actor):
        return
    own = contact_of(actor)
    if own is None or own.pk != contact.pk or channel not in CUSTOMER_CHANNELS:
        raise PermissionDenied(_("You may not open tickets for this contact."))


def _check_contact_scope(*, contact: Contact, kind: str, service) -> None:
    """What an admin allowed this contact to raise: kinds of ticket and services."""
    errors = {}
    if not contact.may_raise_kind(kind):
        errors["kind"] = _("You may not raise this kind of ticket.")
    if service is not None and not (service.is_active and service.is_requestable):
        errors["service"] = _("This service cannot be requested in the portal.")
    elif not contact.may_use_service(service):
        errors["service"] = _("You may not raise tickets for this service.")
    if errors:
        raise ValidationError(errors)


def _check_ci_belongs(*, service, configuration_item, organisation_id: int) -> None:
    """A ticket's CI belongs to its service and to its customer (or is shared: no
    organisation)."""
    if configuration_item is None:
        return
    if configuration_item.service_id != service.pk:
        raise ValidationError(
            {"configuration_item": _("This configuration item does not belong to the service.")}
        )
    if configuration_item.organisation_id not in (None, organisation_id):
        raise ValidationError(
            {"configuration_item": _("This configuration item belongs to another customer.")}
        )


def incident_classify(
    *,
    incident: Incident,
    actor,
    expected_version: int | None = None,
    reason: str = "",
    **changes,
) -> Incident:
    """Change kind, category, service, CI, urgency or impact; priority follows the matrix.
    An agent setting the urgency also confirms it."""
    allowed = {"kind", "category", "service", "configuration_item", "urgency", "impact"}
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot classify fields {sorted(unknown)}")
    if not rules.can_triage(incident, actor):
        raise PermissionDenied(_("Only support staff may classify tickets."))
    with transaction.atomic():
        fresh = lock_ticket(incident, expected_version)
        if fresh.is_final:
            raise ValidationError(_("A closed ticket can no longer be changed."))
        for field, value in changes.items():
            setattr(fresh, field, value)
        if "configuration_item" in changes and fresh.configuration_item and not fresh.service:
            fresh.service = fresh.configuration_item.service
        _check_ci_belongs(
            service=fresh.service,
            configuration_item=fresh.configuration_item,
            organisation_id=fresh.organisation_id,
        )
        if "urgency" in changes:
            fresh.urgency_confirmed = True
            fresh.requested_urgency = None  # support has decided on the contact's request
        before = (fresh.priority, fresh.kind, fresh.service_id)
        fresh.priority = priority_for(urgency=fresh.urgency, impact=fresh.impact)
        fresh.mark_first_response()
        events = []
        if (fresh.priority, fresh.kind, fresh.service_id) != before:
            note = _("priority %(old)s → %(new)s") % {
                "old": Priority(before[0]).label,
                "new": fresh.get_priority_display(),
            }
            events.append(sla.event_for_retarget(fresh, note))
        save_ticket(
            fresh,
            actor=actor,
            reason=reason or _("Classification changed"),
            fields=CLASSIFICATION_FIELDS,
            sla_events=events,
        )
    copy_into(incident, fresh)
    return fresh


def incident_confirm_urgency(*, incident: Incident, actor, expected_version=None) -> Incident:
    """The agent confirmed the stated urgency with the contact (usually by phone)."""
    return incident_classify(
        incident=incident,
        actor=actor,
        expected_version=expected_version,
        urgency=incident.urgency,
        reason=_("Urgency confirmed with the contact"),
    )
