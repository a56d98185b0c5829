"""Signal receivers of the incidents app, connected in IncidentsConfig.ready(). The
ticket signals are sent after the transaction commits (incidents/services.py)."""

from django.dispatch import receiver
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from incidents import notifications
from incidents.models import Incident
from incidents.signals import sla_at_risk, sla_breached, ticket_registered, ticket_status_changed
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


@receiver(sla_at_risk, dispatch_uid="incidents.notify_staff_at_risk")
def notify_staff_at_risk(sender, incident_ids, **kwargs) -> None:
    """Once per ticket (the sweep marks it warned), the group and the desk managers hear."""
    for incident in _tickets(incident_ids):
        due = incident.resolution_due_at or incident.response_due_at
        notifications.notify_staff(
            incident=incident,
            event="sla_at_risk",
            subject=_("SLA at risk: %(title)s") % {"title": incident.title},
            body=_("This ticket will breach its SLA at %(due)s unless it moves on.")
            % {"due": date_format(localtime(due), "DATETIME_FORMAT") if due else "?"},
        )


@receiver(sla_breached, dispatch_uid="incidents.notify_staff_breached")
def notify_staff_breached(sender, incident_ids, clock, **kwargs) -> None:
    what = _("reaction time") if clock == "response" else _("resolution time")
    for incident in _tickets(incident_ids):
        notifications.notify_staff(
            incident=incident,
            event=f"sla_breached_{clock}",
            subject=_("SLA breached: %(title)s") % {"title": incident.title},
            body=_("The %(what)s of this ticket's SLA has passed.") % {"what": what},
        )


@receiver(sla_terms_changed, dispatch_uid="incidents.recompute_sla_clocks")
def recompute_sla_clocks(sender, policy_ids, **kwargs) -> None:
    """Sent after commit: queue the replay of the policies' open tickets."""
    from incidents import tasks

    tasks.sla_recompute.delay(list(policy_ids))


def _tickets(ids):
    return Incident.objects.filter(pk__in=ids).select_related("support_group", "contact")
