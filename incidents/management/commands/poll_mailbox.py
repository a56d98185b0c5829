"""Read the IMAP mailboxes configured in the admin once (the beat task
incidents.tasks.poll_mailboxes does the same every minute)."""

from django.core.management.base import BaseCommand, CommandError
from django.db import InterfaceError, OperationalError

from incidents.intake import imap
from incidents.intake.models import Mailbox

EX_TEMPFAIL = 75


class Command(BaseCommand):
    help = "Fetch new mail from the active IMAP mailboxes (or the one named) and process it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--mailbox", help="The name of one mailbox (also polled when inactive)."
        )

    def handle(self, *args, **options):
        if options["mailbox"]:
            mailboxes = list(Mailbox.objects.filter(name=options["mailbox"]))
            if not mailboxes:
                raise CommandError(f"No mailbox named {options['mailbox']!r}.")
        else:
            mailboxes = list(Mailbox.objects.filter(is_active=True))
            if not mailboxes:
                self.stdout.write("No active mailbox is configured (see the admin).")
                return
        failed = []
        for mailbox in mailboxes:
            try:
                result = imap.poll_mailbox(mailbox)
            except (OperationalError, InterfaceError) as exc:
                raise CommandError(f"Database unavailable: {exc}", returncode=EX_TEMPFAIL) from exc
            except Exception as exc:
                failed.append(mailbox.name)
                self.stderr.write(f"{mailbox.name}: {type(exc).__name__}: {exc}")
                continue
            self.stdout.write(str(result))
        if failed:
            raise CommandError(f"Polling failed for: {', '.join(failed)}")
