"""Read one raw email on standard input and store it: for a mail server's pipe, e.g.
Postfix `servicedesk unix - n n - - pipe flags=Rq user=servicedesk argv=/srv/servicedesk/
.venv/bin/python /srv/servicedesk/manage.py ingest_email`.

Exit status (sysexits.h, what mail servers understand):
- 0: stored (a ticket, a comment, the quarantine, or ignored automatic mail), a message
  that was stored before (delivered twice), or a message refused as too large (its
  sender, unless an auto-responder, gets our "not delivered" answer; a line on stderr
  says so);
- 75 (EX_TEMPFAIL): a temporary failure (the database or the disk is away); the mail
  server keeps the message and delivers it again later.

What the command writes ends up in the mail server's log and in bounces: nothing on
success, one plain line on a temporary failure or a refusal. Its log lines and warnings
(with a failure's traceback) go to the file INGEST_EMAIL_LOG instead of the console.
"""

import logging
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from incidents.intake import email as intake
from servicedesk.database import connect_directly

EX_TEMPFAIL = 75

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Store one raw email read from standard input (for a mail server's pipe)."
    # Run once per message: skip the system checks (`manage.py check` does them).
    requires_system_checks = []

    def handle(self, *args, **options):
        with logged_to_file(settings.INGEST_EMAIL_LOG):
            self.ingest(options["verbosity"])

    def ingest(self, verbosity: int) -> None:
        # One message per process: a direct connection, which fails fast when the
        # database is down (exit 75 within DATABASE_CONNECT_TIMEOUT) instead of waiting
        # for a pool.
        connect_directly()
        try:
            result = intake.ingest_stream(sys.stdin.buffer)
        except Exception as exc:
            # Whatever it was, the message is not stored: let the mail server retry.
            logger.exception("ingest_email: temporary failure")
            raise CommandError(
                "Temporary failure, the message was not stored; the mail server will "
                "deliver it again later.",
                returncode=EX_TEMPFAIL,
            ) from exc
        email = result.email
        if result.duplicate:
            summary = f"already stored: {email.message_id} ({email.status})"
        else:
            summary = f"{email.status}: {email.message_id} {email.reason}"
        if email.status == email.Status.REJECTED and not result.duplicate:
            self.stderr.write(f"ingest_email: message refused: {email.reason}")
        logger.info("ingest_email: %s", summary)
        if verbosity > 1:
            self.stdout.write(summary)


@contextmanager
def logged_to_file(path: str) -> Iterator[None]:
    """The root logger's console handlers swapped for the file at `path` (nothing, if it
    cannot be opened), warnings logged too; as they were afterwards."""
    root = logging.getLogger()
    consoles = [h for h in root.handlers if type(h) is logging.StreamHandler]
    handler: logging.Handler
    try:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        handler = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(process)d %(levelname)s %(name)s: %(message)s")
    )
    for console in consoles:
        root.removeHandler(console)
    root.addHandler(handler)
    logging.captureWarnings(True)
    try:
        yield
    finally:
        logging.captureWarnings(False)
        root.removeHandler(handler)
        handler.close()
        for console in consoles:
            root.addHandler(console)
