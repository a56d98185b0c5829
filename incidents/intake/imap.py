"""Polling the IMAP mailboxes configured in the admin (imaplib, stdlib).

For each message: fetch it (BODY.PEEK, so a failed poll leaves it unread), store and
process it in its own transaction (incidents/intake/email.py), and only once that has
committed flag it as seen and deleted, or move it to the processed folder. A poll killed
half-way therefore loses nothing: a message whose ticket was committed but which was not
yet removed is fetched again next time, recognised by its Message-ID, and only removed.
"""

import contextlib
import imaplib
import logging
import re
import ssl
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.utils import timezone

from incidents.intake import email as intake
from incidents.intake import mime
from incidents.intake.models import Mailbox

logger = logging.getLogger(__name__)

_SIZE = re.compile(rb"RFC822\.SIZE (\d+)")


class MailboxError(Exception):
    """The IMAP server refused something (login, folder, fetch, store)."""


@dataclass
class PollResult:
    mailbox: str
    fetched: int = 0
    stored: int = 0
    duplicates: int = 0
    removed: int = 0
    outcomes: dict[str, int] = field(default_factory=dict)

    def __str__(self) -> str:
        outcomes = ", ".join(f"{k}: {v}" for k, v in sorted(self.outcomes.items())) or "-"
        return (
            f"{self.mailbox}: {self.fetched} fetched, {self.stored} stored, "
            f"{self.duplicates} already stored, {self.removed} removed ({outcomes})"
        )


def poll_all() -> list[PollResult]:
    """Poll every active mailbox; one failing mailbox does not keep the others waiting.
    A database failure stops the run (nothing can be stored)."""
    results = []
    for mailbox in Mailbox.objects.filter(is_active=True):
        try:
            results.append(poll_mailbox(mailbox))
        except (OperationalError, InterfaceError):
            raise
        except Exception:
            logger.exception("Polling mailbox %s failed", mailbox.name)
    return results


def poll_mailbox(mailbox: Mailbox, *, batch: int | None = None) -> PollResult:
    """Read up to `batch` (EMAIL_POLL_BATCH) messages from one mailbox. Each message is
    committed before it is removed from the server, so this must not run inside a
    transaction. Records the outcome on the mailbox (last polled, last error)."""
    if connection.in_atomic_block:
        raise RuntimeError("poll_mailbox commits message by message: call it outside atomic().")
    result = PollResult(mailbox=mailbox.name)
    try:
        client = connect(mailbox)
        try:
            _poll(client, mailbox, batch or settings.EMAIL_POLL_BATCH, result)
        finally:
            _logout(client)
    except Exception as exc:
        # If the database is away, the original error says more than this one would.
        with contextlib.suppress(DatabaseError):
            _record(mailbox, error=f"{type(exc).__name__}: {exc}")
        raise
    _record(mailbox, error="")
    return result


def connect(mailbox: Mailbox) -> imaplib.IMAP4:
    timeout = settings.EMAIL_IMAP_TIMEOUT
    try:
        if mailbox.use_ssl:
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                mailbox.host,
                mailbox.port,
                ssl_context=ssl.create_default_context(),
                timeout=timeout,
            )
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            if mailbox.use_starttls:
                client.starttls(ssl_context=ssl.create_default_context())
        client.login(mailbox.username, mailbox.password)
        # Servers announce more after login (MOVE, UIDPLUS); imaplib keeps the first list.
        typ, data = client.capability()
        if typ == "OK" and data and data[0]:
            client.capabilities = tuple(data[0].decode(errors="replace").upper().split())
    except imaplib.IMAP4.error as exc:
        raise MailboxError(f"{mailbox.host}:{mailbox.port}: {exc}") from exc
    return client


def _uid(client: imaplib.IMAP4, command: str, *args: str | bytes | None) -> tuple[str, list]:
    """`client.uid`: imaplib sends the bytes uids SEARCH returned as they are (and None
    as no charset); typeshed allows only str."""
    return client.uid(command, *args)  # type: ignore[arg-type]


def _poll(client: imaplib.IMAP4, mailbox: Mailbox, batch: int, result: PollResult) -> None:
    _ok(client.select(quote(mailbox.folder)), f"select {mailbox.folder}")
    if mailbox.after_processing == Mailbox.AfterProcessing.MOVE:
        _ensure_folder(client, mailbox.processed_folder)
    typ, data = _uid(client, "SEARCH", None, "UNDELETED")
    _ok((typ, data), "search")
    uids = (data[0] or b"").split()[:batch]
    try:
        for uid in uids:
            stored = _take(client, mailbox, uid, result)
            if stored:
                # The message's record and ticket are committed: now it may go.
                mark_processed(client, mailbox, uid)
                result.removed += 1
    finally:
        if result.removed and _flags_deleted(client, mailbox):
            try:
                client.expunge()
            except (imaplib.IMAP4.error, OSError):
                # Flagged \Deleted already: the next poll skips and expunges them.
                logger.warning("Expunge on %s failed", mailbox.name, exc_info=True)


def _take(client: imaplib.IMAP4, mailbox: Mailbox, uid: bytes, result: PollResult) -> bool:
    """Fetch, store and process one message; True once it is safely committed."""
    typ, data = _uid(client, "FETCH", uid, "(RFC822.SIZE)")
    _ok((typ, data), f"fetch size of {uid!r}")
    found = _SIZE.search(b" ".join(d for d in data if isinstance(d, bytes)))
    if found is None:
        return False  # gone meanwhile (another client expunged it)
    result.fetched += 1
    size = int(found.group(1))
    if size > settings.EMAIL_MAX_MESSAGE_BYTES:
        head = _fetch(client, uid, "BODY.PEEK[HEADER]")
        outcome = intake.ingest_oversized(
            head=head, size=size, digest=mime.digest(head + str(size).encode())
        )
    else:
        outcome = intake.ingest_message(_fetch(client, uid, "BODY.PEEK[]"), mailbox=mailbox)
    if outcome.duplicate:
        result.duplicates += 1
    else:
        result.stored += 1
        status = outcome.email.status
        result.outcomes[status] = result.outcomes.get(status, 0) + 1
    return True


def _fetch(client: imaplib.IMAP4, uid: bytes, what: str) -> bytes:
    typ, data = _uid(client, "FETCH", uid, f"({what})")
    _ok((typ, data), f"fetch {uid!r}")
    for item in data:
        if isinstance(item, tuple) and len(item) == 2:
            return item[1]
    raise MailboxError(f"fetch {uid!r}: no message data")


def mark_processed(client: imaplib.IMAP4, mailbox: Mailbox, uid: bytes) -> None:
    """After the commit: move the message to the processed folder, or flag it seen and
    deleted (expunged at the end of the poll)."""
    if mailbox.after_processing == Mailbox.AfterProcessing.MOVE:
        target = quote(mailbox.processed_folder)
        _ok(_uid(client, "STORE", uid, "+FLAGS.SILENT", r"(\Seen)"), f"flag {uid!r}")
        if not _flags_deleted(client, mailbox):
            _ok(_uid(client, "MOVE", uid, target), f"move {uid!r}")
            return
        _ok(_uid(client, "COPY", uid, target), f"copy {uid!r}")
    _ok(_uid(client, "STORE", uid, "+FLAGS.SILENT", r"(\Seen \Deleted)"), f"flag {uid!r}")


def _flags_deleted(client: imaplib.IMAP4, mailbox: Mailbox) -> bool:
    """Whether processed messages are flagged \\Deleted (and expunged after the poll):
    always in delete mode, and in move mode on a server without MOVE (COPY + delete)."""
    if mailbox.after_processing == Mailbox.AfterProcessing.DELETE:
        return True
    return "MOVE" not in _capabilities(client)


def quote(name: str) -> str:
    """An IMAP quoted string (folder names may contain spaces)."""
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _capabilities(client: imaplib.IMAP4) -> set[str]:
    return {c.decode() if isinstance(c, bytes) else c for c in client.capabilities}


def _ensure_folder(client: imaplib.IMAP4, name: str) -> None:
    typ, data = client.list('""', quote(name))
    if typ == "OK" and any(d for d in data if d):
        return
    _ok(client.create(quote(name)), f"create {name}")


def _ok(response, what: str) -> None:
    typ, data = response
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise MailboxError(f"IMAP {what}: {typ} {detail}".strip())


def _logout(client: imaplib.IMAP4) -> None:
    with contextlib.suppress(imaplib.IMAP4.error, OSError):
        client.logout()


def _record(mailbox: Mailbox, *, error: str) -> None:
    # No history row for bookkeeping: a plain update.
    Mailbox.objects.filter(pk=mailbox.pk).update(
        last_polled_at=timezone.now(), last_error=error[:2000]
    )
