import itertools
from datetime import time
from functools import partial

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_mixins import ReadOnlyAdminMixin
from servicedesk.durations import MinutesField
from servicedesk.models import (
    BulkJob,
    BulkJobRefusal,
    BusinessCalendar,
    CalendarHoliday,
    ConfigurationItem,
    Contact,
    FulfilmentTarget,
    Impact,
    InAppNotification,
    Notification,
    NotificationPreference,
    NotificationStatus,
    Organisation,
    PriorityMatrixEntry,
    Service,
    ServiceFormField,
    SlaPolicy,
    SlaTarget,
    SupportGroup,
    TicketStatus,
    WorkingHours,
)
from servicedesk.priority_grid import PriorityGridForm, current_entries
from servicedesk.signals import announce_sla_terms_changed


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    fields = ["name", "email", "phone", "is_authorised", "is_active"]
    show_change_link = True


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "contract_number", "time_zone", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "contract_number"]
    inlines = [ContactInline]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "organisation", "email", "phone", "is_authorised", "is_active"]
    list_filter = ["is_authorised", "is_active", "organisation"]
    search_fields = [
        "name",
        "email",
        "phone",
        "organisation__name",
        "organisation__contract_number",
    ]
    list_select_related = ["organisation"]
    raw_id_fields = ["user"]
    filter_horizontal = ["allowed_services"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "organisation",
                    "name",
                    "email",
                    "phone",
                    "form_of_address",
                    "title",
                    "language",
                    "user",
                    "is_active",
                ]
            },
        ),
        (
            _("What the contact may raise"),
            {"fields": ["is_authorised", "allowed_kinds", "allowed_services"]},
        ),
    ]


class ConfigurationItemInline(admin.TabularInline):
    model = ConfigurationItem
    extra = 0
    fields = ["name", "kind", "organisation", "is_active"]


class ServiceFormFieldForm(forms.ModelForm):
    class Meta:
        model = ServiceFormField
        fields = ["order", "label", "kind", "required", "choices", "help_text"]
        widgets = {"choices": forms.Textarea(attrs={"rows": 3, "cols": 30})}


class ServiceFormFieldInline(admin.TabularInline):
    """The service's own request form in the portal: one row per question."""

    model = ServiceFormField
    form = ServiceFormFieldForm
    extra = 0
    verbose_name = _("portal request form question")
    verbose_name_plural = _("portal request form (questions a contact answers)")


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active", "is_requestable"]
    list_filter = ["is_active", "is_requestable"]
    search_fields = ["name"]
    inlines = [ServiceFormFieldInline, ConfigurationItemInline]


@admin.register(ServiceFormField)
class ServiceFormFieldAdmin(SimpleHistoryAdmin):
    form = ServiceFormFieldForm
    list_display = ["label", "service", "kind", "required", "order"]
    list_filter = ["kind", "required", "service"]
    list_select_related = ["service"]
    search_fields = ["label", "service__name"]
    fields = ["service", "order", "label", "kind", "required", "choices", "help_text"]


@admin.register(ConfigurationItem)
class ConfigurationItemAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "service", "organisation", "is_active"]
    list_filter = ["kind", "service", "is_active"]
    search_fields = ["name"]
    list_select_related = ["service", "organisation"]


@admin.register(SupportGroup)
class SupportGroupAdmin(SimpleHistoryAdmin):
    list_display = ["name", "line", "specialisation", "is_active"]
    list_filter = ["line", "specialisation", "is_active"]
    search_fields = ["name"]
    filter_horizontal = ["members"]


@admin.register(PriorityMatrixEntry)
class PriorityMatrixEntryAdmin(SimpleHistoryAdmin):
    list_display = ["urgency", "impact", "priority"]
    list_editable = ["priority"]
    list_filter = ["urgency", "impact"]

    def get_urls(self) -> list:
        grid = path(
            "grid/",
            never_cache(csrf_protect(self.grid_view)),
            name="servicedesk_prioritymatrixentry_grid",
        )
        return [grid, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = extra_context or {}
        if self.has_change_permission(request):
            extra_context["grid_url"] = reverse("admin:servicedesk_prioritymatrixentry_grid")
        return super().changelist_view(request, extra_context)

    def grid_view(self, request: HttpRequest) -> HttpResponse:
        """All 25 cells in one form; only staff who may change the matrix."""
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("admin:login"))
        if not (self.admin_site.has_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            with transaction.atomic():
                form = PriorityGridForm(request.POST, entries=current_entries(for_update=True))
                if form.is_valid():
                    count = form.save(request.user)
                    self.message_user(
                        request,
                        ngettext(
                            "%(count)d cell of the priority matrix changed.",
                            "%(count)d cells of the priority matrix changed.",
                            count,
                        )
                        % {"count": count},
                        messages.SUCCESS,
                    )
                    return redirect("admin:servicedesk_prioritymatrixentry_grid")
        else:
            form = PriorityGridForm(entries=current_entries())
        context = {
            **self.admin_site.each_context(request),
            "title": _("Priority matrix"),
            "opts": self.opts,
            "form": form,
            "impacts": [impact.label for impact in Impact],
        }
        return TemplateResponse(request, "admin/servicedesk/prioritymatrixentry/grid.html", context)


# ----- SLA: business calendars and policies ------------------------------------------------


class WorkingHoursFormSet(BaseInlineFormSet):
    """Windows of one weekday may not overlap: an overlap is almost always a typo."""

    def clean(self) -> None:
        super().clean()
        by_day: dict[int, list[WorkingHours]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or data.get("DELETE") or form.errors:
                continue
            row = form.instance
            if row.start is not None and row.end is not None:
                by_day.setdefault(row.weekday, []).append(row)
        for rows in by_day.values():
            rows.sort(key=lambda row: row.start)
            for previous, row in itertools.pairwise(rows):
                if previous.end == time(0, 0) or row.start < previous.end:
                    raise ValidationError(
                        _("%(first)s overlaps %(second)s."),
                        params={"first": previous, "second": row},
                        code="overlap",
                    )


class WorkingHoursInline(admin.TabularInline):
    model = WorkingHours
    formset = WorkingHoursFormSet
    extra = 0
    fields = ["weekday", "start", "end"]


class CalendarHolidayInline(admin.TabularInline):
    model = CalendarHoliday
    extra = 0
    fields = ["date", "name"]


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(SimpleHistoryAdmin):
    list_display = ["name", "time_zone", "holiday_country", "holiday_subdivision", "is_24x7"]
    list_filter = ["is_24x7", "holiday_country"]
    search_fields = ["name"]
    inlines = [WorkingHoursInline, CalendarHolidayInline]

    def save_related(self, request, form, formsets, change) -> None:
        """Hours and holidays are saved: the open tickets on this calendar get new due
        times in the background."""
        super().save_related(request, form, formsets, change)
        if change:
            policy_ids = list(form.instance.policies.values_list("pk", flat=True))
            announce_sla_terms_changed(policy_ids=policy_ids)


class SlaPolicyForm(forms.ModelForm):
    pause_statuses = forms.MultipleChoiceField(
        label=_("statuses that pause the clock"),
        choices=TicketStatus.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("While a ticket is in one of these statuses its SLA clock stands still."),
    )

    class Meta:
        model = SlaPolicy
        fields = [
            "name",
            "organisation",
            "calendar",
            "pause_statuses",
            "warning_threshold_percent",
            "availability_target_percent",
            "services",
            "compensation_rule",
            "monthly_fee",
            "currency",
            "credit_per_downtime_hour_percent",
            "credit_per_resolution_breach_percent",
            "credit_cap_percent",
            "is_active",
        ]
        widgets = {"services": forms.CheckboxSelectMultiple}


class SlaTargetForm(forms.ModelForm):
    """Targets typed and shown in hours and minutes, stored in minutes."""

    reaction_minutes = MinutesField(label=_("reaction (business time)"))
    resolution_minutes = MinutesField(label=_("resolution (business time)"))

    class Meta:
        model = SlaTarget
        fields = ["priority", "reaction_minutes", "resolution_minutes"]


class FulfilmentTargetForm(forms.ModelForm):
    fulfilment_minutes = MinutesField(label=_("fulfilment (business time)"))

    class Meta:
        model = FulfilmentTarget
        fields = ["service", "fulfilment_minutes"]


class SlaTargetInline(admin.TabularInline):
    model = SlaTarget
    form = SlaTargetForm
    extra = 0
    fields = ["priority", "reaction_minutes", "resolution_minutes"]


class FulfilmentTargetInline(admin.TabularInline):
    model = FulfilmentTarget
    form = FulfilmentTargetForm
    extra = 0
    fields = ["service", "fulfilment_minutes"]


@admin.register(SlaPolicy)
class SlaPolicyAdmin(SimpleHistoryAdmin):
    form = SlaPolicyForm
    list_display = [
        "name",
        "organisation",
        "calendar",
        "warning_threshold_percent",
        "availability_target_percent",
        "is_active",
    ]
    list_filter = ["is_active", "calendar"]
    list_select_related = ["organisation", "calendar"]
    search_fields = ["name", "organisation__name", "organisation__contract_number"]
    inlines = [SlaTargetInline, FulfilmentTargetInline]

    def save_related(self, request, form, formsets, change) -> None:
        """Targets are saved: the policy's open tickets get new due times in the
        background."""
        super().save_related(request, form, formsets, change)
        if change:
            announce_sla_terms_changed(policy_ids=[form.instance.pk])


class BulkJobRefusalInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = BulkJobRefusal
    extra = 0
    fields = ("label", "reason")
    readonly_fields = fields


@admin.register(BulkJob)
class BulkJobAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """Bulk actions run in the background, read-only (servicedesk/bulk_jobs.py): who,
    what, how far, and each record left as it was and why."""

    list_display = ["created_at", "action", "started_by", "state", "total", "done", "refused"]
    list_filter = ["state", "list_name", "action"]
    list_select_related = ["started_by"]
    exclude = ["record_ids"]
    inlines = [BulkJobRefusalInline]
    show_full_result_count = False


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The notification log, read-only: rows are written by servicedesk/notifications.py.
    A failed notification can be queued again."""

    list_display = [
        "created_at",
        "subject_ref",
        "event_in_words",
        "recipient_email",
        "status",
        "attempts",
    ]
    list_filter = ["status", "event"]
    search_fields = ["subject_ref", "recipient_email", "subject", "message_id"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    actions = ["send_again"]
    fields = (
        "subject_ref",
        "event_in_words",
        "event",
        "recipient_email",
        "contact",
        "user",
        "subject",
        "body",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "claimed_at",
        "sent_at",
        "message_id",
        "in_reply_to",
        "references",
        "dedupe_key",
        "attachments",
    )
    readonly_fields = fields

    @admin.display(description=_("event"), ordering="event")
    def event_in_words(self, obj: Notification) -> str:
        return obj.get_event_display()

    @admin.action(description=_("Send the selected failed notifications again"))
    def send_again(self, request, queryset):
        from servicedesk.tasks import send_notification

        ids = list(queryset.filter(status=NotificationStatus.FAILED).values_list("pk", flat=True))
        for pk in ids:
            transaction.on_commit(partial(send_notification.delay, pk), robust=True)
        self.message_user(request, _("%(count)d notifications queued.") % {"count": len(ids)})


@admin.register(InAppNotification)
class InAppNotificationAdmin(admin.ModelAdmin):
    """What staff were told in the app; written by servicedesk/inbox.py, read-only here."""

    list_display = ["created_at", "recipient", "verb", "target_label", "read_at"]
    list_filter = ["event"]
    search_fields = ["recipient__username", "verb", "target_label"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    show_full_result_count = False
    readonly_fields = (
        "recipient",
        "actor",
        "event",
        "verb",
        "target_type",
        "target_id",
        "target_label",
        "url",
        "created_at",
        "read_at",
        "dedupe_key",
    )
    fields = readonly_fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(SimpleHistoryAdmin):
    list_display = ["user", "mail_enabled"]
    list_select_related = ["user"]
    search_fields = ["user__username"]
    autocomplete_fields = ["user"]


# API tokens: the platform's (every app's API authenticates with them).
from servicedesk import admin_tokens  # noqa: E402, F401
