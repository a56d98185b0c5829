"""Comments and attachments on a ticket, by staff, the contact and intake code."""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Attachment, Comment, Incident, Status
from incidents.services._runner import lock_ticket, run_transition, save_ticket
from incidents.signals import ticket_commented
from servicedesk.roles import contact_of, is_agent
from servicedesk.sanitise import clean_text
from servicedesk.uploads import validate_upload
from servicedesk.workflow import after_commit, copy_into, record_history


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
        comment = add_comment(incident, body=body, is_public=is_public, author=actor)
        for upload in files:
            store_attachment(incident, upload, actor, comment=comment)
        if contact is not None and incident.status == Status.INFORMATION_NEEDED:
            run_transition(incident, "customer_replied", actor=actor, reason=body)
        elif contact is None and is_public and incident.first_response_at is None:
            _note_first_response(incident, actor=actor, at=comment.created_at)
        announce_comment(incident, comment, actor)
    return comment


def announce_comment(incident: Incident, comment: Comment, actor) -> None:
    """Tell who should hear about a comment, once the transaction commits (a public reply
    goes to the contact, a contact's answer to the people working the ticket)."""
    after_commit(
        incident,
        lambda ticket: ticket_commented.send(
            sender=Incident, incident=ticket, comment=comment, actor=actor
        ),
    )


def _note_first_response(incident: Incident, *, actor, at) -> None:
    """A public answer from support is the first response. No status change and no new
    version: it must not make the forms other agents have open stale."""
    fresh = lock_ticket(incident)
    if fresh.first_response_at is not None:
        return
    fresh.first_response_at = at
    save_ticket(
        fresh,
        actor=actor,
        reason=_("First response"),
        fields=["first_response_at"],
        bump=False,
    )
    copy_into(incident, fresh)


def store_attachment(incident, upload, actor, comment=None) -> Attachment:
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


def add_comment(
    incident: Incident, *, body: str, is_public: bool, author, author_contact=None
) -> Comment:
    comment = Comment(
        incident=incident,
        body=body,
        is_public=is_public,
        author=author,
        author_contact=author_contact,
    )
    record_history(comment, actor=author)
    comment.save()
    return comment


def incident_add_system_note(*, incident: Incident, body: str) -> Comment | None:
    """An internal work note written by trusted intake code (a monitoring alert's repeat
    or recovery), with no user. Closed tickets take no further notes."""
    body = clean_text(body)
    if not body or incident.is_final:
        return None
    return add_comment(incident, body=body, is_public=False, author=None)
