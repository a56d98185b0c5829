"""Inbound email: what a message becomes.

Every message is stored first (InboundEmail, the raw bytes as a file) and then decided,
in one transaction, so a message is never lost and never half-processed:

- automatic mail (Auto-Submitted other than "no", Precedence bulk/list/junk, List-Id,
  bounces and delivery reports, our own notifications) is stored and ignored: it opens
  no ticket and is never answered (RFC 3834);
- a reply to a ticket, recognised by a ticket number in the subject or by
  In-Reply-To/References naming one of our Message-IDs (or the ticket's thread id), is
  added as a public comment from the contact, but only when the sender is a registered
  contact of that ticket's organisation: a spoofed sender with a known number goes to
  the quarantine instead. It moves an Information needed ticket back to In progress;
- mail from an authorised contact's registered address opens a ticket (channel email);
- everything else (an unknown sender, an address shared by contacts of several
  organisations, a contact not authorised to open tickets, a sender over the hourly loop
  limit, a message that cannot be read) waits in the quarantine that L1 works;
- the same Message-ID (or, without one, the same bytes) delivered again is recognised
  and changes nothing;
- a message larger than EMAIL_MAX_MESSAGE_BYTES is refused: its record is kept (no raw
  file) and a person's mail gets a clear "not delivered" answer.
"""

import hashlib
import logging
import re
from dataclasses import dataclass
from datetime import timedelta
from email.utils import parseaddr
from typing import BinaryIO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, InterfaceError, OperationalError, transaction
from django.template.defaultfilters import filesizeformat
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents import services
from incidents.intake import mime
from incidents.intake.models import InboundEmail, InboundStatus, Mailbox
from incidents.models import Incident
from servicedesk.models import Contact, Notification
from servicedesk.notifications import mail_domain, notification_queue
from servicedesk.workflow import record_history

logger = logging.getLogger(__name__)

#: Failures worth trying again later (the database is away): the caller says "temporary".
TEMPORARY_ERRORS = (OperationalError, InterfaceError, OSError)
#: Counted by the loop guard: messages that made or changed a ticket.
_ACTED_ON = [InboundStatus.TICKET_CREATED, InboundStatus.COMMENT_ADDED]
_READ_CHUNK = 1024 * 1024
_TICKET_REF = re.compile(r"(INC|REQ)-\d{6,}", re.I)


@dataclass(frozen=True)
class IngestResult:
    email: InboundEmail
    #: True when this message had been stored before: nothing was changed.
    duplicate: bool = False


@dataclass(frozen=True)
class RawMessage:
    """What was read from a pipe: the bytes, or only the head of an oversized message."""

    data: bytes | None
    head: bytes
    size: int
    digest: str


# ----- entry points ----------------------------------------------------------------------


def read_stream(stream: BinaryIO, *, limit: int) -> RawMessage:
    """Read a whole message, keeping at most `limit` bytes in memory (beyond that only its
    head is kept; the rest is read, hashed and dropped, so the sender's pipe drains)."""
    hasher = hashlib.sha256()
    kept = bytearray()
    size = 0
    oversized = False
    while chunk := stream.read(_READ_CHUNK):
        hasher.update(chunk)
        size += len(chunk)
        if oversized:
            continue
        kept += chunk
        if size > limit:
            oversized = True
            kept = bytearray(mime.head_of(bytes(kept)))
    data = None if oversized else bytes(kept)
    head = bytes(kept) if oversized else mime.head_of(bytes(kept))
    return RawMessage(data=data, head=head, size=size, digest=hasher.hexdigest())


def ingest_stream(stream: BinaryIO, *, mailbox: Mailbox | None = None) -> IngestResult:
    raw = read_stream(stream, limit=settings.EMAIL_MAX_MESSAGE_BYTES)
    if raw.data is None:
        return ingest_oversized(head=raw.head, size=raw.size, digest=raw.digest, mailbox=mailbox)
    return ingest_message(raw.data, mailbox=mailbox)


def ingest_message(raw: bytes, *, mailbox: Mailbox | None = None) -> IngestResult:
    """Store one raw message and decide what it becomes, in one transaction. Raises only
    for temporary failures (TEMPORARY_ERRORS): the caller tries again later."""
    if len(raw) > settings.EMAIL_MAX_MESSAGE_BYTES:
        return ingest_oversized(
            head=mime.head_of(raw), size=len(raw), digest=mime.digest(raw), mailbox=mailbox
        )
    parsed = mime.parse(raw, attachment_max_bytes=settings.ATTACHMENT_MAX_BYTES)
    key = dedupe_key(parsed.message_id, mime.digest(raw))
    existing = InboundEmail.objects.filter(message_id=key).first()
    if existing is not None:
        return IngestResult(existing, duplicate=True)

    record = _new_record(parsed, key=key, size=len(raw), mailbox=mailbox)
    record.raw.save("message.eml", ContentFile(raw), save=False)
    try:
        with transaction.atomic():
            _decide(record, parsed)
            record.save()
    except IntegrityError:
        # Delivered twice at the same moment: the other delivery stored it first.
        _delete_raw(record)
        existing = InboundEmail.objects.filter(message_id=key).first()
        if existing is None:
            raise
        return IngestResult(existing, duplicate=True)
    except BaseException:
        _delete_raw(record)
        raise
    logger.info(
        "Inbound email %s from %s: %s %s",
        record.message_id,
        record.from_address,
        record.status,
        record.reason,
    )
    return IngestResult(record)


def ingest_oversized(
    *, head: bytes, size: int, digest: str, mailbox: Mailbox | None = None
) -> IngestResult:
    """Refuse a message larger than EMAIL_MAX_MESSAGE_BYTES: keep a record of it (no raw
    file) and tell a person who sent it, once, why it was not delivered."""
    parsed = mime.parse_headers(head)
    key = dedupe_key(parsed.message_id, digest)
    existing = InboundEmail.objects.filter(message_id=key).first()
    if existing is not None:
        return IngestResult(existing, duplicate=True)
    record = _new_record(parsed, key=key, size=size, mailbox=mailbox)
    record.body = ""
    record.status = InboundStatus.REJECTED
    record.reason = _("Refused: the message is %(size)s, more than the %(limit)s accepted.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(settings.EMAIL_MAX_MESSAGE_BYTES),
    }
    record_history(record, actor=None, reason=record.reason)
    try:
        with transaction.atomic():
            bounce = _may_answer(record)
            record.save()
            if bounce:
                _queue_refusal(record)
    except IntegrityError:
        existing = InboundEmail.objects.filter(message_id=key).first()
        if existing is None:
            raise
        return IngestResult(existing, duplicate=True)
    logger.info("Inbound email %s from %s refused: %s bytes", key, record.from_address, size)
    return IngestResult(record)


def dedupe_key(message_id: str, digest: str) -> str:
    """The Message-ID (hashed when too long for the column), else the bytes' hash."""
    message_id = message_id.strip()
    if not message_id:
        return f"<sha256.{digest}@no-message-id>"
    if len(message_id) > 255:
        return f"<sha256.{hashlib.sha256(message_id.encode()).hexdigest()}@long-message-id>"
    return message_id


# ----- the decision ----------------------------------------------------------------------


def _new_record(
    parsed: mime.ParsedEmail, *, key: str, size: int, mailbox: Mailbox | None
) -> InboundEmail:
    parsed.auto_reason = parsed.auto_reason or _own_mail(parsed)
    return InboundEmail(
        message_id=key,
        from_address=parsed.from_address[:320],
        from_name=parsed.from_name[:200],
        subject=parsed.subject[:400],
        sent_at=parsed.sent_at,
        received_at=timezone.now(),
        size=size,
        body=parsed.text,
        body_html=parsed.html,
        is_auto=bool(parsed.auto_reason),
        mailbox=mailbox,
    )


def _decide(record: InboundEmail, parsed: mime.ParsedEmail) -> None:
    """Apply the rules in a savepoint: whatever goes wrong with a message leaves it in the
    quarantine (and rolls back any half-made ticket), except a temporary failure, which
    the caller reports so the message is delivered again later."""
    try:
        with transaction.atomic():
            status, reason = _apply_rules(record, parsed)
    except TEMPORARY_ERRORS:
        raise
    except Exception as exc:
        logger.exception("Inbound email %s could not be processed", record.message_id)
        record.incident = None
        record.comment = None
        status = InboundStatus.QUARANTINED
        reason = _("Could not be processed (%(error)s).") % {"error": _error_text(exc)}
    record.status = status
    record.reason = str(reason)[:500]
    record_history(record, actor=None, reason=f"{InboundStatus(status).label}: {record.reason}")


def _apply_rules(record: InboundEmail, parsed: mime.ParsedEmail) -> tuple[str, str]:
    if record.is_auto:
        return InboundStatus.IGNORED_AUTO, parsed.auto_reason
    if parsed.error:
        return InboundStatus.QUARANTINED, parsed.error
    sender = parsed.from_address
    if _over_hourly_limit(sender):
        return InboundStatus.QUARANTINED, _(
            "More than %(limit)s messages from this sender within an hour: held back as a "
            "possible mail loop."
        ) % {"limit": settings.EMAIL_MAX_PER_SENDER_PER_HOUR}
    contacts = list(
        Contact.objects.filter(email__iexact=sender, is_active=True)
        .select_related("organisation")
        .order_by("pk")
    )
    tickets = _referenced_tickets(parsed)
    if tickets:
        for incident in tickets:
            contact = next(
                (c for c in contacts if c.organisation_id == incident.organisation_id), None
            )
            if contact is not None:
                return _reply(record, parsed, incident, contact)
        return InboundStatus.QUARANTINED, _(
            "Refers to %(numbers)s, but %(address)s is not a registered contact of its "
            "organisation."
        ) % {"numbers": ", ".join(t.number for t in tickets), "address": sender}
    return _new_ticket(record, parsed, contacts)


def _referenced_tickets(parsed: mime.ParsedEmail) -> list[Incident]:
    """Tickets this message answers: our notifications' Message-IDs and the ticket thread
    ids (<INC-000123@our-domain>) it refers to, then ticket numbers in the subject."""
    domain = mail_domain().lower()
    ours = [i for i in parsed.referenced_ids if i[1:-1].rpartition("@")[2].lower() == domain]
    numbers: list[str] = []
    if ours:
        refs = dict(
            Notification.objects.filter(message_id__in=ours)
            .exclude(subject_ref="")
            .values_list("message_id", "subject_ref")
        )
        for message_id in ours:
            local = message_id[1:-1].rpartition("@")[0]
            number = refs.get(message_id) or (local if _TICKET_REF.fullmatch(local) else "")
            if number and number.upper() not in numbers:
                numbers.append(number.upper())
    numbers += [n for n in parsed.ticket_numbers() if n not in numbers]
    if not numbers:
        return []
    found = Incident.objects.filter(number__in=numbers[:20]).select_related("organisation")
    return sorted(found, key=lambda incident: numbers.index(incident.number))


def _reply(
    record: InboundEmail, parsed: mime.ParsedEmail, incident: Incident, contact: Contact
) -> tuple[str, str]:
    if not contact.may_raise:
        # "May read but not act" holds for email too: L1 decides in the quarantine.
        return InboundStatus.QUARANTINED, _("Reply to %(number)s refused: %(why)s") % {
            "number": incident.number,
            "why": contact.why_not_raise(),
        }
    if incident.is_final:
        # A closed ticket takes no more work: the reply opens a new one.
        return _register(record, parsed, contact, follow_up=incident)
    body = "\n\n".join(
        part
        for part in [strip_quoted(parsed.text), *parsed.notes(settings.ATTACHMENT_MAX_BYTES)]
        if part
    )
    if not body:
        body = (
            _("(No text; see the attachments.)")
            if parsed.attachments
            else _("(The email had no text.)")
        )
    comment = services.incident_add_email_reply(
        incident=incident,
        contact=contact,
        body=body,
        attachments=[a.as_upload() for a in parsed.kept_attachments()],
    )
    record.incident = incident
    record.comment = comment
    return InboundStatus.COMMENT_ADDED, _("Reply from %(contact)s to %(number)s") % {
        "contact": contact.name,
        "number": incident.number,
    }


def _new_ticket(
    record: InboundEmail, parsed: mime.ParsedEmail, contacts: list[Contact]
) -> tuple[str, str]:
    address = parsed.from_address
    if not contacts:
        return InboundStatus.QUARANTINED, _(
            "Unknown sender: %(address)s is not a registered contact."
        ) % {"address": address}
    if len({c.organisation_id for c in contacts}) > 1:
        return InboundStatus.QUARANTINED, _(
            "%(address)s belongs to contacts of several organisations (%(organisations)s)."
        ) % {
            "address": address,
            "organisations": ", ".join(sorted({c.organisation.name for c in contacts})),
        }
    if len(contacts) > 1:
        return InboundStatus.QUARANTINED, _("%(address)s belongs to several contacts.") % {
            "address": address
        }
    return _register(record, parsed, contacts[0])


def _register(
    record: InboundEmail,
    parsed: mime.ParsedEmail,
    contact: Contact,
    follow_up: Incident | None = None,
) -> tuple[str, str]:
    if not contact.may_raise:
        return InboundStatus.QUARANTINED, contact.why_not_raise()
    lead = ""
    if follow_up is not None:
        lead = _("A reply to %(number)s, which is closed.") % {"number": follow_up.number}
    description = "\n\n".join(
        part for part in [lead, parsed.text, *parsed.notes(settings.ATTACHMENT_MAX_BYTES)] if part
    )
    title = " ".join(parsed.subject.split())
    if follow_up is not None:
        title = follow_up_title(parsed.subject, follow_up)
    incident = services.incident_register_by_email(
        contact=contact,
        title=title[:200] or _("(no subject)"),
        description=description,
        attachments=[a.as_upload() for a in parsed.kept_attachments()],
    )
    record.incident = incident
    if follow_up is not None:
        reason = _("Reply to closed %(old)s: new ticket %(number)s for %(contact)s")
    else:
        reason = _("Ticket %(number)s for %(contact)s")
    return InboundStatus.TICKET_CREATED, reason % {
        "old": follow_up.number if follow_up else "",
        "number": incident.number,
        "contact": contact.name,
    }


def _own_mail(parsed: mime.ParsedEmail) -> str:
    """Our own notifications coming back (a loop through a forwarding address)."""
    ours = parseaddr(settings.DEFAULT_FROM_EMAIL)[1].lower()
    if ours and parsed.from_address == ours:
        return _("Sent from the service desk's own address (a mail loop).")
    if (
        parsed.message_id
        and Notification.objects.filter(message_id=parsed.message_id[:255]).exists()
    ):
        return _("One of the service desk's own notifications (a mail loop).")
    return ""


def _over_hourly_limit(sender: str) -> bool:
    limit = settings.EMAIL_MAX_PER_SENDER_PER_HOUR
    recent = InboundEmail.objects.filter(
        from_address=sender,
        received_at__gte=timezone.now() - timedelta(hours=1),
        status__in=_ACTED_ON,
    )
    return recent[:limit].count() >= limit


# ----- answering a refused message --------------------------------------------------------


def _may_answer(record: InboundEmail) -> bool:
    """Only a person's mail is answered (RFC 3834), at most the hourly limit per sender."""
    address = record.from_address
    if record.is_auto or "@" not in address or len(address) > 254:
        return False
    recent = InboundEmail.objects.filter(
        from_address=address,
        status=InboundStatus.REJECTED,
        received_at__gte=timezone.now() - timedelta(hours=1),
    )
    limit = settings.EMAIL_MAX_PER_SENDER_PER_HOUR
    return recent[:limit].count() < limit


def _queue_refusal(record: InboundEmail) -> None:
    contact = (
        Contact.objects.filter(email__iexact=record.from_address, is_active=True)
        .order_by("pk")
        .first()
    )
    language = contact.language if contact else settings.LANGUAGE_CODE
    with translation.override(language):
        subject = _("Not delivered: %(subject)s") % {"subject": record.subject or _("(no subject)")}
        body = render_to_string(
            "incidents/email/refused.txt",
            {
                "email": record,
                "size": filesizeformat(record.size),
                "limit": filesizeformat(settings.EMAIL_MAX_MESSAGE_BYTES),
                "attachment_limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            },
        )
    notification_queue(
        recipient_email=record.from_address,
        event="email_refused",
        target=record,
        subject=subject,
        body=body,
        dedupe_key=f"inbound:{record.pk}:refused",
        thread_root="",
        contact=contact,
    )


# ----- helpers -------------------------------------------------------------------------------

_QUOTE_HEADERS = [
    re.compile(r"^-{2,}\s*(original message|ursprüngliche nachricht|message d'origine)", re.I),
    re.compile(r"^on\b.{0,300}\bwrote:\s*$", re.I),
    re.compile(r"^am\b.{0,300}\bschrieb\b.{0,300}:\s*$", re.I),
    re.compile(r"^le\b.{0,300}\ba écrit\s*:\s*$", re.I),
]
_OUTLOOK_FROM = re.compile(r"^(from|von|de)\s*:", re.I)
_OUTLOOK_NEXT = re.compile(r"^(sent|date|gesendet|envoyé|to|an|à)\s*:", re.I)


def strip_quoted(text: str) -> str:
    """A reply without the message it quotes (the ticket has that already). The whole
    text stays on the InboundEmail; if nothing would be left, the text is kept whole."""
    lines = text.splitlines()
    cut = len(lines)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in _QUOTE_HEADERS):
            cut = index
            break
        following = lines[index + 1].strip() if index + 1 < len(lines) else ""
        if _OUTLOOK_FROM.match(stripped) and _OUTLOOK_NEXT.match(following):
            cut = index
            break
    kept = lines[:cut]
    while kept and (not kept[-1].strip() or kept[-1].lstrip().startswith(">")):
        kept.pop()
    return "\n".join(kept).strip() or text.strip()


#: What a mail client puts before a subject it answers or forwards, and our ticket tags.
_SUBJECT_PREFIX = re.compile(
    r"^\s*(?:(?:re|aw|antw|wg|fw|fwd|sv|vs|tr|ref|réf)\s*(?:\[\d+\])?\s*:"
    r"|\[?(?:INC|REQ)-\d+\]?\s*[:\-–]?)\s*",
    re.I,
)


def follow_up_title(subject: str, closed: Incident) -> str:
    """The title of a ticket made from a reply to a closed one: the subject without
    reply prefixes and ticket numbers, and without the words our own notifications put
    before the old title ("Status: Closed – …"); the old title when nothing is left."""
    text = " ".join(subject.split())
    while (stripped := _SUBJECT_PREFIX.sub("", text, count=1)) != text:
        text = stripped
    _head, dash, tail = text.rpartition(" – ")
    if dash and tail == closed.title:
        text = tail
    return text or closed.title


def _delete_raw(record: InboundEmail) -> None:
    if record.raw:
        try:
            record.raw.delete(save=False)
        except OSError:
            logger.warning("Could not delete %s", record.raw.name)


def _error_text(exc: Exception) -> str:
    messages = getattr(exc, "messages", None)
    text = "; ".join(str(m) for m in messages) if messages else str(exc)
    return f"{type(exc).__name__}: {text}"[:300]
