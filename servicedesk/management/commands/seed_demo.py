"""Demo data for a first look: two customers with their SLAs, a service catalogue, support
groups on every line, a login per role and a few weeks of tickets in every status.

The reference data comes from servicedesk/demo.py; then every installed app's `demo.py`
that has a `seed(data)` adds its own, in the order of INSTALLED_APPS (incidents/demo.py:
the tickets, played through the app's services with a frozen clock). Running the command
again changes nothing: the demo organisations are the marker.

Mail sent while seeding (to the demo contacts and staff) is written to files under
var/mail/, whatever EMAIL_HOST says: the demo addresses are not real ones.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from importlib import import_module
from types import ModuleType

from django.apps import apps
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from servicedesk import demo
from servicedesk.models import Notification

#: How long before the first ticket the customers, staff and catalogue were set up.
SETUP_BEFORE = timedelta(days=42)


class Command(BaseCommand):
    help = "Load demo customers, services, support groups, logins and tickets (idempotent)."

    def handle(self, *args, **options) -> None:
        if demo.is_seeded():
            self.stdout.write("The demo data is already there; nothing changed.")
            return
        clashes = demo.clashes()
        if clashes:
            raise CommandError(
                "Not seeding: these already exist without the demo organisations: "
                + ", ".join(clashes)
            )
        data = demo.DemoData(now=timezone.now().replace(second=0, microsecond=0))
        mails_before = Notification.objects.count()
        with demo_mail(), quiet_task_log():
            with demo.frozen_clock(data.now - SETUP_BEFORE), transaction.atomic():
                demo.seed(data)
            for module in app_demos():
                module.seed(data)
        self._summary(data, Notification.objects.count() - mails_before)

    def _summary(self, data: demo.DemoData, mails: int) -> None:
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        for module in [demo, *app_demos()]:
            for line in module.summary(data):
                self.stdout.write(f"  {line}")
        self.stdout.write(f"  {mails} notification mails, written to {mail_dir()}/ (not sent)")
        self.stdout.write(
            f"  Logins (password '{demo.PASSWORD}'): {', '.join(demo.logins())}; "
            "the README says what each one sees"
        )


def app_demos() -> list[ModuleType]:
    """The demo module of every installed app after this one that has one."""
    modules = []
    for config in apps.get_app_configs():
        if config.name == "servicedesk":
            continue
        try:
            module = import_module(f"{config.name}.demo")
        except ModuleNotFoundError as error:
            if error.name != f"{config.name}.demo":
                raise
            continue
        if hasattr(module, "seed"):
            modules.append(module)
    return modules


def mail_dir() -> str:
    return str(settings.VAR_DIR / "mail")


@contextmanager
def demo_mail() -> Iterator[None]:
    """Write the demo's mail to files rather than deliver it to an SMTP server. Other
    mailers (the file-based one of `make run`, the tests' locmem one) stay as they are."""
    configured = getattr(settings, "MAILERS", {}).get("default", {}).get("BACKEND", "")
    if not configured.endswith(".smtp.EmailBackend"):
        yield
        return
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": mail_dir()},
        }
    }
    with override_settings(MAILERS=mailers):
        yield


@contextmanager
def quiet_task_log() -> Iterator[None]:
    """Tasks run in-process while seeding (one per mail): keep their "succeeded" lines
    off the terminal; warnings and errors still show."""
    loggers = [logging.getLogger(name) for name in ("celery.app.trace", "kombu.connection")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.setLevel(logging.WARNING + 1)
    try:
        yield
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.setLevel(level)
