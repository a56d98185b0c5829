"""The change advisory board: who approves each type of change and how their decisions
add up (the policy), and each approver's decision on a change (an approval)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from changes.models.choices import ChangeType


class Rule(models.TextChoices):
    ALL = "all", _("All approvers")
    QUORUM = "quorum", _("A quorum")
    ANY = "any", _("Any one approver")


class ApprovalPolicy(models.Model):
    """How a change of one type is approved. Standard changes are pre-approved and need
    no policy; normal changes go to the full CAB, emergency ones to the emergency CAB."""

    change_type = models.CharField(
        _("change type"),
        max_length=12,
        choices=[(t.value, t.label) for t in ChangeType if t != ChangeType.STANDARD],
        unique=True,
    )
    rule = models.CharField(_("rule"), max_length=8, choices=Rule.choices, default=Rule.ALL)
    quorum = models.PositiveSmallIntegerField(
        _("quorum"),
        default=1,
        help_text=_("With the quorum rule: how many approvals approve the change."),
    )
    approvers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="change_policies",
        verbose_name=_("approvers"),
        help_text=_("The board members who decide on changes of this type."),
    )
    history = HistoricalRecords(m2m_fields=[approvers])

    class Meta:
        ordering = ["change_type"]
        verbose_name = _("approval policy")
        verbose_name_plural = _("approval policies")

    def __str__(self) -> str:
        return f"{self.get_change_type_display()}: {self.get_rule_display()}"

    def clean(self) -> None:
        if self.rule == Rule.QUORUM and self.quorum < 1:
            raise ValidationError({"quorum": _("A quorum is at least one approval.")})


class Decision(models.TextChoices):
    PENDING = "pending", _("Waiting")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Approval(models.Model):
    """One approver's say on one review round of a change. The rows are made, waiting,
    when the change goes to the CAB; each approver turns their own into a decision once."""

    change = models.ForeignKey(
        "changes.ChangeRequest",
        on_delete=models.CASCADE,
        related_name="approvals",
        verbose_name=_("change"),
    )
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="change_approvals",
        verbose_name=_("approver"),
    )
    #: A change sent back to the CAB after a revision is decided again, from fresh rows.
    round = models.PositiveSmallIntegerField(_("round"), default=1)
    decision = models.CharField(
        _("decision"), max_length=10, choices=Decision.choices, default=Decision.PENDING
    )
    comment = models.TextField(_("comment"), blank=True)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now, editable=False)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["round", "approver__username"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        constraints = [
            models.UniqueConstraint(
                fields=["change", "round", "approver"], name="chg_one_approval_per_round"
            )
        ]
        indexes = [
            models.Index(fields=["approver", "decision"], name="chg_approval_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.change_id} · {self.approver_id}: {self.decision}"

    @property
    def is_pending(self) -> bool:
        return self.decision == Decision.PENDING


def outcome(rule: str, quorum: int, decisions: list[str]) -> str:
    """Decision.APPROVED or REJECTED once the round's decisions settle it under the rule,
    else Decision.PENDING. `decisions` holds one entry per approver of the round."""
    approved = decisions.count(Decision.APPROVED)
    rejected = decisions.count(Decision.REJECTED)
    total = len(decisions)
    needed = {Rule.ALL: total, Rule.ANY: 1}.get(Rule(rule), min(quorum, total))
    if total and approved >= needed:
        return Decision.APPROVED
    if total - rejected < needed or total == 0:
        return Decision.REJECTED
    return Decision.PENDING
