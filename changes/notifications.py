"""Who hears about changes, and in which words. The machinery (the in-app inbox and its
mail preferences, the notification log, delivery after commit) is the platform's:
servicedesk/inbox.py and servicedesk/notifications.py.

- Staff: when a change linked to a problem that is still open is implemented, the
  problem's manager (its owner, or every problem manager while it has none) is told in
  the app (and by mail, as they chose), so the problem can be resolved with the change.
- Customers: when the change manager chose to tell them, the contacts of the affected
  organisations (changes/selectors_portal.py) are mailed once, when the change is
  scheduled: in their own language, with the window in their organisation's time zone,
  worded for customers (the services and the window; never the plans)."""

from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from changes.models import ChangeRequest
from changes.selectors_portal import MAINTENANCE_STATUSES, affected_contacts, affected_services
from problems.models import OPEN_STATUSES, Problem
from servicedesk.inbox import StaffMail, inbox_notify
from servicedesk.models import Contact, InAppNotification, Notification
from servicedesk.notification_events import register_event
from servicedesk.notifications import (
    absolute_url,
    contact_salutation,
    notification_queue,
    recipient_key,
    render_text,
)
from servicedesk.roles import PROBLEM_MANAGER
from servicedesk.workflow import Actor, person, save_with_history

EVENT_FIX_IMPLEMENTED = "change_fix_implemented"
EVENT_MAINTENANCE = "change_maintenance"
#: How a window is written in a mail (in the contact's language and time zone).
WINDOW_FORMAT = "D d M Y H:i"


def register_events() -> None:
    register_event(
        EVENT_FIX_IMPLEMENTED,
        gettext_lazy("A change that fixes my problem is implemented"),
        staff=True,
        log_label=gettext_lazy("Fix implemented (to problem managers)"),
    )
    register_event(EVENT_MAINTENANCE, gettext_lazy("Planned maintenance announced"))


# ----- staff: the problem's manager ---------------------------------------------------------


def notify_fix_implemented(*, change: ChangeRequest, actor: Actor) -> list[InAppNotification]:
    """Tell the managers of the change's open problems that it is implemented (once per
    problem and change). Call once the change has committed as implemented."""
    problems = list(
        Problem.objects.filter(changes=change, status__in=OPEN_STATUSES)
        .select_related("owner")
        .order_by("pk")
    )
    if not problems:
        return []
    everyone: list | None = None
    told: list[InAppNotification] = []
    with translation.override(settings.LANGUAGE_CODE):
        for problem in problems:
            owner = problem.owner
            if owner is not None and owner.is_active:
                recipients = [owner]
            else:
                if everyone is None:
                    everyone = _problem_managers()
                recipients = everyone
            told += _tell_manager(change, problem, recipients, actor)
    return told


def _problem_managers() -> list:
    User = get_user_model()
    return list(User.objects.filter(is_active=True, groups__name=PROBLEM_MANAGER).distinct())


def _tell_manager(
    change: ChangeRequest, problem: Problem, recipients: list, actor: Actor
) -> list[InAppNotification]:
    """Call inside translation.override(LANGUAGE_CODE): the words are stored as written."""
    verb = _("%(change)s is implemented: resolve the problem with it?") % {"change": change.number}
    path = reverse("problems:detail", args=[problem.number])
    body = render_text(
        "changes/email/fix_implemented.txt",
        {
            "change": change,
            "problem": problem,
            "problem_url": absolute_url(path),
            "change_url": absolute_url(reverse("changes:detail", args=[change.number])),
        },
    )
    return inbox_notify(
        recipients=recipients,
        event=EVENT_FIX_IMPLEMENTED,
        verb=verb,
        target=problem,
        target_label=f"{problem.number} {problem.title}",
        url=path,
        actor=person(actor),
        occurrence=change.number,
        mail=StaffMail(
            subject=f"[{problem.number}] {verb} – {problem.title}",
            body=body,
            thread_root=problem.number,
        ),
    )


# ----- customers: planned maintenance ----------------------------------------------------


def should_tell_customers(change: ChangeRequest) -> bool:
    """The change manager chose it, nobody was told yet, and the window is still ahead
    (or open) of a change that is scheduled or under way."""
    return bool(
        change.notify_customers
        and change.customers_notified_at is None
        and change.status in MAINTENANCE_STATUSES
        and change.has_window()
        and change.planned_end > timezone.now()  # type: ignore[operator]
    )


def change_notify_customers(*, change_id: int) -> list[Notification]:
    """Mail the contacts of the affected organisations about the change's window, once:
    the change's row is locked, and `customers_notified_at` set in the same transaction
    says it was done (a second run, or a run for a change that needs none, mails nobody).
    Returns the messages queued by this call (each is sent once the transaction commits)."""
    with transaction.atomic():
        change = ChangeRequest.objects.select_for_update().filter(pk=change_id).first()
        if change is None or not should_tell_customers(change):
            return []
        services = affected_services(change)
        queued = []
        for contact in affected_contacts(services):
            notification = _mail_contact(change, contact, services[contact.organisation_id])
            if notification is not None:
                queued.append(notification)
        change.customers_notified_at = timezone.now()
        save_with_history(
            change,
            actor=None,
            reason=_("Affected customers told (%(count)d contacts)") % {"count": len(queued)},
            fields=["customers_notified_at"],
        )
    return queued


def _mail_contact(
    change: ChangeRequest, contact: Contact, services: list[str]
) -> Notification | None:
    zone_name = contact.organisation.time_zone
    with translation.override(contact.language), timezone.override(ZoneInfo(zone_name)):
        start = date_format(timezone.localtime(change.planned_start), WINDOW_FORMAT)
        end = date_format(timezone.localtime(change.planned_end), WINDOW_FORMAT)
        subject = _("Planned maintenance on %(services)s: %(start)s") % {
            "services": ", ".join(services),
            "start": start,
        }
        body = render_text(
            "changes/email/maintenance.txt",
            {
                "salutation": contact_salutation(contact),
                "services": services,
                "start": start,
                "end": end,
                "time_zone": zone_name,
                "number": change.number,
                "portal_url": _portal_url() if contact.user_id else "",
            },
        )
    return notification_queue(
        recipient_email=contact.email,
        event=EVENT_MAINTENANCE,
        target=change,
        subject=subject,
        body=body,
        dedupe_key=(
            f"change:{change.pk}:{EVENT_MAINTENANCE}:c{contact.pk}:{recipient_key(contact.email)}"
        ),
        thread_root=change.number,
        contact=contact,
    )


def _portal_url() -> str:
    try:
        return absolute_url(reverse("portal:home"))
    except NoReverseMatch:  # an installation without the portal's ticket pages
        return ""
