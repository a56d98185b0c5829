"""What can happen to a ticket. Every status change goes through here: a service
checks who is asking, locks the row, refuses stale edits, calls the model's
transition, saves, records actor and reason in the history, and queues side
effects for after the commit."""

from collections.abc import Callable, Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed, can_proceed

from incidents import rules
from incidents.exceptions import StaleTicket
from incidents.models import (
    CUSTOMER_CHANNELS,
    INVALID_CLOSURE_CODES,
    Attachment,
    Channel,
    Comment,
    Incident,
    Kind,
    Status,
)
from incidents.sanitise import clean_text
from incidents.signals import ticket_registered, ticket_status_changed
from servicedesk.models import Contact, Line, PriorityMatrixEntry, SupportGroup, Urgency
from servicedesk.roles import contact_of, is_agent

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
) -> Incident:
    """Open a ticket for an authorised contact. Customer channels (portal, email) leave a
    high or very high urgency unconfirmed until an agent confirms it."""
    _check_may_register(contact=contact, actor=actor, channel=channel)
    if configuration_item is not None and service is None:
        service = configuration_item.service
    _check_ci_belongs(service=service, configuration_item=configuration_item)
    impact = impact or 4  # Impact.LOW: support sets the real impact on triage
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
    )
    with transaction.atomic():
        incident.assign_number()
        incident._change_reason = _("Registered via %(channel)s") % {
            "channel": Channel(channel).label
        }
        _set_history_user(incident, actor)
        incident.save()
        transaction.on_commit(
            lambda: ticket_registered.send(sender=Incident, incident=incident, actor=actor)
        )
    return incident


def _check_may_register(*, contact: Contact, actor, channel: str) -> None:
    if not contact.is_active or not contact.is_authorised:
        raise ValidationError(
            {"contact": _("%(name)s is not authorised to open tickets.") % {"name": contact.name}}
        )
    if is_agent(actor):
        return
    own = contact_of(actor)
    if own is None or own.pk != contact.pk or channel not in CUSTOMER_CHANNELS:
        raise PermissionDenied(_("You may not open tickets for this contact."))


def _check_ci_belongs(*, service, configuration_item) -> None:
    if configuration_item is not None and configuration_item.service_id != service.pk:
        raise ValidationError(
            {"configuration_item": _("This configuration item does not belong to the service.")}
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
        _check_ci_belongs(service=fresh.service, configuration_item=fresh.configuration_item)
        if "urgency" in changes:
            fresh.urgency_confirmed = True
        fresh.priority = priority_for(urgency=fresh.urgency, impact=fresh.impact)
        fresh.mark_first_response()
        _save(fresh, actor, reason or _("Classification changed"), CLASSIFICATION_FIELDS)
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
        current_line = fresh.support_group.line if fresh.support_group_id else Line.L1
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
                % {"user": assignee.get_username(), "group": group.name}
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


def incident_confirm(*, incident: Incident, actor, expected_version=None) -> Incident:
    return _run_transition(
        incident,
        "confirm",
        actor=actor,
        reason=_("Resolution confirmed"),
        expected_version=expected_version,
    )


def incident_reject_resolution(
    *, incident: Incident, reason: str, actor, expected_version=None
) -> Incident:
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what is still wrong.")})
    return _run_transition(
        incident,
        "reject_resolution",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        after=lambda t: _add_comment(t, body=reason, is_public=True, author=actor),
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
        _save(fresh, None, reason, LIFECYCLE_FIELDS)
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
            # A public answer from support is the first response; no status change.
            Incident.objects.filter(pk=incident.pk, first_response_at__isnull=True).update(
                first_response_at=comment.created_at
            )
    return comment


def attachment_add(*, incident: Incident, upload: UploadedFile, actor) -> Attachment:
    if contact_of(actor) is None and not is_agent(actor):
        raise PermissionDenied
    validate_upload(upload)
    return _store_attachment(incident, upload, actor)


def validate_upload(upload: UploadedFile) -> None:
    from django.conf import settings
    from django.template.defaultfilters import filesizeformat

    if upload.size > settings.ATTACHMENT_MAX_BYTES:
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


def _add_comment(incident: Incident, *, body: str, is_public: bool, author) -> Comment:
    comment = Comment(incident=incident, body=body, is_public=is_public, author=author)
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
        _save(fresh, actor, reason, LIFECYCLE_FIELDS)
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
    fresh = Incident.objects.select_for_update().get(pk=incident.pk)
    if expected_version is not None and fresh.version != expected_version:
        raise StaleTicket
    return fresh


def _save(incident: Incident, actor, reason: str, fields: list[str]) -> None:
    incident.version += 1
    incident._change_reason = reason
    _set_history_user(incident, actor)
    incident.save(update_fields=fields)


def _set_history_user(instance, actor) -> None:
    if actor is not None and getattr(actor, "is_authenticated", False):
        instance._history_user = actor


def _announce(incident: Incident, *, source: str, actor, reason: str) -> None:
    transaction.on_commit(
        lambda: ticket_status_changed.send(
            sender=Incident,
            incident=incident,
            source=source,
            target=incident.status,
            actor=actor,
            reason=reason,
        )
    )


def _copy_into(stale: Incident, fresh: Incident) -> None:
    """Let the caller's instance reflect what was saved."""
    for field in fresh._meta.concrete_fields:
        stale.__dict__[field.attname] = fresh.__dict__[field.attname]
    stale._update_initial_state()
