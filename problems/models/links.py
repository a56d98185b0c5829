"""Which incidents a problem explains. An incident belongs to one problem at most: the
link lives here, in the later app, and the ticket page reads it through
`incident.problem_link`."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ProblemIncident(models.Model):
    problem = models.ForeignKey(
        "problems.Problem",
        on_delete=models.CASCADE,
        related_name="incident_links",
        verbose_name=_("problem"),
    )
    incident = models.OneToOneField(
        "incidents.Incident",
        on_delete=models.CASCADE,
        related_name="problem_link",
        verbose_name=_("incident"),
    )
    linked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("linked by"),
    )
    linked_at = models.DateTimeField(_("linked"), default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-linked_at", "-id"]
        verbose_name = _("incident of a problem")
        verbose_name_plural = _("incidents of problems")
        indexes = [models.Index(fields=["problem", "linked_at"], name="prb_link_problem")]

    def __str__(self) -> str:
        return f"{self.problem_id} ← {self.incident_id}"
