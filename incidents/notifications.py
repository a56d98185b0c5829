"""What people are told about tickets. servicedesk/notifications.py owns the machinery
(the log, threading, delivery, retries); this module decides who hears what, in which
words and language.

The contact hears about the registration, every status change and every public reply
of support, in the contact's language, with their form of address and a link to the
portal page (when they have a portal login). Contacts the agent copied on the ticket (CC,
incidents/cc.py) get the status changes and public replies too, each in their language.

What a status mail may quote: a transition's reason is quoted only when the contact
was meant to read it, i.e. when it is also posted as a public comment: what information
is needed (Information needed), the resolution or why the ticket was invalid (Completed),
and the contact's own rejection (Rejected by user). Everything else stays internal: an
escalation's or reassignment's reason, a resume note, the free comment on engaging a
third party, and the third party's name itself (the mail says a third party is engaged,
not which vendor; the portal does not show it either). The rule is by target status, so
a transition added later quotes nothing until someone decides it should.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.cc import cc_recipients
from incidents.models import Comment, Incident, Status
from servicedesk import roles
from servicedesk.models import Contact, Notification
from servicedesk.notification_events import register_event
from servicedesk.notifications import (
    absolute_url,
    contact_salutation,
    notification_queue,
    recipient_key,
    render_text,
)
from servicedesk.roles import contact_of

EVENT_REGISTERED = "registered"
EVENT_PUBLIC_REPLY = "public_reply"
#: Stored as "status_changed:<target status>".
EVENT_STATUS_CHANGED = "status_changed"

#: Target statuses whose transition reason is written for the contact (see above).
PUBLIC_REASON_TARGETS = frozenset(
    {Status.INFORMATION_NEEDED, Status.COMPLETED, Status.REJECTED_BY_USER}
)


def register_events() -> None:
    """The contact's and the SLA's events in words, for the notification log (apps.ready)."""
    register_event(EVENT_REGISTERED, gettext_lazy("Ticket registered"))
    register_event(
        EVENT_STATUS_CHANGED,
        gettext_lazy("Status changed"),
        describe=lambda status: (
            _("Status changed to %(status)s") % {"status": Status(status).label}
        ),
    )
    register_event(EVENT_PUBLIC_REPLY, gettext_lazy("Reply from support"))
    register_event("sla_at_risk", gettext_lazy("SLA at risk"))
    register_event("sla_breached_response", gettext_lazy("Reaction time breached"))
    register_event("sla_breached_resolution", gettext_lazy("Resolution time breached"))


def _dedupe_key(incident: Incident, event: str, occurrence: str, email: str) -> str:
    """One event (and occurrence of it) for one recipient is queued once."""
    return f"incident:{incident.pk}:{event}:{occurrence}:{recipient_key(email)}"


#: A plain-text template, without the blank lines its tags leave behind.
_render = render_text


def _reachable(contact: Contact) -> bool:
    return contact.is_active and bool(contact.email)


def _contact_context(incident: Incident, contact: Contact, **extra) -> dict:
    portal_url = ""
    if contact.user_id:
        portal_url = absolute_url(reverse("portal:ticket", args=[incident.number]))
    return {
        "incident": incident,
        "salutation": contact_salutation(contact),
        "portal_url": portal_url,
        **extra,
    }


# ----- the contact -------------------------------------------------------------------------


def notify_contact_registered(*, incident: Incident) -> Notification | None:
    """Tell the contact their ticket is registered, with its number."""
    contact = incident.contact
    if not _reachable(contact):
        return None
    with translation.override(contact.language):
        subject = _("[%(number)s] Registered – %(title)s") % {
            "number": incident.number,
            "title": incident.title,
        }
        body = _render("incidents/email/registered.txt", _contact_context(incident, contact))
    return notification_queue(
        recipient_email=contact.email,
        event=EVENT_REGISTERED,
        target=incident,
        subject=subject,
        body=body,
        dedupe_key=_dedupe_key(incident, EVENT_REGISTERED, "1", contact.email),
        thread_root=incident.number,
        contact=contact,
    )


def notify_contact_status_changed(
    *, incident: Incident, source: str, target: str, reason: str = "", actor=None
) -> list[Notification]:
    """Tell the contact (and the ticket's CCs) the ticket's new status, quoting the reason
    only where it is public. A transition that keeps the status (reassigning an Assigned
    ticket) is not a change the contact hears about. `incident.version` tells one change
    from the next."""
    if source == target:
        return []  # a reassignment within Assigned: the contact's view did not change
    target = Status(target)
    event = f"{EVENT_STATUS_CHANGED}:{target.value}"
    public_reason = (reason or "").strip() if target in PUBLIC_REASON_TARGETS else ""
    queued = []
    for contact in contact_recipients(incident):
        with translation.override(contact.language):
            status = str(target.label)
            subject = _("[%(number)s] Status: %(status)s – %(title)s") % {
                "number": incident.number,
                "status": status,
                "title": incident.title,
            }
            body = _render(
                "incidents/email/status_changed.txt",
                _contact_context(
                    incident,
                    contact,
                    status=status,
                    target=target.value,
                    Status=Status,
                    reason=public_reason,
                    auto_closed=target == Status.CLOSED and actor is None,
                    auto_close_days=settings.AUTO_CLOSE_AFTER_DAYS,
                ),
            )
        notification = notification_queue(
            recipient_email=contact.email,
            event=event,
            target=incident,
            subject=subject,
            body=body,
            dedupe_key=family_completion_key(incident, target, contact.email)
            or _dedupe_key(incident, event, f"v{incident.version}", contact.email),
            thread_root=incident.number,
            contact=contact,
        )
        if notification is not None:
            queued.append(notification)
    return queued


def family_completion_key(incident: Incident, target: str, email: str) -> str | None:
    """Resolving a major incident completes its children at the parent's resolution time
    (incidents/services/major.py): their completion mails share one key per recipient, so
    a contact with several tickets in the family (or CC'd on them) is told once. A ticket
    of the family completed on its own has a time of its own, hence a key of its own."""
    if target != Status.COMPLETED or incident.resolved_at is None:
        return None
    family = incident.pk if incident.is_major else incident.parent_id
    if family is None:
        return None
    resolved = incident.resolved_at.timestamp()
    return f"major:{family}:completed:{resolved:.6f}:{recipient_key(email)}"


def notify_contact_public_reply(*, incident: Incident, comment: Comment) -> list[Notification]:
    """Mail support's public reply to the contact and the ticket's CCs: the text, who
    wrote it, and the comment's files attached; once per comment and recipient. The
    contact answers by replying (the mail threads under the ticket and names its number),
    with or without a portal login."""
    if not comment.is_public or comment.author_contact_id or _by_contact(comment):
        return []
    files = [
        {"name": a.original_name, "path": a.file.name, "content_type": a.content_type}
        for a in comment.attachments.all()
    ]
    author = _person(comment.author)
    queued = []
    for contact in contact_recipients(incident):
        with translation.override(contact.language):
            subject = _("[%(number)s] New reply – %(title)s") % {
                "number": incident.number,
                "title": incident.title,
            }
            body = _render(
                "incidents/email/public_reply.txt",
                _contact_context(
                    incident,
                    contact,
                    author=author,
                    text=comment.body,
                    files=[f["name"] for f in files],
                ),
            )
        notification = notification_queue(
            recipient_email=contact.email,
            event=EVENT_PUBLIC_REPLY,
            target=incident,
            subject=subject,
            body=body,
            dedupe_key=_dedupe_key(incident, EVENT_PUBLIC_REPLY, f"c{comment.pk}", contact.email),
            thread_root=incident.number,
            contact=contact,
            attachments=files,
        )
        if notification is not None:
            queued.append(notification)
    return queued


def contact_recipients(incident: Incident) -> list[Contact]:
    """Who gets the contact's mail: the ticket's contact and its CCs, each address once,
    only active contacts with an address."""
    found: dict[str, Contact] = {}
    for contact in [incident.contact, *cc_recipients(incident)]:
        if _reachable(contact):
            found.setdefault(contact.email.strip().lower(), contact)
    return list(found.values())


def _by_contact(comment: Comment) -> bool:
    return comment.author is not None and contact_of(comment.author) is not None


def _person(user) -> str:
    if user is None:
        return _("Your service desk")
    return user.get_full_name() or user.get_username()


# ----- staff -------------------------------------------------------------------------------


def staff_recipients(incident: Incident) -> list[tuple[str, object | None]]:
    """(address, user or None) for the ticket's support group (its shared address if it
    has one, else its active members) and the service desk managers; each address once."""
    User = get_user_model()
    found: dict[str, tuple[str, object | None]] = {}
    group = incident.support_group
    if group is not None and group.email:
        found[group.email.lower()] = (group.email, None)
    elif group is not None:
        for user in group.members.filter(is_active=True).exclude(email="").only("pk", "email"):
            found.setdefault(user.email.lower(), (user.email, user))
    managers = (
        User.objects.filter(is_active=True, groups__name=roles.DESK_MANAGER)
        .exclude(email="")
        .only("pk", "email")
    )
    for user in managers:
        found.setdefault(user.email.lower(), (user.email, user))
    return list(found.values())


def notify_staff(
    *, incident: Incident, event: str, subject: str, body: str, occurrence: str = "1"
) -> list[Notification]:
    """Tell the ticket's support group and the service desk managers, e.g. about an SLA
    warning: `notify_staff(incident=i, event="sla_at_risk", subject=…, body=…)`.

    Each recipient gets the event once per `occurrence`: pass something that changes
    when the same event may rightly be sent again (e.g. the clock's due time). Returns
    the rows queued by this call (none for a repeated call)."""
    ticket_url = absolute_url(reverse("incidents:detail", args=[incident.number]))
    with translation.override(settings.LANGUAGE_CODE):
        full_subject = f"[{incident.number}] {subject}"
        full_body = _render(
            "incidents/email/staff.txt",
            {"incident": incident, "message": body, "ticket_url": ticket_url},
        )
    queued = []
    for email, user in staff_recipients(incident):
        notification = notification_queue(
            recipient_email=email,
            event=event,
            target=incident,
            subject=full_subject,
            body=full_body,
            dedupe_key=_dedupe_key(incident, event, occurrence, email),
            thread_root=incident.number,
            user=user,
        )
        if notification is not None:
            queued.append(notification)
    return queued


def render_staff_mail(incident: Incident, message: str) -> str:
    """The body of a mail to staff about a ticket: the message, the ticket's key facts and
    its link. Call inside the language the mail is written in."""
    ticket_url = absolute_url(reverse("incidents:detail", args=[incident.number]))
    return _render(
        "incidents/email/staff.txt",
        {"incident": incident, "message": message, "ticket_url": ticket_url},
    )
