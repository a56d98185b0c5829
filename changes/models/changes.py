"""Change requests, numbered CHG-000123: what is changed, why, how, the risk, the plans,
the window, and the way from draft through the CAB to the review of how it went."""

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import FSMField, transition
from simple_history.models import HistoricalRecords

from changes import rules
from changes.models.choices import (
    EARLY_STATUSES,
    FINAL_STATUSES,
    OUTCOME_STATUSES,
    ChangeType,
    Level,
    Outcome,
    Risk,
    Status,
    assess_risk,
)
from servicedesk.models.sequences import NumberSequence
from servicedesk.workflow import ConcurrentStateModel

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from datetime import datetime

    from django_fsm import Transition

NUMBER_PREFIX = "CHG"
CHANGE_SEQUENCE = "change"


def current_time():
    """timezone.now, looked up at call time so tests can move the clock."""
    return timezone.now()


class ChangeSequence(NumberSequence):
    """Hands out change numbers (sequence "change")."""

    class Meta:
        verbose_name = _("change number sequence")


class ChangeRequest(ConcurrentStateModel, models.Model):
    number = models.CharField(_("number"), max_length=20, unique=True, editable=False)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what"), blank=True, help_text=_("What is changed."))
    reason = models.TextField(_("why"), blank=True, help_text=_("Why the change is needed."))
    change_type = models.CharField(
        _("type"), max_length=12, choices=ChangeType.choices, default=ChangeType.NORMAL
    )
    template = models.ForeignKey(
        "changes.StandardChangeTemplate",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("standard change template"),
    )
    status = FSMField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT, protected=True
    )
    # The risk questionnaire and its answer.
    impact = models.CharField(
        _("impact"),
        max_length=8,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text=_("How much would break if the change went wrong?"),
    )
    likelihood = models.CharField(
        _("likelihood"),
        max_length=8,
        choices=Level.choices,
        default=Level.MEDIUM,
        help_text=_("How likely is it to go wrong?"),
    )
    tested = models.BooleanField(_("tested beforehand"), default=False)
    backout_tested = models.BooleanField(_("back-out tested"), default=False)
    risk = models.CharField(
        _("risk"), max_length=8, choices=Risk.choices, default=Risk.MEDIUM, editable=False
    )
    # What it touches.
    services = models.ManyToManyField(
        "servicedesk.Service", blank=True, related_name="changes", verbose_name=_("services")
    )
    configuration_items = models.ManyToManyField(
        "servicedesk.ConfigurationItem",
        blank=True,
        related_name="changes",
        verbose_name=_("configuration items"),
    )
    # How.
    implementation_plan = models.TextField(_("implementation plan"), blank=True)
    backout_plan = models.TextField(
        _("back-out plan"), blank=True, help_text=_("How the change is undone if it fails.")
    )
    test_plan = models.TextField(
        _("test plan"), blank=True, help_text=_("How you will know it worked.")
    )
    planned_start = models.DateTimeField(_("window start"), null=True, blank=True)
    planned_end = models.DateTimeField(_("window end"), null=True, blank=True)
    # What it answers.
    problems = models.ManyToManyField(
        "problems.Problem", blank=True, related_name="changes", verbose_name=_("problems")
    )
    incidents = models.ManyToManyField(
        "incidents.Incident", blank=True, related_name="changes", verbose_name=_("incidents")
    )
    # Who.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requested_changes",
        verbose_name=_("requested by"),
    )
    implementer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="implemented_changes",
        verbose_name=_("implementer"),
        help_text=_("Who carries the change out."),
    )
    # What the lifecycle records.
    approval_round = models.PositiveSmallIntegerField(_("approval round"), default=0)
    approval_rule = models.CharField(_("approval rule"), max_length=8, blank=True)
    approval_quorum = models.PositiveSmallIntegerField(_("approval quorum"), default=0)
    window_override_reason = models.TextField(
        _("reason to implement outside the window"), blank=True
    )
    failure_report = models.TextField(
        _("what happened"),
        blank=True,
        help_text=_("For a failed or rolled-back change: what went wrong and what was undone."),
    )
    review = models.TextField(
        _("post-implementation review"),
        blank=True,
        help_text=_("How it went, what was learned."),
    )
    review_outcome = models.CharField(
        _("outcome"), max_length=14, choices=Outcome.choices, blank=True
    )
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    article = models.ForeignKey(
        "knowledge.Article",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="changes",
        verbose_name=_("knowledge article"),
        help_text=_("The article written from the change's review."),
    )
    notify_customers = models.BooleanField(
        _("tell affected customers"),
        default=False,
        help_text=_("Mail the contacts of affected organisations when the change is scheduled."),
    )
    customers_notified_at = models.DateTimeField(
        _("customers told"), null=True, blank=True, editable=False
    )
    # Milestones: the change manager's figures.
    created_at = models.DateTimeField(_("raised"), default=current_time, editable=False)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    scheduled_at = models.DateTimeField(_("scheduled"), null=True, blank=True, editable=False)
    started_at = models.DateTimeField(
        _("implementation started"), null=True, blank=True, editable=False
    )
    finished_at = models.DateTimeField(
        _("implementation finished"), null=True, blank=True, editable=False
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    #: Bumped on every change; a form carries the version it was shown with, so a stale
    #: edit is refused instead of overwriting someone else's work.
    version = models.PositiveIntegerField(default=1, editable=False)

    # Added by django-fsm's FSMField for the `status` field.
    get_all_status_transitions: "Callable[[], Iterator[Transition]]"
    history = HistoricalRecords(
        excluded_fields=["updated_at"],
        m2m_fields=[services, configuration_items, problems, incidents],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = ["-id"]
        verbose_name = _("change request")
        verbose_name_plural = _("change requests")
        indexes = [
            models.Index(fields=["status", "planned_start"], name="chg_status_start"),
            models.Index(fields=["planned_start", "planned_end"], name="chg_window"),
            models.Index(fields=["created_at"], name="chg_created"),
            models.Index(fields=["finished_at"], name="chg_finished"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    def save(self, *args, **kwargs) -> None:
        """A new change takes the next CHG number, however it is saved; the risk always
        follows the questionnaire."""
        self.risk = assess_risk(
            impact=self.impact,
            likelihood=self.likelihood,
            tested=self.tested,
            backout_tested=self.backout_tested,
        )
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "risk" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "risk"]
        if self.number:
            super().save(*args, **kwargs)
            return
        with transaction.atomic():  # the sequence row stays locked until the change is in
            self.number = f"{NUMBER_PREFIX}-{ChangeSequence.next_value(CHANGE_SEQUENCE):06d}"
            super().save(*args, **kwargs)

    # ----- predicates -----------------------------------------------------------------

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES

    @property
    def is_early(self) -> bool:
        return self.status in EARLY_STATUSES

    @property
    def is_standard(self) -> bool:
        return self.change_type == ChangeType.STANDARD

    @property
    def is_emergency(self) -> bool:
        return self.change_type == ChangeType.EMERGENCY

    def has_window(self) -> bool:
        return bool(
            self.planned_start and self.planned_end and self.planned_end > self.planned_start
        )

    def has_backout_plan(self) -> bool:
        return bool(self.backout_plan.strip())

    def is_ready_to_submit(self) -> bool:
        """No submission without a back-out plan and a window."""
        return self.has_backout_plan() and self.has_window()

    def is_standard_from_template(self) -> bool:
        return self.is_standard and self.template_id is not None

    def goes_to_cab(self) -> bool:
        """Standard changes are pre-approved; the others need the CAB."""
        return not self.is_standard

    def may_skip_assessment(self) -> bool:
        """An emergency change may go to the emergency CAB straight from submission."""
        return self.status == Status.ASSESSMENT or self.is_emergency

    def is_within_window(self, moment: "datetime | None" = None) -> bool:
        moment = moment or timezone.now()
        return bool(
            self.has_window() and self.planned_start <= moment < self.planned_end  # type: ignore[operator]
        )

    def may_start_now(self) -> bool:
        """Inside the approved window, or someone said why not."""
        return self.is_within_window() or bool(self.window_override_reason.strip())

    def has_failure_report(self) -> bool:
        return bool(self.failure_report.strip())

    def has_outcome(self) -> bool:
        return self.status in OUTCOME_STATUSES

    def has_review(self) -> bool:
        return bool(self.review.strip() and self.review_outcome)

    def may_close(self) -> bool:
        """Emergency changes cannot close without their post-implementation review."""
        return self.has_review() or not self.is_emergency

    def has_cancel_reason(self) -> bool:
        return bool(self.cancel_reason.strip())

    # ----- the lifecycle --------------------------------------------------------------
    # Each transition states its sources, one-line conditions and who may perform it;
    # changes/services/lifecycle.py calls it on the locked row, saves and records why.

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.SUBMITTED,
        conditions=[is_ready_to_submit, goes_to_cab],  # type: ignore[list-item]
        permission=rules.can_submit,
    )
    def submit(self) -> None:
        self.submitted_at = timezone.now()

    @transition(
        field=status,
        source=Status.DRAFT,
        target=Status.APPROVED,
        conditions=[is_ready_to_submit, is_standard_from_template],  # type: ignore[list-item]
        permission=rules.can_submit,
    )
    def submit_standard(self) -> None:
        """A standard change from a template is pre-approved: approved on submission."""
        self.submitted_at = self.decided_at = timezone.now()

    @transition(
        field=status,
        source=Status.SUBMITTED,
        target=Status.ASSESSMENT,
        permission=rules.can_manage,
    )
    def start_assessment(self) -> None:
        pass

    @transition(
        field=status,
        source=[Status.SUBMITTED, Status.ASSESSMENT],
        target=Status.CAB_REVIEW,
        conditions=[may_skip_assessment, is_ready_to_submit],  # type: ignore[list-item]
        permission=rules.can_manage,
    )
    def send_to_cab(self) -> None:
        """A new review round; the services make its approval rows from the policy."""
        self.approval_round += 1

    @transition(
        field=status, source=Status.CAB_REVIEW, target=Status.APPROVED, permission=rules.nobody
    )
    def approve(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=status, source=Status.CAB_REVIEW, target=Status.REJECTED, permission=rules.nobody
    )
    def reject(self) -> None:
        self.decided_at = timezone.now()

    @transition(
        field=status, source=Status.REJECTED, target=Status.DRAFT, permission=rules.can_revise
    )
    def revise(self) -> None:
        """Back to the drawing board: the plan is edited and submitted again."""
        self.submitted_at = self.decided_at = None

    @transition(
        field=status,
        source=Status.APPROVED,
        target=Status.SCHEDULED,
        conditions=[has_window],  # type: ignore[list-item]
        permission=rules.can_manage,
    )
    def schedule(self) -> None:
        self.scheduled_at = timezone.now()

    @transition(
        field=status,
        source=Status.SCHEDULED,
        target=Status.IMPLEMENTING,
        conditions=[may_start_now],  # type: ignore[list-item]
        permission=rules.can_implement,
    )
    def start_implementation(self) -> None:
        self.started_at = timezone.now()

    @transition(
        field=status,
        source=Status.IMPLEMENTING,
        target=Status.IMPLEMENTED,
        permission=rules.can_implement,
    )
    def complete(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=Status.IMPLEMENTING,
        target=Status.FAILED,
        conditions=[has_failure_report],  # type: ignore[list-item]
        permission=rules.can_implement,
    )
    def fail(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=Status.IMPLEMENTING,
        target=Status.ROLLED_BACK,
        conditions=[has_failure_report],  # type: ignore[list-item]
        permission=rules.can_implement,
    )
    def roll_back(self) -> None:
        self.finished_at = timezone.now()

    @transition(
        field=status,
        source=list(OUTCOME_STATUSES),
        target=Status.REVIEW,
        permission=rules.can_manage,
    )
    def start_review(self) -> None:
        pass

    @transition(
        field=status,
        source=Status.REVIEW,
        target=Status.CLOSED,
        conditions=[may_close],  # type: ignore[list-item]
        permission=rules.can_manage,
    )
    def close(self) -> None:
        self.closed_at = timezone.now()

    @transition(
        field=status,
        source=list(EARLY_STATUSES),
        target=Status.CANCELLED,
        conditions=[has_cancel_reason],  # type: ignore[list-item]
        permission=rules.can_cancel,
    )
    def cancel(self) -> None:
        self.closed_at = timezone.now()
