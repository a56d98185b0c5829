"""Admins see every problem, its RCA, its incidents and their history. Problems are worked
in the problem workspace, through services that check who acts and record why; the admin
shows them read-only."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from problems.models import Cause, Problem, ProblemIncident, TimelineEvent, Why
from servicedesk.admin_mixins import ReadOnlyAdminMixin, person_column


class WhyInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Why
    extra = 0
    fields = ("position", "answer")


class CauseInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = Cause
    extra = 0
    fields = ("category", "text", "confirmed")


class EventInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = TimelineEvent
    extra = 0
    fields = ("occurred_at", "text", "added_by")


class IncidentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ProblemIncident
    extra = 0
    fields = ("incident", "linked_by", "linked_at")


@admin.register(Problem)
class ProblemAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "priority",
        "service",
        "owner_name",
        "created_at",
        "resolved_at",
    ]
    # A method of the admin (the column takes the admin and the row), not a bare function
    # in list_display, which the changelist would call with the row alone.
    owner_name = person_column("owner", _("problem manager"))
    list_filter = ["status", "priority", "service"]
    search_fields = ["number", "title"]
    list_select_related = ["service", "owner"]
    show_full_result_count = False
    inlines = [IncidentInline, WhyInline, CauseInline, EventInline]


@admin.register(ProblemIncident)
class ProblemIncidentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["problem", "incident", "linked_at"]
    list_select_related = ["problem", "incident"]
    search_fields = ["problem__number", "incident__number"]
    show_full_result_count = False
