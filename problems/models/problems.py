"""Problems: the unknown root cause of one or more incidents, numbered PRB-000123."""

from datetime import timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from incidents.models.choices import Category
from problems import rules
from servicedesk.models.priority import Priority
from servicedesk.models.sequences import NumberSequence
from servicedesk.workflow import ConcurrentStateModel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from django_fsm import Transition

NUMBER_PREFIX = "PRB"
PROBLEM_SEQUENCE = "problem"


def current_time():
    """timezone.now, looked up at call time so tests can move the clock."""
    return timezone.now()


def quiet_period() -> timedelta:
    """How long the linked incidents must stay away after the fix before the problem may
    close without an override (settings.PROBLEM_QUIET_DAYS)."""
    return timedelta(days=settings.PROBLEM_QUIET_DAYS)


class Status(models.TextChoices):
    NEW = "new", _("New")
    UNDER_INVESTIGATION = "under_investigation", _("Under investigation")
    KNOWN_ERROR = "known_error", _("Known error")
    RESOLVED = "resolved", _("Resolved")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


OPEN_STATUSES = (Status.NEW, Status.UNDER_INVESTIGATION, Status.KNOWN_ERROR)
FINAL_STATUSES = (Status.CLOSED, Status.CANCELLED)
#: A known error stays in the known error database until the problem is closed or
#: cancelled: after the fix, its workaround still helps on systems not yet fixed.
KNOWN_ERROR_STATUSES = (Status.KNOWN_ERROR, Status.RESOLVED)


class ProblemSequence(NumberSequence):
    """Hands out problem numbers (sequence "problem")."""

    class Meta:
        verbose_name = _("problem number sequence")


class Problem(ConcurrentStateModel, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(
        _("description"), blank=True, help_text=_("What happens, to whom, since when.")
    )
    status = FSMField(
        _("status"), max_length=24, choices=Status.choices, default=Status.NEW, protected=True
    )
    priority = models.PositiveSmallIntegerField(
        _("priority"), choices=Priority.choices, default=Priority.MEDIUM
    )
    service = models.ForeignKey(
        "servicedesk.Service",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("service"),
    )
    configuration_item = models.ForeignKey(
        "servicedesk.ConfigurationItem",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("configuration item"),
    )
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.OTHER
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_problems",
        verbose_name=_("problem manager"),
        help_text=_("Who is accountable for the problem."),
    )
    investigator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="investigated_problems",
        verbose_name=_("investigator"),
        help_text=_("The L2 or L3 engineer leading the root-cause analysis."),
    )
    support_group = models.ForeignKey(
        "servicedesk.SupportGroup",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("support group"),
    )
    # The investigation's results.
    root_cause = models.TextField(_("root cause"), blank=True)
    workaround = models.TextField(
        _("workaround"),
        blank=True,
        help_text=_("What L1 does to restore service until the permanent fix is in."),
    )
    permanent_fix = models.TextField(
        _("permanent fix"),
        blank=True,
        help_text=_("What removed the cause for good, usually through a change."),
    )
    close_override_reason = models.TextField(
        _("reason to close early"),
        blank=True,
        help_text=_("Why the problem closes before its incidents have stayed away long enough."),
    )
    #: The known error's knowledge article (problems.services.problem_write_article);
    #: the article lists its problems through the reverse relation.
    article = models.ForeignKey(
        "knowledge.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="problems",
        verbose_name=_("knowledge article"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("opened by"),
    )
    # Milestones: the problem manager's figures (time to root cause, to resolution).
    created_at = models.DateTimeField(_("opened"), default=current_time, editable=False)
    investigation_started_at = models.DateTimeField(
        _("investigation started"), null=True, blank=True, editable=False
    )
    root_cause_at = models.DateTimeField(
        _("root cause found"), null=True, blank=True, editable=False
    )
    known_error_at = models.DateTimeField(_("known error"), null=True, blank=True, editable=False)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True, editable=False)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Bumped on every change; a form carries the version it was shown with, so a stale
    #: edit is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Added by django-fsm's FSMField for the `status` field.
    get_all_status_transitions: "Callable[[], Iterator[Transition]]"
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("problem")
        verbose_name_plural = _("problems")
        indexes = [
            models.Index(fields=["status", "created_at"], name="prb_status_created"),
            models.Index(fields=["service", "status"], name="prb_service_status"),
            models.Index(fields=["configuration_item", "status"], name="prb_ci_status"),
            models.Index(fields=["resolved_at"], name="prb_resolved_at"),
            models.Index(fields=["closed_at"], name="prb_closed_at"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        """A new problem takes the next PRB number, however it is saved."""
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():  # the sequence row stays locked until the problem is in
            self.number = f"{NUMBER_PREFIX}-{ProblemSequence.next_value(PROBLEM_SEQUENCE):06d}"
            super().save(*args, **kwargs)

    # ----- predicates -----------------------------------------------------------------

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_known_error(self) -> bool:
        """In the known error database: its workaround is there for L1 to apply."""
        return self.status in KNOWN_ERROR_STATUSES

    def has_root_cause_or_workaround(self) -> bool:
        return bool(self.root_cause.strip() or self.workaround.strip())

    def has_permanent_fix(self) -> bool:
        return bool(self.permanent_fix.strip())

    def last_recurrence_at(self) -> "datetime | None":
        """When the last incident linked to the problem was registered."""
        return self.incident_links.aggregate(last=Max("incident__registered_at"))["last"]

    def quiet_since(self) -> "datetime | None":
        """Since when no linked incident has come back: the fix, or the last incident
        registered after it."""
        if self.resolved_at is None:
            return None
        last = self.last_recurrence_at()
        return max(self.resolved_at, last) if last else self.resolved_at

    def has_stopped_recurring(self) -> bool:
        since = self.quiet_since()
        return since is not None and timezone.now() - since >= quiet_period()

    def may_close(self) -> bool:
        """The incidents have stayed away for the quiet period, or someone said why the
        problem closes anyway."""
        return self.has_stopped_recurring() or bool(self.close_override_reason.strip())

    # ----- the lifecycle --------------------------------------------------------------
    # Each transition states its sources, one-line conditions and who may perform it;
    # problems/services/lifecycle.py calls it on the locked row, saves and records why.

    @transition(
        field=status,
        source=Status.NEW,
        target=Status.UNDER_INVESTIGATION,
        permission=rules.can_run_lifecycle,
    )
    def start_investigation(self) -> None:
        self.investigation_started_at = timezone.now()

    @transition(
        field=status,
        source=Status.UNDER_INVESTIGATION,
        target=Status.KNOWN_ERROR,
        conditions=[has_root_cause_or_workaround],  # type: ignore[list-item]  # Callable[[Model], bool]
        permission=rules.can_run_lifecycle,
    )
    def record_known_error(self) -> None:
        self.known_error_at = timezone.now()

    @transition(
        field=status,
        source=[Status.UNDER_INVESTIGATION, Status.KNOWN_ERROR],
        target=Status.RESOLVED,
        conditions=[has_permanent_fix],  # type: ignore[list-item]  # Callable[[Model], bool]
        permission=rules.can_run_lifecycle,
    )
    def resolve(self) -> None:
        self.resolved_at = timezone.now()

    @transition(
        field=status,
        source=Status.RESOLVED,
        target=Status.UNDER_INVESTIGATION,
        permission=rules.can_run_lifecycle,
    )
    def reopen(self) -> None:
        """The fix did not hold: back to the investigation (the reason says why)."""
        self.resolved_at = None

    @transition(
        field=status,
        source=Status.RESOLVED,
        target=Status.CLOSED,
        conditions=[may_close],  # type: ignore[list-item]  # Callable[[Model], bool]
        permission=rules.can_run_lifecycle,
    )
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=list(OPEN_STATUSES),
        target=Status.CANCELLED,
        permission=rules.can_run_lifecycle,
    )
    def cancel(self) -> None:
        """Not a problem after all, or a duplicate (the reason says which)."""
        self.closed_at = timezone.now()
