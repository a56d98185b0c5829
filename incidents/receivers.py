"""Signal receivers of the incidents app, connected in IncidentsConfig.ready(). The
ticket signals are sent after the transaction commits (incidents/services.py)."""

from django.dispatch import receiver

from incidents import notifications, sla_digest
from incidents.signals import sla_swept, ticket_registered, ticket_status_changed
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
