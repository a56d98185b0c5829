"""What the people working a ticket are told, in the app and by mail (servicedesk/inbox.py
does the telling, once per event and person, never to the one who acted, mail as each
person chose).

Who: the assignee, or the members of the ticket's support group while nobody is
assigned. When: a ticket is assigned to them (also on escalation), the customer answered
(a contact's comment in the portal or by email), the customer rejected a resolution, or
the customer asked for a higher urgency. And the person named a major incident's manager
(on declaring it, or on a hand-over).

The ticket's followers (incidents/watchers.py) hear the same (in words for an onlooker:
"Assigned to Anna Berg"), and every other status change, as one kind of event of their
own that they can mute; someone who is also among the people working the ticket is told
once, as one of them. The SLA mails (at risk, breached) are separate:
incidents/notifications.py notify_staff."""

from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import Comment, Incident, Status
from incidents.watchers import watchers_to_tell
from servicedesk.inbox import StaffMail, inbox_notify
from servicedesk.models import InAppNotification, SupportGroup, Urgency
from servicedesk.notification_events import register_event
from servicedesk.people import display_name
from servicedesk.roles import contact_of

TICKET_ASSIGNED = "ticket_assigned"
CUSTOMER_REPLIED = "customer_replied"
RESOLUTION_REJECTED = "resolution_rejected"
URGENCY_REQUESTED = "urgency_raise_requested"
MAJOR_MANAGER_NAMED = "major_manager_named"
FOLLOWED_TICKET = "followed_ticket"


def register_events() -> None:
    """The staff events, for the preferences page and the notification log (apps.ready)."""
    for key, label, log_label in [
        (
            TICKET_ASSIGNED,
            gettext_lazy("A ticket is assigned to me or my group"),
            gettext_lazy("Assignment (to staff)"),
        ),
        (
            CUSTOMER_REPLIED,
            gettext_lazy("The customer answers"),
            gettext_lazy("Customer answered (to staff)"),
        ),
        (
            RESOLUTION_REJECTED,
            gettext_lazy("The customer rejects a resolution"),
            gettext_lazy("Resolution rejected (to staff)"),
        ),
        (
            URGENCY_REQUESTED,
            gettext_lazy("The customer asks for a higher urgency"),
            gettext_lazy("Higher urgency requested (to staff)"),
        ),
        (
            MAJOR_MANAGER_NAMED,
            gettext_lazy("I am named a major incident's manager"),
            gettext_lazy("Major incident manager named (to staff)"),
        ),
        (
            FOLLOWED_TICKET,
            gettext_lazy("Something happens on a ticket I follow"),
            gettext_lazy("Followed ticket (to staff)"),
        ),
    ]:
        register_event(key, label, staff=True, log_label=log_label)


def workers(incident: Incident) -> list:
    """The assignee, else (also when the assignee left) the active members of the
    ticket's support group."""
    if incident.assignee is not None and incident.assignee.is_active:
        return [incident.assignee]
    if incident.support_group_id is None:
        return []
    User = get_user_model()
    return list(User.objects.filter(is_active=True, support_groups=incident.support_group_id))


def notify_assigned(*, incident: Incident, actor) -> list[InAppNotification]:
    with translation.override(settings.LANGUAGE_CODE):
        group = cast(SupportGroup, incident.support_group)  # assigning sets the group
        if incident.assignee is not None and incident.assignee.is_active:
            verb = _("Assigned to you")
            onlooker = _("Assigned to %(person)s") % {"person": display_name(incident.assignee)}
        else:
            verb = _("Assigned to your group %(group)s") % {"group": group.name}
            onlooker = _("Assigned to the group %(group)s") % {"group": group.name}
        return _tell(
            incident,
            TICKET_ASSIGNED,
            verb,
            actor,
            occurrence=f"v{incident.version}",
            followers_verb=onlooker,
        )


def notify_rejected(*, incident: Incident, actor, reason: str) -> list[InAppNotification]:
    with translation.override(settings.LANGUAGE_CODE):
        verb = _("The customer rejected the resolution")
        return _tell(
            incident,
            RESOLUTION_REJECTED,
            verb,
            actor,
            occurrence=f"v{incident.version}",
            text=reason,
            followers_verb=verb,
        )


def notify_status_changed(
    *, incident: Incident, target: str, actor, reason: str = ""
) -> list[InAppNotification]:
    """The followers of a status change the people working the ticket are not told about
    (an assignment and a rejection are: notify_assigned, notify_rejected)."""
    with translation.override(settings.LANGUAGE_CODE):
        verb = _("Status changed to %(status)s") % {"status": Status(target).label}
        return _tell_followers(
            incident, verb, actor, occurrence=f"status:v{incident.version}", text=reason
        )


def notify_customer_replied(
    *, incident: Incident, comment: Comment, actor
) -> list[InAppNotification]:
    """A contact's comment (portal or email); support's own comments tell nobody here."""
    if not (comment.author_contact_id or _by_contact(comment)):
        return []
    with translation.override(settings.LANGUAGE_CODE):
        verb = _("The customer answered")
        return _tell(
            incident,
            CUSTOMER_REPLIED,
            verb,
            actor,
            occurrence=f"c{comment.pk}",
            text=comment.body,
            followers_verb=verb,
        )


def notify_urgency_requested(
    *, incident: Incident, comment: Comment, actor
) -> list[InAppNotification]:
    if incident.requested_urgency is None:
        return []
    with translation.override(settings.LANGUAGE_CODE):
        verb = _("The customer asks for urgency %(urgency)s") % {
            "urgency": Urgency(incident.requested_urgency).label
        }
        return _tell(
            incident,
            URGENCY_REQUESTED,
            verb,
            actor,
            occurrence=f"c{comment.pk}",
            text=comment.body,
            followers_verb=verb,
        )


def notify_major_manager(
    *, incident: Incident, manager, actor, reason: str = ""
) -> list[InAppNotification]:
    """The person named to manage a major incident (on declaring it or on a hand-over)."""
    with translation.override(settings.LANGUAGE_CODE):
        verb = _("You are the manager of major incident %(number)s") % {"number": incident.number}
        return _tell(
            incident,
            MAJOR_MANAGER_NAMED,
            verb,
            actor,
            occurrence=f"manager{manager.pk}:v{incident.version}",
            text=reason,
            recipients=[manager],
        )


def _by_contact(comment: Comment) -> bool:
    return comment.author is not None and contact_of(comment.author) is not None


def _tell(
    incident: Incident,
    event: str,
    verb: str,
    actor,
    *,
    occurrence: str,
    text: str = "",
    recipients: list | None = None,
    followers_verb: str | None = None,
) -> list[InAppNotification]:
    """Call inside translation.override(LANGUAGE_CODE): the words are stored as written.
    Told: `recipients`, by default the people working the ticket (workers); then, with
    `followers_verb`, the ticket's followers who are not among them."""
    told = workers(incident) if recipients is None else recipients
    created = _notify(incident, event, verb, actor, told, occurrence=occurrence, text=text)
    if followers_verb is not None:
        created += _tell_followers(
            incident,
            followers_verb,
            actor,
            occurrence=f"{event}:{occurrence}",
            text=text,
            besides=told,
        )
    return created


def _tell_followers(
    incident: Incident, verb: str, actor, *, occurrence: str, text: str = "", besides=()
) -> list[InAppNotification]:
    """The followers who may still see the ticket, except those in `besides` (told
    already, in their own words)."""
    skip = {user.pk for user in besides}
    followers = [user for user in watchers_to_tell(incident) if user.pk not in skip]
    return _notify(
        incident, FOLLOWED_TICKET, verb, actor, followers, occurrence=occurrence, text=text
    )


def _notify(
    incident: Incident, event: str, verb: str, actor, people: list, *, occurrence: str, text: str
) -> list[InAppNotification]:
    from incidents.notifications import render_staff_mail

    if not people:
        return []
    path = reverse("incidents:detail", args=[incident.number])
    label = f"{incident.number} {incident.title}"
    message = f"{verb}.\n\n{text}".strip() if text else f"{verb}."
    mail = StaffMail(
        subject=f"[{incident.number}] {verb}: {incident.title}",
        body=render_staff_mail(incident, message),
        thread_root=incident.number,
    )
    return inbox_notify(
        recipients=people,
        event=event,
        verb=verb,
        target=incident,
        target_label=label,
        url=path,
        actor=actor,
        occurrence=occurrence,
        mail=mail,
    )
