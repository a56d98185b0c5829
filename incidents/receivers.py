"""Signal receivers of the incidents app, connected in IncidentsConfig.ready(). The
ticket signals are sent after the transaction commits (incidents/services/)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from incidents import notifications, sla_digest, staff_notifications
from incidents.dashboard import rollup
from incidents.models import Incident, Status
from incidents.signals import (
    major_manager_named,
    sla_swept,
    ticket_commented,
    ticket_registered,
    ticket_status_changed,
    urgency_raise_requested,
)
from servicedesk.signals import sla_terms_changed


@receiver(ticket_registered, dispatch_uid="incidents.notify_contact_registered")
def notify_contact_registered(sender, incident, notify_contact=True, **kwargs) -> None:
    if notify_contact:  # False for a ticket made from an automatic message (RFC 3834)
        notifications.notify_contact_registered(incident=incident)


@receiver(ticket_status_changed, dispatch_uid="incidents.notify_contact_status_changed")
def notify_contact_status_changed(
    sender, incident, source, target, reason="", actor=None, **kwargs
):
    notifications.notify_contact_status_changed(
        incident=incident, source=source, target=target, reason=reason, actor=actor
    )


@receiver(sla_swept, dispatch_uid="incidents.notify_staff_sla_digest")
def notify_staff_sla_digest(sender, marked, swept_at, **kwargs) -> None:
    """One digest per sweep and recipient (group members, desk managers), listing what
    turned at risk or breached: never a mail per ticket."""
    sla_digest.notify_staff_sla_digest(marked=marked, swept_at=swept_at)


@receiver(sla_terms_changed, dispatch_uid="incidents.recompute_sla_clocks")
def recompute_sla_clocks(sender, policy_ids, **kwargs) -> None:
    """Sent after commit: queue the replay of the policies' open tickets."""
    from incidents import tasks

    tasks.sla_recompute.delay(list(policy_ids))


# ----- the contact's mail beyond status changes, and the people working the ticket -------


@receiver(ticket_commented, dispatch_uid="incidents.notify_comment")
def notify_comment(sender, incident, comment, actor=None, **kwargs) -> None:
    """Support's public reply is mailed to the contact and CCs; a contact's answer tells
    the assignee (or the group)."""
    notifications.notify_contact_public_reply(incident=incident, comment=comment)
    staff_notifications.notify_customer_replied(incident=incident, comment=comment, actor=actor)


@receiver(ticket_status_changed, dispatch_uid="incidents.notify_workers_status_changed")
def notify_workers_status_changed(
    sender, incident, source, target, reason="", actor=None, **kwargs
) -> None:
    """The people working the ticket hear of an assignment and a rejection; its followers
    hear of every status change."""
    if target == Status.ASSIGNED:
        staff_notifications.notify_assigned(incident=incident, actor=actor)
    elif target == Status.REJECTED_BY_USER:
        staff_notifications.notify_rejected(incident=incident, actor=actor, reason=reason)
    else:
        staff_notifications.notify_status_changed(
            incident=incident, target=target, actor=actor, reason=reason
        )


@receiver(urgency_raise_requested, dispatch_uid="incidents.notify_urgency_requested")
def notify_urgency_requested(sender, incident, comment, actor=None, **kwargs) -> None:
    staff_notifications.notify_urgency_requested(incident=incident, comment=comment, actor=actor)


@receiver(post_save, sender=Incident, dispatch_uid="incidents.dashboard_touch_saved")
@receiver(post_delete, sender=Incident, dispatch_uid="incidents.dashboard_touch_deleted")
def dashboard_touch(sender, instance, **kwargs) -> None:
    """The dashboard's roll-up counts the ticket's past days again (after commit)."""
    rollup.touch_ticket(instance)


@receiver(major_manager_named, dispatch_uid="incidents.notify_major_manager")
def notify_major_manager(sender, incident, manager, actor=None, reason="", **kwargs) -> None:
    """The named major incident manager hears it (in the app and by mail), unless they
    named themselves."""
    staff_notifications.notify_major_manager(
        incident=incident, manager=manager, actor=actor, reason=reason
    )
