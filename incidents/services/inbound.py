"""Tickets and comments from inbound email.

incidents/intake/email.py decides what a message is (a new ticket, a reply, quarantine);
these change tickets. Replies and new tickets from a registered contact's address are
taken on the system's behalf; the quarantine is worked by L1 (rules.works_quarantine)."""

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents import rules
from incidents.intake import mime
from incidents.models import Channel, Comment, InboundEmail, Incident, Kind, Status
from incidents.services._runner import lock_ticket, run_transition
from incidents.services.comments import (
    add_comment,
    announce_comment,
    incident_add_comment,
    store_attachment,
    validate_upload,
)
from incidents.services.registration import incident_register
from servicedesk.models import Contact, Organisation
from servicedesk.sanitise import clean_text
from servicedesk.workflow import copy_into, lock, save_with_history


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
            store_attachment(incident, upload, contact.user)
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
        fresh = lock_ticket(incident)
        if fresh.is_final:
            raise ValidationError(_("The ticket is closed: further work needs a new ticket."))
        comment = Comment(
            incident=fresh, body=body, is_public=True, author=author, author_contact=contact
        )
        save_with_history(comment, actor=author, reason=_("Reply by email"))
        for upload in uploads:
            store_attachment(fresh, upload, author, comment=comment)
        if fresh.status == Status.INFORMATION_NEEDED:
            fresh = run_transition(
                fresh,
                "email_reply_received",
                actor=author,
                reason=_("%(name)s answered by email.") % {"name": contact.name},
                by_system=True,
            )
        announce_comment(fresh, comment, author)
    copy_into(incident, fresh)
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
            store_attachment(incident, attachment.as_upload(), actor)
        add_comment(incident, body=_sender_note(fresh), is_public=False, author=actor)
        fresh.incident = incident
        _finish_inbound(
            fresh,
            InboundEmail.Status.ACCEPTED,
            actor,
            _("Accepted as %(number)s for %(contact)s")
            % {"number": incident.number, "contact": contact.name},
        )
    copy_into(inbound, fresh)
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
    save_with_history(contact, actor=actor, reason=_("Created from a quarantined email"))
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
    copy_into(inbound, fresh)
    return comment


def inbound_email_discard(*, inbound: InboundEmail, actor, reason: str = "") -> InboundEmail:
    """L1 discards a quarantined message (it stays on record, with who and why)."""
    _check_works_quarantine(actor)
    reason = clean_text(reason)
    with transaction.atomic():
        fresh = _lock_inbound(inbound)
        why = _("Discarded: %(reason)s") % {"reason": reason} if reason else _("Discarded")
        _finish_inbound(fresh, InboundEmail.Status.DISCARDED, actor, why)
    copy_into(inbound, fresh)
    return fresh


def _check_works_quarantine(actor) -> None:
    if not rules.works_quarantine(actor):
        raise PermissionDenied(_("Only L1 and the service desk manager work the quarantine."))


def _lock_inbound(inbound: InboundEmail) -> InboundEmail:
    fresh = lock(inbound)
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
    save_with_history(inbound, actor=actor, reason=reason)
