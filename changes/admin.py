"""Admins keep what change management is configured with: who approves each type of
change (approval policies), the pre-approved recipes of standard changes and the blackout
periods. Change requests and the CAB's decisions are worked on the change pages, through
services that check who acts and record why; the admin shows them and their history
read-only (the status is django-fsm's, moved only by transitions)."""

from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from changes.models import (
    Approval,
    ApprovalPolicy,
    BlackoutPeriod,
    ChangeRequest,
    Rule,
    StandardChangeTemplate,
)
from servicedesk.admin_mixins import ReadOnlyAdminMixin, person_column
from servicedesk.people import display_name
from servicedesk.roles import CAB_MEMBER, CHANGE_MANAGER

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class ApprovalInline(ReadOnlyAdminMixin, admin.TabularInline):
    """Every round's decisions, in the order of rounds."""

    model = Approval
    extra = 0
    fields = ("round", "approver", "decision", "comment", "requested_at", "decided_at")
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[Approval]:
        return super().get_queryset(request).select_related("approver")


@admin.register(ChangeRequest)
class ChangeRequestAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "change_type",
        "risk",
        "planned_start",
        "planned_end",
        "requested_by_name",
    ]
    requested_by_name = person_column("requested_by", _("requested by"))
    list_filter = [
        "status",
        "change_type",
        "risk",
        "notify_customers",
        ("planned_start", admin.DateFieldListFilter),
        "services",
    ]
    search_fields = ["number", "title"]
    list_select_related = ["requested_by"]
    date_hierarchy = "planned_start"
    show_full_result_count = False
    fieldsets = [
        (None, {"fields": ["number", "title", "status", "change_type", "template"]}),
        (_("What and why"), {"fields": ["description", "reason"]}),
        (_("Risk"), {"fields": ["impact", "likelihood", "tested", "backout_tested", "risk"]}),
        (
            _("What it touches and answers"),
            {"fields": ["services", "configuration_items", "problems", "incidents"]},
        ),
        (
            _("How and when"),
            {
                "fields": [
                    "implementation_plan",
                    "backout_plan",
                    "test_plan",
                    "planned_start",
                    "planned_end",
                    "notify_customers",
                    "customers_notified_at",
                ]
            },
        ),
        (_("Who"), {"fields": ["requested_by", "implementer"]}),
        (
            _("Approval"),
            {"fields": ["approval_round", "approval_rule", "approval_quorum"]},
        ),
        (
            _("How it went"),
            {
                "fields": [
                    "window_override_reason",
                    "failure_report",
                    "review_outcome",
                    "review",
                    "cancel_reason",
                ]
            },
        ),
        (
            _("Milestones"),
            {
                "fields": [
                    "created_at",
                    "submitted_at",
                    "decided_at",
                    "scheduled_at",
                    "started_at",
                    "finished_at",
                    "closed_at",
                    "updated_at",
                    "version",
                ]
            },
        ),
    ]
    # The admin only shows changes (ReadOnlyAdminMixin); the lifecycle's fields are named
    # here too so that they stay read-only should the admin ever edit the plan.
    readonly_fields = [
        "number",
        "status",
        "risk",
        "approval_round",
        "approval_rule",
        "approval_quorum",
        "customers_notified_at",
        "created_at",
        "submitted_at",
        "decided_at",
        "scheduled_at",
        "started_at",
        "finished_at",
        "closed_at",
        "updated_at",
        "version",
    ]
    raw_id_fields = ["requested_by", "implementer", "template"]
    inlines = [ApprovalInline]


@admin.register(Approval)
class ApprovalAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Each approver's decision, made on the approver's page (changes.services.approvals)."""

    list_display = ["change", "round", "approver_name", "decision", "requested_at", "decided_at"]
    approver_name = person_column("approver", _("approver"))
    list_filter = ["decision"]
    search_fields = ["change__number", "change__title", "approver__username"]
    list_select_related = ["change", "approver"]
    raw_id_fields = ["change", "approver"]
    show_full_result_count = False


def board_members() -> QuerySet:
    """Who may sit on the CAB: active CAB members and change managers."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(groups__name=CAB_MEMBER) | Q(groups__name=CHANGE_MANAGER))
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ApprovalPolicyForm(forms.ModelForm):
    class Meta:
        model = ApprovalPolicy
        fields = ["change_type", "rule", "quorum", "approvers"]

    def clean(self) -> dict[str, Any] | None:
        cleaned = super().clean() or {}
        approvers = cleaned.get("approvers")
        quorum = cleaned.get("quorum") or 0
        if cleaned.get("rule") == Rule.QUORUM and approvers and quorum > len(approvers):
            self.add_error(
                "quorum",
                _("At most %(count)d: the number of approvers chosen.") % {"count": len(approvers)},
            )
        return cleaned


@admin.register(ApprovalPolicy)
class ApprovalPolicyAdmin(SimpleHistoryAdmin):
    """Who decides on normal and emergency changes, and how their decisions add up. A
    change already with the CAB keeps the approvers it was sent to."""

    form = ApprovalPolicyForm
    list_display = ["change_type", "rule", "quorum", "approver_names"]
    filter_horizontal = ["approvers"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ApprovalPolicy]:
        return super().get_queryset(request).prefetch_related("approvers")

    def formfield_for_manytomany(self, db_field, request: HttpRequest, **kwargs: Any):
        if db_field.name == "approvers":
            kwargs["queryset"] = board_members()
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    @admin.display(description=_("approvers"))
    def approver_names(self, obj: ApprovalPolicy) -> str:
        return ", ".join(display_name(user) for user in obj.approvers.all()) or "—"


@admin.register(StandardChangeTemplate)
class StandardChangeTemplateAdmin(SimpleHistoryAdmin):
    """Recipes the CAB approved once: a change raised from an active one is approved as
    soon as it is submitted."""

    list_display = ["name", "risk", "service_names", "is_active"]
    list_filter = ["is_active", "risk", "services"]
    search_fields = ["name", "description"]
    filter_horizontal = ["services"]
    fieldsets = [
        (None, {"fields": ["name", "is_active", "risk", "services"]}),
        (_("What and why"), {"fields": ["description", "reason"]}),
        (_("How"), {"fields": ["implementation_plan", "backout_plan", "test_plan"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[StandardChangeTemplate]:
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description=_("services"))
    def service_names(self, obj: StandardChangeTemplate) -> str:
        return ", ".join(service.name for service in obj.services.all()) or "—"


@admin.register(BlackoutPeriod)
class BlackoutPeriodAdmin(SimpleHistoryAdmin):
    """When no change may be done: on the services chosen, or on every one."""

    list_display = ["name", "starts_at", "ends_at", "service_names"]
    list_filter = ["services"]
    search_fields = ["name", "reason"]
    date_hierarchy = "starts_at"
    filter_horizontal = ["services"]
    fields = ["name", "reason", "starts_at", "ends_at", "services"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[BlackoutPeriod]:
        return super().get_queryset(request).prefetch_related("services")

    @admin.display(description=_("services"))
    def service_names(self, obj: BlackoutPeriod) -> "StrOrPromise":
        return ", ".join(service.name for service in obj.services.all()) or _("All services")
