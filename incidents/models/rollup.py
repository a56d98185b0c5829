"""The desk manager's dashboard, rolled up by day (incidents/dashboard/rollup.py keeps
them): additive figures of the tickets registered and resolved on each past local day,
so that a long period reads a few thousand rows instead of every ticket. The figures
are the same aggregates the dashboard counts live (incidents/dashboard/metrics.py), and
they mean the same: nothing here is computed another way. Internal tables: no page or
form shows them, so their names are not translated."""

from django.conf import settings
from django.db import models


class RollupMark(models.Model):
    """How far the roll-up goes: every local day up to `day` (its end is `ends_at`) is
    rolled up, the days after it are counted live. One row; rebuilds lock it, so two of
    them never interleave."""

    day = models.DateField("rolled up through")
    ends_at = models.DateTimeField("end of that day")

    class Meta:
        verbose_name = "dashboard roll-up mark"

    def __str__(self) -> str:
        return f"rolled up through {self.day}"


class RegisteredHour(models.Model):
    """Tickets registered in one local hour of a past day, of one support group."""

    day = models.DateField("day")
    hour = models.PositiveSmallIntegerField("hour")
    support_group = models.ForeignKey(
        "servicedesk.SupportGroup", on_delete=models.CASCADE, null=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    incidents = models.PositiveIntegerField(default=0)
    responded = models.PositiveIntegerField(default=0)
    response_time = models.DurationField(null=True)
    assigned = models.PositiveIntegerField(default=0)
    assign_time = models.DurationField(null=True)
    reaction_decided = models.PositiveIntegerField(default=0)
    reaction_breached = models.PositiveIntegerField(default=0)
    breached = models.PositiveIntegerField(default=0)
    with_line = models.PositiveIntegerField(default=0)
    reached_l2 = models.PositiveIntegerField(default=0)
    reached_l3 = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "support_group"], name="rollup_registered_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.hour:02d}:00 group {self.support_group_id}"


class ResolvedDay(models.Model):
    """Tickets resolved on one past local day, of one support group and assignee."""

    day = models.DateField("day")
    support_group = models.ForeignKey(
        "servicedesk.SupportGroup", on_delete=models.CASCADE, null=True, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, related_name="+"
    )
    total = models.PositiveIntegerField(default=0)
    worked = models.PositiveIntegerField(default=0)
    first_contact = models.PositiveIntegerField(default=0)
    reopened = models.PositiveIntegerField(default=0)
    resolve_time = models.DurationField(null=True)
    under_sla = models.PositiveIntegerField(default=0)
    resolution_breached = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "support_group"], name="rollup_resolved_day")]

    def __str__(self) -> str:
        return f"{self.day} group {self.support_group_id} assignee {self.assignee_id}"


class ResolvedTime(models.Model):
    """How many of one past day's resolutions (work done) of one support group took a
    time in one band (metrics.TIME_BANDS): the histogram that finds the median's band."""

    day = models.DateField("day")
    support_group = models.ForeignKey(
        "servicedesk.SupportGroup", on_delete=models.CASCADE, null=True, related_name="+"
    )
    band = models.PositiveSmallIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["day", "support_group"], name="rollup_resolved_time_day")]

    def __str__(self) -> str:
        return f"{self.day} group {self.support_group_id} band {self.band}"
