"""Monitoring systems that raise incidents through the API (POST /api/v1/alerts and the
receivers for Alertmanager, Grafana and Zabbix), which of their alerts opened which
ticket, and the alerts of a group (by fingerprint) listed on it."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from incidents.models.clock import current_time
from incidents.models.ticket import Incident
from servicedesk import tokens

#: An alert source's token starts "sdm_" (servicedesk.tokens: API tokens are "sdk_").
ALERT_TOKEN_KIND = "sdm"


class AlertSeverity(models.TextChoices):
    """The desk's severities (incidents.intake.monitoring.Severity; the same values)."""

    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")
    WARNING = "warning", _("Warning")
    INFO = "info", _("Info")


class AlertSource(models.Model):
    """A monitoring system allowed to post alerts (POST /api/v1/alerts). Its alerts become
    incidents of its organisation, raised for its contact. Token as for ApiToken."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("token prefix"), max_length=16, editable=False)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    organisation = models.ForeignKey(
        "servicedesk.Organisation",
        on_delete=models.PROTECT,
        related_name="alert_sources",
        verbose_name=_("organisation"),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.PROTECT,
        related_name="alert_sources",
        verbose_name=_("contact"),
        help_text=_("Tickets are raised for this authorised contact of the organisation."),
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="alert_sources",
        verbose_name=_("default service"),
        help_text=_("Used when an alert names no service, or one the catalogue does not know."),
    )
    default_severity = models.CharField(
        _("default severity"),
        max_length=10,
        choices=AlertSeverity.choices,
        default=AlertSeverity.MINOR,
        help_text=_(
            "For Alertmanager, Grafana and Zabbix alerts whose severity label (or Zabbix "
            "severity) is missing or unknown."
        ),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=current_time, editable=False)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    history = HistoricalRecords(excluded_fields=["token_hash", "last_used_at"])

    class Meta:
        ordering = ["name"]
        verbose_name = _("monitoring alert source")
        verbose_name_plural = _("monitoring alert sources")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (
            self.contact_id is not None
            and self.organisation_id is not None
            and self.contact.organisation_id != self.organisation_id
        ):
            raise ValidationError({"contact": _("The contact must belong to the organisation.")})

    def issue_secret(self) -> str:
        issued = tokens.issue(ALERT_TOKEN_KIND)
        self.prefix, self.token_hash = issued.prefix, issued.digest
        return issued.plaintext


class AlertStatus(models.TextChoices):
    FIRING = "firing", _("Firing")
    RESOLVED = "resolved", _("Resolved")


class MonitoringAlert(models.Model):
    """Links an alert (its source's `source` label and `key`) to the incident it opened;
    for Alertmanager and Grafana the key is the group's, for Zabbix the trigger's, and
    the alerts of the group are its `instances`.
    While that incident is open, the alert's repeats are occurrences on it; the one
    *current* row per (alert source, source, key) is found and locked through a partial
    unique index, so two identical alerts at the same moment open one incident.
    Counters are updated in place; history records creation and status changes."""

    alert_source = models.ForeignKey(
        AlertSource,
        on_delete=models.CASCADE,
        related_name="alerts",
        verbose_name=_("alert source"),
    )
    source = models.CharField(_("source"), max_length=100)
    key = models.CharField(_("key"), max_length=200)
    incident = models.ForeignKey(
        Incident,
        on_delete=models.CASCADE,
        related_name="monitoring_alerts",
        verbose_name=_("ticket"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.FIRING
    )
    severity = models.CharField(_("severity"), max_length=10)
    is_current = models.BooleanField(
        _("current"),
        default=True,
        help_text=_("Repeats of this alert go to this ticket (until it is no longer open)."),
    )
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    first_seen_at = models.DateTimeField(_("first seen"), default=current_time)
    last_seen_at = models.DateTimeField(_("last seen"), default=current_time)
    last_note_at = models.DateTimeField(_("last work note"), null=True, blank=True)
    #: Occurrences and recoveries since the last work note (notes are rate-limited).
    unreported = models.PositiveIntegerField(default=0)
    last_payload = models.JSONField(_("last payload"), default=dict, blank=True)
    resolved_at = models.DateTimeField(
        _("all resolved"),
        null=True,
        blank=True,
        help_text=_("When the alert (every alert of its group) last resolved; empty while firing."),
    )
    history = HistoricalRecords(excluded_fields=["last_payload"])

    class Meta:
        ordering = ["-last_seen_at", "pk"]
        verbose_name = _("monitoring alert")
        verbose_name_plural = _("monitoring alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["alert_source", "source", "key"],
                condition=models.Q(is_current=True),
                name="alert_one_current_per_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}/{self.key} → {self.incident_id}"


#: What each kind of link on an alert is (MonitoringAlertInstance.links).
ALERT_LINK_LABELS = {
    "source": _("Source"),
    "rule": _("Alert rule"),
    "dashboard": _("Dashboard"),
    "panel": _("Panel"),
    "silence": _("Silence"),
    "image": _("Image"),
    "event": _("Zabbix event"),
    "trigger": _("Trigger URL"),
}


class MonitoringAlertInstance(models.Model):
    """One alert of a group (Alertmanager, Grafana: by fingerprint) or one problem event
    (Zabbix: by event id), listed on the group's incident. `occurrences` counts the
    notifications that reported it firing. Repeats are updated in place; history records
    creation and status changes."""

    alert = models.ForeignKey(
        MonitoringAlert,
        on_delete=models.CASCADE,
        related_name="instances",
        verbose_name=_("monitoring alert"),
    )
    fingerprint = models.CharField(_("fingerprint"), max_length=100)
    name = models.CharField(_("name"), max_length=200, blank=True)
    summary = models.CharField(_("summary"), max_length=200, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=AlertStatus.choices, default=AlertStatus.FIRING
    )
    severity = models.CharField(_("severity"), max_length=10, choices=AlertSeverity.choices)
    labels = models.JSONField(_("labels"), default=dict, blank=True)
    annotations = models.JSONField(_("annotations"), default=dict, blank=True)
    #: [[kind, url], …] (kinds: ALERT_LINK_LABELS): only absolute http(s) addresses (the
    #: receivers drop anything else).
    links = models.JSONField(_("links"), default=list, blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=0)
    first_seen_at = models.DateTimeField(_("first seen"), default=current_time)
    last_seen_at = models.DateTimeField(_("last seen"), default=current_time)
    history = HistoricalRecords(excluded_fields=["labels", "annotations", "links"])

    class Meta:
        ordering = ["first_seen_at", "pk"]
        verbose_name = _("alert of a group")
        verbose_name_plural = _("alerts of a group")
        constraints = [
            models.UniqueConstraint(
                fields=["alert", "fingerprint"], name="alert_instance_one_per_fingerprint"
            )
        ]

    def __str__(self) -> str:
        return self.name or self.fingerprint

    def labelled_links(self) -> list[tuple[str, str]]:
        return [(str(ALERT_LINK_LABELS.get(kind, kind)), url) for kind, url in self.links]
