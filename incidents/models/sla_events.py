"""A ticket's SLA ledger: what happened to its clock, in order."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from incidents.models.choices import Status
from incidents.models.clock import current_time
from incidents.models.ticket import Incident
from servicedesk.models import Priority


class SlaEvent(models.Model):
    """One entry of a ticket's SLA ledger (see incidents/sla.py)."""

    class Kind(models.TextChoices):
        START = "start", _("Clock started")
        STATUS = "status", _("Status changed")
        RESPOND = "respond", _("First response")
        RETARGET = "retarget", _("Targets changed")
        POLICY = "policy", _("SLA policy changed")
        BREACH = "breach", _("Breached")
        WARN = "warn", _("At risk")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="sla_events")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    at = models.DateTimeField(default=current_time)
    status = models.CharField(max_length=20, choices=Status.choices)
    priority = models.PositiveSmallIntegerField(choices=Priority.choices)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("SLA event")
        verbose_name_plural = _("SLA events")
        indexes = [models.Index(fields=["incident", "at"], name="sla_event_ledger")]

    def __str__(self) -> str:
        return f"{self.incident_id} {self.kind} {self.at:%Y-%m-%d %H:%M}"

    def describe(self) -> str:
        if self.note:
            return f"{self.get_kind_display()}: {self.note}"
        if self.kind == self.Kind.START:
            return _("Clock started at %(priority)s") % {"priority": self.get_priority_display()}
        return str(self.get_kind_display())
