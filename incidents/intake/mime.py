"""Reading one raw message with the stdlib email package (policy=default): its headers,
its text, its HTML reduced to inert markup, and its attachments. Nothing here touches
the database, and nothing here raises on bad input: what cannot be read is reported in
`ParsedEmail.error`, and the rules (incidents/intake/email.py) quarantine it."""

import hashlib
import logging
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage, Message, MIMEPart
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import cast

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from servicedesk.sanitise import clean_html, clean_text, html_to_text

logger = logging.getLogger(__name__)

#: Longest text kept from a message (the raw message keeps everything).
BODY_MAX_CHARS = 100_000
#: Longest HTML part handed to the sanitiser.
HTML_MAX_CHARS = 1_000_000
#: Headers longer than this are not worth reading (an oversized message's head).
HEAD_MAX_BYTES = 256 * 1024

_MSG_ID = re.compile(r"<[^<>\s]+>")
_TICKET_NUMBER = re.compile(r"\b(INC|REQ)-(\d{6,})\b", re.I)
_AUTO_PRECEDENCE = {"bulk", "list", "junk", "auto_reply"}


@dataclass
class MailAttachment:
    name: str
    content_type: str
    size: int
    #: None when the file is larger than the limit the message was parsed with.
    data: bytes | None

    @property
    def kept(self) -> bool:
        return self.data is not None

    def as_upload(self) -> SimpleUploadedFile:
        return SimpleUploadedFile(self.name, self.data or b"", content_type=self.content_type)


@dataclass
class ParsedEmail:
    message_id: str = ""
    from_address: str = ""
    from_name: str = ""
    subject: str = ""
    sent_at: datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    #: Why this is automatic mail (an auto-reply, bounce or list message); "" for a person's.
    auto_reason: str = ""
    text: str = ""
    html: str = ""
    attachments: list[MailAttachment] = field(default_factory=list)
    #: What could not be read; the message is quarantined.
    error: str = ""

    @property
    def referenced_ids(self) -> list[str]:
        """Message-IDs this message answers, the direct parent first."""
        seen: list[str] = []
        for value in [*self.in_reply_to, *reversed(self.references)]:
            if value not in seen:
                seen.append(value)
        return seen

    def ticket_numbers(self) -> list[str]:
        """Ticket numbers in the subject, in order, normalised (INC-000123)."""
        found: list[str] = []
        for prefix, digits in _TICKET_NUMBER.findall(self.subject):
            number = f"{prefix.upper()}-{digits}"
            if number not in found:
                found.append(number)
        return found

    def kept_attachments(self) -> list[MailAttachment]:
        """What a ticket stores: the attachments within the size limit, at most
        EMAIL_MAX_ATTACHMENTS of them (the raw message keeps them all)."""
        return [a for a in self.attachments if a.kept][: settings.EMAIL_MAX_ATTACHMENTS]

    def notes(self, limit: int) -> list[str]:
        """A line for each attachment that was kept out (too large, or over the cap)."""
        kept = {id(a) for a in self.kept_attachments()}
        lines = []
        for a in self.attachments:
            if id(a) in kept:
                continue
            values: dict[str, object] = {
                "name": a.name,
                "size": filesizeformat(a.size),
                "limit": filesizeformat(limit),
            }
            if not a.kept:
                text = _("[Attachment “%(name)s” (%(size)s) was not kept: larger than %(limit)s.]")
            else:
                values["cap"] = settings.EMAIL_MAX_ATTACHMENTS
                text = _(
                    "[Attachment “%(name)s” (%(size)s) was not kept: only the first %(cap)s "
                    "attachments of a message are.]"
                )
            lines.append(text % values)
        return lines


def parse(raw: bytes, *, attachment_max_bytes: int) -> ParsedEmail:
    """Everything the intake rules need from a raw message; never raises."""
    parsed = ParsedEmail()
    try:
        message = BytesParser(policy=policy.default).parsebytes(raw)
    except Exception as exc:  # the stdlib parser is lenient; this is truly broken input
        parsed.error = _("The message could not be parsed (%(error)s).") % {"error": exc}
        return parsed
    _read_headers(message, parsed)
    try:
        _read_content(message, parsed, attachment_max_bytes)
    except Exception as exc:
        logger.warning("Could not read the content of %s", parsed.message_id, exc_info=True)
        parsed.error = _("The content could not be read (%(error)s).") % {
            "error": f"{type(exc).__name__}: {exc}"
        }
    if not parsed.error and not parsed.from_address:
        parsed.error = _("No sender address could be read.")
    return parsed


def parse_headers(head: bytes) -> ParsedEmail:
    """The headers only (for a message too large to read whole)."""
    parsed = ParsedEmail()
    try:
        message = BytesParser(policy=policy.default).parsebytes(
            head[:HEAD_MAX_BYTES], headersonly=True
        )
    except Exception as exc:
        parsed.error = str(exc)
        return parsed
    _read_headers(message, parsed)
    return parsed


def head_of(raw: bytes) -> bytes:
    """The header block of a raw message (up to the first empty line)."""
    limit = raw[:HEAD_MAX_BYTES]
    for separator in (b"\r\n\r\n", b"\n\n"):
        end = limit.find(separator)
        if end != -1:
            return limit[: end + len(separator)]
    return limit


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


# ----- headers ---------------------------------------------------------------------------


def header(message: Message, name: str) -> str:
    """One header as text on one line; a header the parser chokes on is read raw."""
    try:
        value = message.get(name)
    except Exception:
        value = next((v for k, v in message.raw_items() if k.lower() == name.lower()), None)
    if value is None:
        return ""
    try:
        text = str(value)
    except Exception:
        text = repr(value)
    return " ".join(text.replace("\x00", "").split())


def _read_headers(message: Message, parsed: ParsedEmail) -> None:
    ids = _MSG_ID.findall(header(message, "Message-ID"))
    parsed.message_id = ids[0] if ids else header(message, "Message-ID")[:255]
    name, address = _sender(header(message, "From"))
    parsed.from_name = name[:200]
    parsed.from_address = address
    parsed.subject = header(message, "Subject")[:400]
    parsed.sent_at = _date(header(message, "Date"))
    parsed.in_reply_to = _MSG_ID.findall(header(message, "In-Reply-To"))[:20]
    parsed.references = _MSG_ID.findall(header(message, "References"))[-50:]
    parsed.auto_reason = auto_reason(message, address)


def _sender(value: str) -> tuple[str, str]:
    try:
        pairs = getaddresses([value])
    except Exception:
        return "", ""
    for name, address in pairs:
        address = address.strip().lower()
        if "@" in address and " " not in address and len(address) <= 320:
            return clean_text(name), address
    return "", ""


def _date(value: str) -> datetime | None:
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when


def auto_reason(message: Message, from_address: str) -> str:
    """Why this message was written by a machine (RFC 3834 and common practice): such mail
    is stored but never answered and never opens a ticket. "" for a person's mail."""
    auto_submitted = header(message, "Auto-Submitted").split(";")[0].strip().lower()
    if auto_submitted and auto_submitted != "no":
        return f"Auto-Submitted: {auto_submitted}"[:200]
    for name in ("Precedence", "X-Precedence"):
        value = header(message, name).strip().lower()
        if value in _AUTO_PRECEDENCE:
            return f"{name}: {value}"
    if header(message, "List-Id"):
        return "List-Id: " + header(message, "List-Id")[:150]
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Reply"):
        if header(message, name):
            return f"{name}: {header(message, name)[:100]}"
    if message.get("Return-Path") is not None and header(message, "Return-Path") in {"<>", ""}:
        return "Return-Path: <> (a bounce)"
    local = from_address.partition("@")[0]
    if local in {"mailer-daemon", "postmaster"} or local.startswith("owner-"):
        return f"From: {from_address} (a bounce or list robot)"
    if local.endswith("-request"):
        return f"From: {from_address} (a list robot)"
    content_type = header(message, "Content-Type").split(";")[0].strip().lower()
    if content_type in {"multipart/report", "message/delivery-status"}:
        return f"Content-Type: {content_type} (a delivery or read report)"
    return ""


# ----- content -----------------------------------------------------------------------------


def _read_content(message: EmailMessage, parsed: ParsedEmail, attachment_max_bytes: int) -> None:
    plain = message.get_body(preferencelist=("plain",))
    html_part = message.get_body(preferencelist=("html",))
    texts: list[str] = []
    if plain is not None:
        texts.append(decode_text(plain))
    if html_part is not None:
        markup = decode_text(html_part)[:HTML_MAX_CHARS]
        parsed.html = clean_html(markup)
        if plain is None:
            texts.append(html_to_text(markup))
    body_parts = {id(plain), id(html_part)}
    for part in _leaves(message):
        if id(part) in body_parts:
            continue
        if _is_inline_text(part):
            # Some clients split the text around inline pictures: keep all of it.
            texts.append(decode_text(part))
            continue
        index = len(parsed.attachments) + 1
        parsed.attachments.append(_attachment(part, index, attachment_max_bytes))
    text = clean_text("\n\n".join(t.strip() for t in texts if t.strip()))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text) > BODY_MAX_CHARS:
        text = text[:BODY_MAX_CHARS] + "\n" + _("[… shortened; the full message is kept.]")
    parsed.text = text


def _leaves(part: MIMEPart):
    """The leaf parts in order; an attached message counts as one leaf (one .eml file)."""
    if part.get_content_maintype() == "message":
        yield part
        return
    if part.is_multipart():
        for sub in part.iter_parts():
            yield from _leaves(sub)
    else:
        yield part


def _is_inline_text(part: Message) -> bool:
    return (
        part.get_content_type() == "text/plain"
        and part.get_filename() is None
        and part.get_content_disposition() != "attachment"
    )


def decode_text(part: Message) -> str:
    """A text part as str: its declared charset if that decodes, else UTF-8, else
    Windows-1252, else UTF-8 with replacement characters. Never raises."""
    # decode=True on a leaf part: bytes, or None when there is no payload.
    payload = cast(bytes | None, part.get_payload(decode=True)) or b""
    if isinstance(payload, str):  # pragma: no cover - decode=True gives bytes
        return payload
    candidates = []
    charset = part.get_content_charset()
    if charset:
        candidates.append(charset)
    candidates += ["utf-8", "windows-1252"]
    for candidate in candidates:
        try:
            return payload.decode(candidate)
        except (LookupError, UnicodeError):
            continue
    return payload.decode("utf-8", errors="replace")


def _attachment(part: Message, index: int, max_bytes: int) -> MailAttachment:
    content_type = part.get_content_type()[:100]
    if part.get_content_maintype() == "message":
        data = _attached_message_bytes(part)
    else:
        data = cast(bytes | None, part.get_payload(decode=True)) or b""
    name = safe_filename(part.get_filename() or "", content_type, index)
    size = len(data)
    return MailAttachment(
        name=name,
        content_type=content_type,
        size=size,
        data=data if size <= max_bytes else None,
    )


def _attached_message_bytes(part: Message) -> bytes:
    payload = part.get_payload()
    inner = payload[0] if isinstance(payload, list) and payload else None
    try:
        if isinstance(inner, Message):
            return inner.as_bytes()
        return part.as_bytes()
    except Exception:
        return str(part).encode("utf-8", errors="replace")


def safe_filename(name: str, content_type: str, index: int) -> str:
    """A file name to show and offer for download: no path, no control characters."""
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip(" .")
    if not name:
        if content_type == "message/rfc822":
            extension = ".eml"
        else:
            extension = mimetypes.guess_extension(content_type) or ".bin"
        name = f"attachment-{index}{extension}"
    if len(name) > 200:
        stem, dot, extension = name.rpartition(".")
        name = f"{stem[: 190 - len(extension)]}.{extension}" if dot else name[:200]
    return name
