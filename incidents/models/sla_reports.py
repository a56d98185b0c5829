"""A customer SLA report sent to an organisation's contacts: what was sent, when, by whom
and to whom (each message is in the notification log, its target this row)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from incidents.models.clock import current_time


class SlaReportSending(models.Model):
    organisation = models.ForeignKey(
        "servicedesk.Organisation",
        on_delete=models.CASCADE,
        related_name="sla_report_sendings",
        verbose_name=_("organisation"),
    )
    #: The first day of the month reported on.
    month = models.DateField(_("month"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("sent by"),
    )
    sent_at = models.DateTimeField(_("sent"), default=current_time, editable=False)
    recipients = models.ManyToManyField(
        "servicedesk.Contact", related_name="+", verbose_name=_("recipients")
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("SLA report sending")
        verbose_name_plural = _("SLA report sendings")
        indexes = [
            models.Index(fields=["organisation", "month"], name="inc_sla_report_month"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.month:%Y-%m}"

    @property
    def number(self) -> str:
        """How the notification log names what a message is about."""
        return f"SLA-{self.organisation.contract_number}-{self.month:%Y-%m}"
