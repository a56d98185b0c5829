"""What contacts hear about problems. When a problem is resolved, the contact of every
linked incident that is still open (and the contacts copied on it, as for the ticket's
status mail) is told, in their own language, that the cause behind their ticket is fixed
for good: once per incident, recipient and resolution (a problem reopened and resolved
again tells them again).

The permanent fix itself is not quoted: it is written for staff (hosts, versions,
vendors). When the problem's knowledge article is published for customers, the mail
links to it in the portal instead. The machinery (the log, threading under the ticket,
delivery after commit) is the platform's, servicedesk/notifications.py."""

from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from incidents.models import OPEN_STATUSES, Incident
from incidents.notifications import contact_recipients
from knowledge.models import Status as ArticleStatus
from knowledge.models import Visibility
from problems.models import Problem, Status
from servicedesk.models import Contact, Notification
from servicedesk.notification_events import register_event
from servicedesk.notifications import (
    absolute_url,
    contact_salutation,
    notification_queue,
    recipient_key,
    render_text,
)

EVENT_PROBLEM_RESOLVED = "problem_resolved"


def register_events() -> None:
    register_event(EVENT_PROBLEM_RESOLVED, gettext_lazy("Cause of the ticket fixed for good"))


def notify_problem_resolved(*, problem: Problem) -> list[Notification]:
    """Tell the contacts of the problem's open incidents that its cause is fixed. Call
    once the resolution has committed, with the problem as it was resolved (its version
    tells one resolution from the next). Returns the messages queued by this call."""
    if problem.status != Status.RESOLVED:
        return []
    incidents = (
        Incident.objects.filter(problem_link__problem=problem, status__in=OPEN_STATUSES)
        .select_related("contact", "organisation")
        .order_by("pk")
    )
    article_url = _public_article_url(problem)
    queued = []
    with transaction.atomic():  # the rows together; each is sent once they commit
        for incident in incidents:
            for contact in contact_recipients(incident):
                notification = _notify(problem, incident, contact, article_url=article_url)
                if notification is not None:
                    queued.append(notification)
    return queued


def _notify(
    problem: Problem, incident: Incident, contact: Contact, *, article_url: str
) -> Notification | None:
    portal_url = ""
    if contact.user_id:
        portal_url = absolute_url(reverse("portal:ticket", args=[incident.number]))
    with translation.override(contact.language):
        subject = _("[%(number)s] The cause is fixed – %(title)s") % {
            "number": incident.number,
            "title": incident.title,
        }
        body = render_text(
            "problems/email/resolved.txt",
            {
                "incident": incident,
                "salutation": contact_salutation(contact),
                "portal_url": portal_url,
                "article_url": article_url,
            },
        )
    occurrence = f"problem:{problem.pk}:v{problem.version}"
    return notification_queue(
        recipient_email=contact.email,
        event=EVENT_PROBLEM_RESOLVED,
        target=incident,
        subject=subject,
        body=body,
        dedupe_key=(
            f"incident:{incident.pk}:{EVENT_PROBLEM_RESOLVED}:{occurrence}:"
            f"{recipient_key(contact.email)}"
        ),
        thread_root=incident.number,
        contact=contact,
    )


def _public_article_url(problem: Problem) -> str:
    """The portal address of the problem's article, when contacts may read it."""
    article = problem.article
    if (
        article is None
        or article.status != ArticleStatus.PUBLISHED
        or article.visibility != Visibility.PUBLIC
    ):
        return ""
    return absolute_url(reverse("portal:kb_article", args=[article.number]))
