"""What each alert source last sent and what became of it, for integrators to debug in the
admin without server logs (incidents/intake/deliveries.py writes and trims them)."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from incidents.models.clock import current_time
from incidents.models.monitoring import AlertSource
from incidents.models.ticket import Incident


class AlertEndpoint(models.TextChoices):
    GENERIC = "alerts", "/api/v1/alerts"
    ALERTMANAGER = "alertmanager", "/api/v1/alerts/alertmanager"
    GRAFANA = "grafana", "/api/v1/alerts/grafana"
    ZABBIX = "zabbix", "/api/v1/alerts/zabbix"


class DeliveryOutcome(models.TextChoices):
    CREATED = "created", _("Incident opened")
    OCCURRENCE = "occurrence", _("Occurrence")
    RESOLVED = "resolved", _("Recovery noted")
    IGNORED = "ignored", _("Nothing to do")
    REFUSED = "refused", _("Refused")


class AlertDelivery(models.Model):
    """One request to an alert endpoint whose alert source is known (its token, even an
    inactive one's). Only the last DELIVERIES_KEPT per source are kept, and the body up
    to BODY_KEPT characters. A log, never changed after it is written: no history."""

    alert_source = models.ForeignKey(
        AlertSource,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("alert source"),
    )
    received_at = models.DateTimeField(_("received"), default=current_time)
    endpoint = models.CharField(_("endpoint"), max_length=20, choices=AlertEndpoint.choices)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"))
    outcome = models.CharField(_("outcome"), max_length=10, choices=DeliveryOutcome.choices)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ticket"),
    )
    detail = models.TextField(_("detail"), blank=True)
    body = models.TextField(_("body received"), blank=True)
    body_size = models.PositiveIntegerField(_("body size (bytes)"), default=0)
    answer = models.TextField(_("answer sent"), blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("alert payload received")
        verbose_name_plural = _("alert payloads received")
        indexes = [models.Index(fields=["alert_source", "-id"], name="alert_delivery_source_idx")]

    def __str__(self) -> str:
        received = timezone.localtime(self.received_at)
        return f"{self.get_endpoint_display()} {self.status_code} {received:%Y-%m-%d %H:%M:%S}"
