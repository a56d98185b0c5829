"""Sending a customer SLA report to the organisation's contacts."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import SlaReportSending
from incidents.sla_report import mail, report
from servicedesk import roles
from servicedesk.models import Contact, Organisation
from servicedesk.workflow import Actor, person


def sla_report_send(
    *, organisation: Organisation, month: date, contacts: list[Contact], actor: Actor
) -> SlaReportSending:
    """Record the sending and queue the report, as it stands now, for each contact: each
    an active contact of the organisation with an address. A month that has not begun
    has nothing to report."""
    user = person(actor)
    if user is None or not roles.is_desk_manager(user):
        raise PermissionDenied(_("Only a desk manager sends SLA reports."))
    now = timezone.now()
    if not report.has_begun(organisation, month, now):
        raise ValidationError({"month": _("This month has not begun yet.")})
    if not contacts:
        raise ValidationError({"recipients": _("Choose at least one contact.")})
    strangers = [c for c in contacts if c.organisation_id != organisation.pk]
    if strangers:
        raise ValidationError(
            {
                "recipients": _("Only contacts of %(name)s can receive its report.")
                % {"name": organisation.name}
            }
        )
    unreachable = [c.name for c in contacts if c not in mail.reachable(contacts)]
    if unreachable:
        raise ValidationError(
            {
                "recipients": _("These contacts are inactive or have no address: %(names)s.")
                % {"names": ", ".join(unreachable)}
            }
        )
    built = report.build(organisation, month, now)
    with transaction.atomic():
        sending = SlaReportSending.objects.create(
            organisation=organisation, month=month, sent_by=user
        )
        sending.recipients.set(contacts)
        mail.queue_report(sending=sending, report=built)
    return sending
