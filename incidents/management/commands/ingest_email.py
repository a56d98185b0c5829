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
"""

import logging
import sys

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
                f"Temporary failure, the message was not stored: {type(exc).__name__}: {exc}",
                returncode=EX_TEMPFAIL,
            ) from exc
        email = result.email
        if result.duplicate:
            summary = f"already stored: {email.message_id} ({email.status})"
        else:
            summary = f"{email.status}: {email.message_id} {email.reason}"
        if email.status == email.Status.REJECTED and not result.duplicate:
            self.stderr.write(f"ingest_email: message refused: {email.reason}")
        if options["verbosity"] > 1:
            self.stdout.write(summary)
