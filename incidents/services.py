"""What can happen to a ticket. Every status change goes through here: a service
checks who is asking, locks the row, refuses stale edits, calls the model's
transition, saves, records actor and reason in the history, and queues side
effects for after the commit."""

import copy
from collections.abc import Callable, Iterable
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from incidents import rules, sla
from incidents.exceptions import StaleTicket
from incidents.intake import mime
from incidents.intake.idempotency import SubmissionKey
from incidents.models import (
    CUSTOMER_CHANNELS,
    INVALID_CLOSURE_CODES,
    Attachment,
    Channel,
    Comment,
    InboundEmail,
    Incident,
    Kind,
    SatisfactionRating,
    SlaEvent,
    Status,
)
from incidents.sanitise import clean_text
from incidents.signals import (
    sla_at_risk,
    sla_breached,
    sla_swept,
    ticket_commented,
    ticket_registered,
    ticket_status_changed,
    urgency_raise_requested,
)
from servicedesk.models import (
    Contact,
    Impact,
    Line,
    Organisation,
    Priority,
    PriorityMatrixEntry,
    SlaPolicy,
    SupportGroup,
    Urgency,
)
from servicedesk.people import display_name
from servicedesk.roles import contact_of, is_agent

#: Channels whose intake code registers tickets with no acting user (actor=None).
SYSTEM_INTAKE_CHANNELS = {Channel.EMAIL, Channel.MONITORING}

#: The fields a transition may touch; saved together with update_fields.
LIFECYCLE_FIELDS = [
    "status",
    "version",
    "updated_at",
    "support_group",
    "assignee",
    "closure_code",
    "third_party",
    "assigned_at",
    "first_response_at",
    "resolved_at",
    "closed_at",
]
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


# ----- registration and classification ------------------------------------------------


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
        incident._change_reason = _("Registered via %(channel)s") % {
            "channel": Channel(channel).label
        }
        _set_history_user(incident, actor)
        incident.save()
        sla.persist(incident, start_events)
        for upload in uploads:
            _store_attachment(incident, upload, actor)
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
        fresh = _lock(incident, expected_version)
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
        _save(fresh, actor, reason or _("Classification changed"), CLASSIFICATION_FIELDS, events)
    _copy_into(incident, fresh)
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


# ----- assignment -----------------------------------------------------------------------


def incident_assign(
    *,
    incident: Incident,
    group: SupportGroup,
    actor,
    assignee=None,
    reason: str = "",
    expected_version: int | None = None,
) -> Incident:
    """Give the ticket to a group (and a named member). A reassignment needs a reason."""
    _check_assignee(group=group, assignee=assignee)
    reason = reason.strip()

    def prepare(fresh: Incident) -> str:
        if fresh.support_group_id and not reason:
            raise ValidationError({"reason": _("Say why the ticket is reassigned.")})
        fresh.support_group = group
        fresh.assignee = assignee
        return reason or _("Assigned to %(group)s") % {"group": group.name}

    return _run_transition(
        incident,
        "assign",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_escalate(
    *,
    incident: Incident,
    to_group: SupportGroup,
    reason: str,
    actor,
    assignee=None,
    expected_version: int | None = None,
) -> Incident:
    """Hand the ticket to another support line, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ticket is escalated.")})
    _check_assignee(group=to_group, assignee=assignee)

    def prepare(fresh: Incident) -> str:
        current_line = fresh.support_group.line if fresh.support_group is not None else Line.L1
        if to_group.line == current_line:
            raise ValidationError(
                {"to_group": _("Escalation goes to another line; use Assign within the same line.")}
            )
        fresh.support_group = to_group
        fresh.assignee = assignee
        return _("Escalated from %(source)s to %(target)s: %(reason)s") % {
            "source": Line(current_line).label,
            "target": to_group.get_line_display(),
            "reason": reason,
        }

    return _run_transition(
        incident,
        "assign",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def _check_assignee(*, group: SupportGroup, assignee) -> None:
    if not group.is_active:
        raise ValidationError({"group": _("This support group is inactive.")})
    if assignee is not None and not group.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": _("%(user)s is not a member of %(group)s.")
                % {"user": display_name(assignee), "group": group.name}
            }
        )


# ----- working the ticket ------------------------------------------------------------------


def incident_start_work(*, incident: Incident, actor, expected_version=None) -> Incident:
    """The person who starts work becomes the assignee."""

    def prepare(fresh: Incident) -> None:
        if rules.works_on(fresh, actor):
            fresh.assignee = actor

    return _run_transition(
        incident,
        "start_work",
        actor=actor,
        reason=_("Work started"),
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_request_information(
    *, incident: Incident, comment: str, actor, expected_version=None
) -> Incident:
    """Ask the contact for what is missing; the question is a public comment."""
    comment = clean_text(comment)
    if not comment:
        raise ValidationError({"comment": _("Write what the contact needs to provide.")})

    def prepare(fresh: Incident) -> None:
        fresh.note_public_comment(comment)

    fresh = _run_transition(
        incident,
        "request_information",
        actor=actor,
        reason=comment,
        expected_version=expected_version,
        prepare=prepare,
        after=lambda t: _add_comment(t, body=comment, is_public=True, author=actor),
    )
    return fresh


def incident_engage_third_party(
    *, incident: Incident, third_party: str, actor, comment: str = "", expected_version=None
) -> Incident:
    third_party = third_party.strip()
    if not third_party:
        raise ValidationError({"third_party": _("Name the third party that is engaged.")})
    comment = clean_text(comment)

    def prepare(fresh: Incident) -> None:
        fresh.third_party = third_party

    reason = _("Handed to %(vendor)s") % {"vendor": third_party}
    if comment:
        reason = f"{reason}: {comment}"
    return _run_transition(
        incident,
        "engage_third_party",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_resume(*, incident: Incident, actor, comment: str = "", expected_version=None):
    comment = clean_text(comment)
    return _run_transition(
        incident,
        "resume",
        actor=actor,
        reason=comment or _("Work resumed"),
        expected_version=expected_version,
    )


def incident_complete(
    *, incident: Incident, closure_code: str, resolution: str, actor, expected_version=None
) -> Incident:
    """Work done: the resolution is a public comment the contact confirms or rejects."""
    resolution = clean_text(resolution)
    errors = {}
    if not closure_code:
        errors["closure_code"] = _("Choose a closure code.")
    if not resolution:
        errors["resolution"] = _("Describe the resolution for the contact.")
    if errors:
        raise ValidationError(errors)

    def prepare(fresh: Incident) -> None:
        fresh.closure_code = closure_code

    return _run_transition(
        incident,
        "complete",
        actor=actor,
        reason=resolution,
        expected_version=expected_version,
        prepare=prepare,
        after=lambda t: _add_comment(t, body=resolution, is_public=True, author=actor),
    )


def incident_complete_as_invalid(
    *, incident: Incident, closure_code: str, reason: str, actor, expected_version=None
) -> Incident:
    """Complete a ticket straight from triage because it is invalid, a duplicate, or not
    covered; the closure code says which."""
    reason = clean_text(reason)
    errors = {}
    if closure_code not in INVALID_CLOSURE_CODES:
        errors["closure_code"] = _("Choose invalid, duplicate or not covered.")
    if not reason:
        errors["reason"] = _("Explain to the contact why.")
    if errors:
        raise ValidationError(errors)

    def prepare(fresh: Incident) -> None:
        fresh.closure_code = closure_code

    return _run_transition(
        incident,
        "complete_as_invalid",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
        after=lambda t: _add_comment(t, body=reason, is_public=True, author=actor),
    )


def incident_confirm(
    *,
    incident: Incident,
    actor,
    on_behalf_of: Contact | None = None,
    expected_version=None,
) -> Incident:
    """The contact is satisfied: they confirm themselves, or an agent records the answer
    they gave by phone `on_behalf_of` them."""
    if on_behalf_of is not None:
        _check_speaks_for(incident, on_behalf_of)
        return _run_transition(
            incident,
            "confirm_on_behalf",
            actor=actor,
            reason=_("Confirmed by phone on behalf of %(contact)s")
            % {"contact": on_behalf_of.name},
            expected_version=expected_version,
        )
    return _run_transition(
        incident,
        "confirm",
        actor=actor,
        reason=_("Resolution confirmed"),
        expected_version=expected_version,
    )


def incident_reject_resolution(
    *,
    incident: Incident,
    reason: str,
    actor,
    on_behalf_of: Contact | None = None,
    expected_version=None,
) -> Incident:
    """The contact is not satisfied (themselves, or by phone `on_behalf_of` them): their
    words become a public comment and the ticket is reworked."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what is still wrong.")})
    name, speaker = "reject_resolution", None
    if on_behalf_of is not None:
        _check_speaks_for(incident, on_behalf_of)
        name, speaker = "reject_on_behalf", on_behalf_of
        reason = _("Rejected by phone on behalf of %(contact)s: %(reason)s") % {
            "contact": on_behalf_of.name,
            "reason": reason,
        }
    return _run_transition(
        incident,
        name,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        after=lambda t: _add_comment(
            t, body=reason, is_public=True, author=actor, author_contact=speaker
        ),
    )


def _check_speaks_for(incident: Incident, contact: Contact) -> None:
    """Only an active, authorised contact of the ticket's organisation decides on it."""
    if contact.organisation_id != incident.organisation_id or not contact.may_raise:
        raise ValidationError(
            {
                "on_behalf_of": _("%(name)s may not decide on this customer's tickets.")
                % {"name": contact.name}
            }
        )


def incident_auto_close(*, incident: Incident) -> Incident | None:
    """Close a Completed ticket on the system's behalf; a no-op if it moved on meanwhile."""
    with transaction.atomic():
        fresh = _lock(incident, None)
        if fresh.status != Status.COMPLETED:
            return None
        source = fresh.status
        fresh.auto_close()
        reason = _("Closed automatically: no answer from the contact")
        _save(fresh, None, reason, LIFECYCLE_FIELDS, [sla.event_for_status(fresh)])
        _announce(fresh, source=source, actor=None, reason=reason)
    _copy_into(incident, fresh)
    return fresh


# ----- comments and attachments ----------------------------------------------------------


def incident_add_comment(
    *,
    incident: Incident,
    body: str,
    actor,
    is_public: bool = False,
    files: Iterable[UploadedFile] = (),
) -> Comment:
    """A contact's comment is always public, and answers an Information needed ticket."""
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": _("Write a comment.")})
    if incident.is_final:
        raise ValidationError(_("The ticket is closed: further work needs a new ticket."))
    files = list(files)
    for upload in files:
        validate_upload(upload)
    contact = contact_of(actor)
    if contact is not None:
        if contact.organisation_id != incident.organisation_id:
            raise PermissionDenied
        if not contact.may_raise:
            raise PermissionDenied(_("You are not authorised to open or change tickets."))
        is_public = True
    elif not is_agent(actor):
        raise PermissionDenied(_("Only support staff and the customer may comment."))
    with transaction.atomic():
        comment = _add_comment(incident, body=body, is_public=is_public, author=actor)
        for upload in files:
            _store_attachment(incident, upload, actor, comment=comment)
        if contact is not None and incident.status == Status.INFORMATION_NEEDED:
            _run_transition(incident, "customer_replied", actor=actor, reason=body)
        elif contact is None and is_public and incident.first_response_at is None:
            _note_first_response(incident, actor=actor, at=comment.created_at)
        _announce_comment(incident, comment, actor)
    return comment


def _announce_comment(incident: Incident, comment: Comment, actor) -> None:
    """Tell who should hear about a comment, once the transaction commits (a public reply
    goes to the contact, a contact's answer to the people working the ticket)."""
    snapshot = copy.copy(incident)
    transaction.on_commit(
        lambda: ticket_commented.send(
            sender=Incident, incident=snapshot, comment=comment, actor=actor
        )
    )


def _note_first_response(incident: Incident, *, actor, at) -> None:
    """A public answer from support is the first response. No status change and no new
    version: it must not make the forms other agents have open stale."""
    fresh = _lock(incident, None)
    if fresh.first_response_at is not None:
        return
    fresh.first_response_at = at
    _save(fresh, actor, _("First response"), ["first_response_at"], bump=False)
    _copy_into(incident, fresh)


def attachment_add(*, incident: Incident, upload: UploadedFile, actor) -> Attachment:
    if contact_of(actor) is None and not is_agent(actor):
        raise PermissionDenied
    validate_upload(upload)
    return _store_attachment(incident, upload, actor)


def validate_upload(upload: UploadedFile) -> None:
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat

    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "files": _("%(name)s is larger than %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
            }
        )


def _store_attachment(incident, upload, actor, comment=None) -> Attachment:
    attachment = Attachment(
        incident=incident,
        comment=comment,
        original_name=(upload.name or "file")[-200:],
        content_type=(upload.content_type or "application/octet-stream")[:100],
        size=upload.size,
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    return attachment


def _add_comment(
    incident: Incident, *, body: str, is_public: bool, author, author_contact=None
) -> Comment:
    comment = Comment(
        incident=incident,
        body=body,
        is_public=is_public,
        author=author,
        author_contact=author_contact,
    )
    _set_history_user(comment, author)
    comment.save()
    return comment


# ----- the transition runner ---------------------------------------------------------------


def available_transitions(incident: Incident, user) -> list[str]:
    """Names of the transitions this user may start from the ticket's current status.
    Input conditions (a comment, a closure code) are asked for by the action's form."""
    names: list[str] = []
    for t in incident.get_all_status_transitions():
        if t.source == incident.status and t.name not in names and t.has_perm(incident, user):
            names.append(t.name)
    return names


def _run_transition(
    incident: Incident,
    name: str,
    *,
    actor,
    reason: str,
    expected_version: int | None = None,
    prepare: Callable[[Incident], str | None] | None = None,
    after: Callable[[Incident], object] | None = None,
) -> Incident:
    with transaction.atomic():
        fresh = _lock(incident, expected_version)
        method = getattr(fresh, name)
        _check_may_start(fresh, method, actor)
        if prepare is not None:
            # prepare sets the fields the transition needs and may word the reason
            # from the locked row (an escalation names the line it leaves).
            reason = prepare(fresh) or reason
        if not can_proceed(method):
            raise ValidationError(_("Something this step needs is missing."))
        source = fresh.status
        method()
        _save(fresh, actor, reason, LIFECYCLE_FIELDS, [sla.event_for_status(fresh)])
        if after is not None:
            after(fresh)
        _announce(fresh, source=source, actor=actor, reason=reason)
    _copy_into(incident, fresh)
    return fresh


def _check_may_start(incident: Incident, method, actor) -> None:
    """State first, then permission: someone who may not act is told so, not what is
    missing; input conditions are checked once the fields are set."""
    if not can_proceed(method, check_conditions=False):
        raise TransitionNotAllowed(
            _("This is not possible while the ticket is %(status)s.")
            % {"status": incident.get_status_display()}
        )
    if not method._django_fsm.has_transition_perm(incident, incident.status, actor):
        raise PermissionDenied(_("You may not do this on this ticket."))


def _lock(incident: Incident, expected_version: int | None) -> Incident:
    # Lock the ticket row only: the policy may be absent (an outer join), and PostgreSQL
    # refuses FOR UPDATE on the nullable side of one.
    fresh = (
        Incident.objects.select_for_update(of=("self",))
        .select_related("sla_policy__calendar")
        .get(pk=incident.pk)
    )
    if expected_version is not None and fresh.version != expected_version:
        raise StaleTicket
    fresh._responded_when_locked = fresh.first_response_at is not None
    return fresh


def _save(
    incident: Incident, actor, reason: str, fields: list[str], sla_events=(), *, bump=True
) -> None:
    """Save a locked ticket: bump its version, record who and why, and put what happened
    to its SLA clock (status change, first response, new targets) on the ledger."""
    events = list(sla_events)
    if incident.first_response_at and not getattr(incident, "_responded_when_locked", True):
        events.append(sla.event_for_response(incident))
        incident._responded_when_locked = True
    if events:
        sla.record(incident, events)
        fields = [*fields, *sla.SLA_FIELDS]
    if bump:
        incident.version += 1
    incident._change_reason = reason
    _set_history_user(incident, actor)
    incident.save(update_fields=fields)
    sla.persist(incident, events)


def _set_history_user(instance, actor) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor


def _announce(incident: Incident, *, source: str, actor, reason: str) -> None:
    """Announce this transition once the transaction commits, as it is now: the ticket is
    copied, because the caller may run further transitions on the same object before the
    commit (seed_demo does), and each announcement must carry its own status, version
    and reason, not the last transition's."""
    snapshot = copy.copy(incident)
    target = incident.status
    transaction.on_commit(
        lambda: ticket_status_changed.send(
            sender=Incident,
            incident=snapshot,
            source=source,
            target=target,
            actor=actor,
            reason=reason,
        )
    )


def _copy_into(stale: Incident, fresh: Incident) -> None:
    """Let the caller's instance reflect what was saved."""
    for field in fresh._meta.concrete_fields:
        stale.__dict__[field.attname] = fresh.__dict__[field.attname]
    stale._update_initial_state()


# ----- scheduled work: the SLA sweep and auto-close -------------------------------------

SWEEP_BATCH = 1000


def sla_sweep(*, now=None) -> dict[str, int]:
    """Mark breaches and warn about tickets at risk. Each step is one indexed query on
    the due columns (partial indexes hold only clocks that can still breach or warn)
    and a constant number of writes; running it twice changes nothing the second time.
    After commit, one `sla_swept` signal says what turned breached or at risk, by clock,
    so that staff get one digest per sweep, not a mail per ticket."""
    now = now or timezone.now()
    marked: dict[str, list[int]] = {}
    with transaction.atomic():
        for clock in ("reaction", "resolution"):
            column = "response" if clock == "reaction" else clock
            marked[f"{clock}_breached"] = _mark(
                now,
                due=f"{column}_due_at",
                flag=f"{column}_breached",
                kind=SlaEvent.Kind.BREACH,
                note=_("reaction time") if clock == "reaction" else _("resolution time"),
            )
    with transaction.atomic():
        # The reaction clock first: when both have passed their threshold, the earlier
        # deadline is the one people must hear about.
        for clock in ("reaction", "resolution"):
            column = "response" if clock == "reaction" else clock
            marked[f"{clock}_at_risk"] = _mark(
                now,
                due=f"{column}_warn_at",
                flag="sla_warned",
                kind=SlaEvent.Kind.WARN,
                note=_("reaction time") if clock == "reaction" else _("resolution time"),
                unless=[f"{column}_breached", "resolution_breached"],
            )
        if any(marked.values()):
            transaction.on_commit(
                lambda: sla_swept.send(sender=Incident, marked=marked, swept_at=now)
            )
    return {
        "reaction_breached": len(marked["reaction_breached"]),
        "resolution_breached": len(marked["resolution_breached"]),
        "warned": len(marked["reaction_at_risk"]) + len(marked["resolution_at_risk"]),
    }


def _mark(
    now, *, due: str, flag: str, kind: str, note: str = "", unless: list[str] | None = None
) -> list[int]:
    """Set `flag` on the tickets whose `due` time has passed (skipping those with any
    flag in `unless` set), put an event on each ledger, and announce them after commit.
    Returns the ids it marked."""
    candidates = Incident.objects.filter(**{flag: False, f"{due}__lte": now})
    candidates = candidates.filter(**dict.fromkeys(unless or [], False))
    rows = list(
        candidates.select_for_update(skip_locked=True).values_list("pk", "status", "priority")[
            :SWEEP_BATCH
        ]
    )
    if not rows:
        return []
    ids = [pk for pk, _status, _priority in rows]
    Incident.objects.filter(pk__in=ids).update(**{flag: True})
    SlaEvent.objects.bulk_create(
        SlaEvent(incident_id=pk, kind=kind, at=now, status=status, priority=priority, note=note)
        for pk, status, priority in rows
    )
    clock = due.removesuffix("_due_at").removesuffix("_warn_at")
    if kind == SlaEvent.Kind.WARN:
        transaction.on_commit(
            lambda: sla_at_risk.send(sender=Incident, incident_ids=ids, clock=clock)
        )
    else:
        transaction.on_commit(
            lambda: sla_breached.send(sender=Incident, incident_ids=ids, clock=clock)
        )
    return ids


def auto_close_completed(*, now=None) -> int:
    """Close Completed tickets after the configured quiet days: no confirmation, no
    rejection and no word from the contact. Safe to run twice."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.AUTO_CLOSE_AFTER_DAYS)
    contact_spoke = Comment.objects.filter(
        Q(author=OuterRef("contact__user")) | Q(author_contact=OuterRef("contact")),
        incident=OuterRef("pk"),
        created_at__gt=cutoff,
    )
    due = (
        Incident.objects.filter(status=Status.COMPLETED, resolved_at__lte=cutoff)
        .exclude(Exists(contact_spoke))
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    closed = 0
    for pk in list(due):
        if incident_auto_close(incident=Incident.objects.get(pk=pk)) is not None:
            closed += 1
    return closed


# ----- intake on the system's behalf ---------------------------------------------------------


def incident_add_system_note(*, incident: Incident, body: str) -> Comment | None:
    """An internal work note written by trusted intake code (a monitoring alert's repeat
    or recovery), with no user. Closed tickets take no further notes."""
    body = clean_text(body)
    if not body or incident.is_final:
        return None
    return _add_comment(incident, body=body, is_public=False, author=None)


# ----- the customer portal ---------------------------------------------------------------------


def _portal_contact(incident: Incident, actor) -> Contact:
    """The acting contact of the ticket's organisation who may act on tickets; contacts
    who are not authorised to open tickets can read them, nothing more."""
    contact = contact_of(actor)
    if contact is None or contact.organisation_id != incident.organisation_id:
        raise PermissionDenied(_("Only the customer's contacts may do this."))
    if not contact.may_raise:
        raise PermissionDenied(_("You are not authorised to open or change tickets."))
    return contact


def incident_request_urgency(*, incident: Incident, urgency: int, reason: str, actor) -> Incident:
    """The contact asks support to raise the urgency, saying why. It is recorded as a
    public comment and as `requested_urgency`; urgency and priority change only when
    support applies it (incident_classify, which also clears the request)."""
    _portal_contact(incident, actor)
    reason = clean_text(reason)
    errors = {}
    try:
        urgency = Urgency(int(urgency))
    except (TypeError, ValueError):
        errors["urgency"] = _("Choose an urgency.")
    if not reason:
        errors["reason"] = _("Say why it has become more urgent.")
    with transaction.atomic():
        fresh = _lock(incident, None)
        if not fresh.is_open:
            raise ValidationError(_("Only an open ticket's urgency can be raised."))
        if "urgency" not in errors and urgency >= fresh.urgency:
            errors["urgency"] = _(
                "Choose an urgency higher than the current one (%(current)s)."
            ) % {"current": fresh.get_urgency_display()}
        if errors:
            raise ValidationError(errors)
        fresh.requested_urgency = urgency
        text = _("Please raise the urgency to %(urgency)s. %(reason)s") % {
            "urgency": Urgency(urgency).label,
            "reason": reason,
        }
        # No new version: the agents' open forms stay valid; support decides separately.
        _save(fresh, actor, text, ["requested_urgency", "updated_at"], bump=False)
        comment = _add_comment(fresh, body=text, is_public=True, author=actor)
        snapshot = copy.copy(fresh)
        transaction.on_commit(
            lambda: urgency_raise_requested.send(
                sender=Incident, incident=snapshot, comment=comment, actor=actor
            )
        )
    _copy_into(incident, fresh)
    return fresh


def incident_rate(
    *, incident: Incident, score: int, actor, comment: str = ""
) -> SatisfactionRating:
    """The contact's satisfaction with a closed ticket, 1 (very dissatisfied) to 5 (very
    satisfied): once per ticket."""
    _portal_contact(incident, actor)
    try:
        score = SatisfactionRating.Score(int(score))
    except (TypeError, ValueError):
        raise ValidationError({"score": _("Choose from 1 to 5.")}) from None
    with transaction.atomic():
        fresh = _lock(incident, None)
        if fresh.status != Status.CLOSED:
            raise ValidationError(_("A ticket can be rated once it is closed."))
        if SatisfactionRating.objects.filter(incident=fresh).exists():
            raise ValidationError(_("This ticket has already been rated."))
        rating = SatisfactionRating(
            incident=fresh, score=score, comment=clean_text(comment), rated_by=actor
        )
        _set_history_user(rating, actor)
        rating.save()
    return rating


# ----- inbound email ---------------------------------------------------------------------------
# incidents/intake/email.py decides what a message is (a new ticket, a reply, quarantine);
# these change tickets. Replies and new tickets from a registered contact's address are
# taken on the system's behalf; the quarantine is worked by L1 (rules.works_quarantine).


def incident_register_by_email(
    *,
    contact: Contact,
    title: str,
    description: str,
    attachments: Iterable[UploadedFile] = (),
    notify_contact: bool = True,
) -> Incident:
    """A ticket from an email sent by an authorised contact's registered address."""
    uploads = list(attachments)
    for upload in uploads:
        validate_upload(upload)
    with transaction.atomic():
        incident = incident_register(
            contact=contact,
            title=title,
            actor=None,
            channel=Channel.EMAIL,
            description=description,
            notify_contact=notify_contact,
        )
        for upload in uploads:
            _store_attachment(incident, upload, contact.user)
    return incident


def incident_add_email_reply(
    *,
    incident: Incident,
    contact: Contact,
    body: str,
    attachments: Iterable[UploadedFile] = (),
) -> Comment:
    """A contact's emailed reply: a public comment from the contact, which answers an
    Information needed ticket (→ In progress) like a portal comment does. The intake code
    has matched the sender to this contact; the transition runs on the system's behalf."""
    body = clean_text(body)
    if not body:
        raise ValidationError({"body": _("The reply has no text.")})
    if not contact.is_active or contact.organisation_id != incident.organisation_id:
        raise PermissionDenied(_("Only the customer's contacts may reply to the ticket."))
    if not contact.may_raise:
        raise PermissionDenied(contact.why_not_raise())
    uploads = list(attachments)
    for upload in uploads:
        validate_upload(upload)
    author = contact.user
    with transaction.atomic():
        fresh = _lock(incident, None)
        if fresh.is_final:
            raise ValidationError(_("The ticket is closed: further work needs a new ticket."))
        comment = Comment(
            incident=fresh, body=body, is_public=True, author=author, author_contact=contact
        )
        comment._change_reason = _("Reply by email")
        _set_history_user(comment, author)
        comment.save()
        for upload in uploads:
            _store_attachment(fresh, upload, author, comment=comment)
        if fresh.status == Status.INFORMATION_NEEDED:
            source = fresh.status
            fresh.email_reply_received()
            reason = _("%(name)s answered by email.") % {"name": contact.name}
            _save(fresh, author, reason, LIFECYCLE_FIELDS, [sla.event_for_status(fresh)])
            _announce(fresh, source=source, actor=author, reason=reason)
        _announce_comment(fresh, comment, author)
    _copy_into(incident, fresh)
    return comment


def inbound_email_accept(
    *,
    inbound: InboundEmail,
    actor,
    contact: Contact | None = None,
    new_contact_of: Organisation | None = None,
    new_contact_name: str = "",
    kind: str = Kind.INCIDENT,
    title: str = "",
) -> Incident:
    """L1 accepts a quarantined message as a ticket for the contact they chose, or for
    the sender made a new contact of `new_contact_of`. The sender and the stored message
    stay on the ticket (an internal note; the message links to it). Only the person who
    wrote is told the ticket was registered, and never in answer to automatic mail."""
    _check_works_quarantine(actor)
    with transaction.atomic():
        fresh = _lock_inbound(inbound)
        if new_contact_of is not None:
            contact = _contact_from_sender(fresh, new_contact_of, new_contact_name, actor)
        if contact is None:
            raise ValidationError({"contact": _("Find and choose the contact the ticket is for.")})
        parsed = _parse_stored(fresh)
        title = " ".join((title or fresh.subject or _("(no subject)")).split())[:200]
        wrote_it = contact.email.strip().lower() == fresh.from_address.strip().lower()
        incident = incident_register(
            contact=contact,
            title=title,
            actor=actor,
            channel=Channel.EMAIL,
            kind=kind,
            description=_description_of(fresh, parsed),
            # No mail answers an automatic message (RFC 3834), and nobody who did not
            # write is told "we registered your ticket".
            notify_contact=wrote_it and not fresh.is_auto,
        )
        for attachment in parsed.kept_attachments():
            _store_attachment(incident, attachment.as_upload(), actor)
        _add_comment(incident, body=_sender_note(fresh), is_public=False, author=actor)
        fresh.incident = incident
        _finish_inbound(
            fresh,
            InboundEmail.Status.ACCEPTED,
            actor,
            _("Accepted as %(number)s for %(contact)s")
            % {"number": incident.number, "contact": contact.name},
        )
    _copy_inbound(inbound, fresh)
    return incident


def _contact_from_sender(
    inbound: InboundEmail, organisation: Organisation, name: str, actor
) -> Contact:
    """The sender as a new authorised contact of the organisation L1 chose."""
    address = inbound.from_address.strip()
    errors = {}
    if not organisation.is_active:
        errors["new_contact_organisation"] = _("This organisation is inactive.")
    elif Contact.objects.filter(organisation=organisation, email__iexact=address).exists():
        errors["new_contact_organisation"] = _(
            "%(address)s is already a contact of %(organisation)s: find and choose them."
        ) % {"address": address, "organisation": organisation.name}
    try:
        EmailValidator()(address)
    except ValidationError:
        errors["create_contact"] = _("The sender's address is not a valid email address.")
    if errors:
        raise ValidationError(errors)
    contact = Contact(
        organisation=organisation,
        name=" ".join(name.split())[:200] or address,
        email=address,
        is_authorised=True,
    )
    contact._change_reason = _("Created from a quarantined email")
    _set_history_user(contact, actor)
    contact.save()
    return contact


def _sender_note(inbound: InboundEmail) -> str:
    sender = inbound.from_address or _("an unknown sender")
    if inbound.from_name:
        sender = f"{inbound.from_name} <{sender}>"
    return _("Accepted from the email quarantine. Sent by %(sender)s, subject “%(subject)s”.") % {
        "sender": sender,
        "subject": inbound.subject,
    }


def inbound_email_add_to_ticket(
    *, inbound: InboundEmail, incident: Incident, actor, is_public: bool = False
) -> Comment:
    """L1 adds a quarantined message to a ticket as their comment (an internal note unless
    they make it public), quoting the sender, with its attachments."""
    _check_works_quarantine(actor)
    with transaction.atomic():
        fresh = _lock_inbound(inbound)
        parsed = _parse_stored(fresh)
        heading = _("Email from %(sender)s, subject “%(subject)s”:") % {
            "sender": fresh.from_address or _("an unknown sender"),
            "subject": fresh.subject,
        }
        comment = incident_add_comment(
            incident=incident,
            body=f"{heading}\n\n{_description_of(fresh, parsed)}",
            actor=actor,
            is_public=is_public,
            files=[a.as_upload() for a in parsed.kept_attachments()],
        )
        fresh.incident = incident
        fresh.comment = comment
        _finish_inbound(
            fresh,
            InboundEmail.Status.COMMENT_ADDED,
            actor,
            _("Added to %(number)s") % {"number": incident.number},
        )
    _copy_inbound(inbound, fresh)
    return comment


def inbound_email_discard(*, inbound: InboundEmail, actor, reason: str = "") -> InboundEmail:
    """L1 discards a quarantined message (it stays on record, with who and why)."""
    _check_works_quarantine(actor)
    reason = clean_text(reason)
    with transaction.atomic():
        fresh = _lock_inbound(inbound)
        why = _("Discarded: %(reason)s") % {"reason": reason} if reason else _("Discarded")
        _finish_inbound(fresh, InboundEmail.Status.DISCARDED, actor, why)
    _copy_inbound(inbound, fresh)
    return fresh


def _check_works_quarantine(actor) -> None:
    if not rules.works_quarantine(actor):
        raise PermissionDenied(_("Only L1 and the service desk manager work the quarantine."))


def _lock_inbound(inbound: InboundEmail) -> InboundEmail:
    fresh = InboundEmail.objects.select_for_update().get(pk=inbound.pk)
    if not fresh.is_actionable:
        raise ValidationError(
            _("This message has already been handled (%(status)s).")
            % {"status": fresh.get_status_display()}
        )
    return fresh


def _parse_stored(inbound: InboundEmail) -> mime.ParsedEmail:
    raw = b""
    if inbound.raw:
        try:
            with inbound.raw.open("rb") as handle:
                raw = handle.read()
        except OSError:
            raw = b""
    return mime.parse(raw, attachment_max_bytes=settings.ATTACHMENT_MAX_BYTES)


def _description_of(inbound: InboundEmail, parsed: mime.ParsedEmail) -> str:
    notes = parsed.notes(settings.ATTACHMENT_MAX_BYTES)
    return "\n\n".join(part for part in [inbound.body, *notes] if part)


def _finish_inbound(inbound: InboundEmail, status: str, actor, reason: str) -> None:
    inbound.status = status
    inbound.handled_by = actor
    inbound.handled_at = timezone.now()
    inbound._change_reason = reason
    _set_history_user(inbound, actor)
    inbound.save()


def _copy_inbound(stale: InboundEmail, fresh: InboundEmail) -> None:
    for model_field in fresh._meta.concrete_fields:
        stale.__dict__[model_field.attname] = fresh.__dict__[model_field.attname]
