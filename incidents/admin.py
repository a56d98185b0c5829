from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import Attachment, Comment, Incident, SlaEvent


class ReadOnlyAdminMixin:
    """Tickets are worked in the workspaces, through services that check permissions and
    record why; the admin shows them and their history but changes nothing."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class CommentInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Comment
    extra = 0
    fields = ["author", "is_public", "body", "created_at"]
    readonly_fields = fields


class SlaEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The ticket's SLA ledger: the audit trail of its due times."""

    model = SlaEvent
    extra = 0
    fields = ["at", "kind", "status", "priority", "note"]
    readonly_fields = fields


@admin.register(Incident)
class IncidentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "kind",
        "status",
        "priority",
        "organisation",
        "support_group",
        "assignee",
        "registered_at",
    ]
    list_filter = ["status", "kind", "priority", "channel", "support_group"]
    search_fields = ["number", "title"]
    list_select_related = ["organisation", "support_group", "assignee"]
    readonly_fields = [
        "number",
        "status",
        "version",
        "registered_at",
        "first_response_at",
        "assigned_at",
        "resolved_at",
        "closed_at",
        "updated_at",
    ]
    raw_id_fields = ["contact", "assignee", "major_incident", "configuration_item"]
    show_full_result_count = False
    inlines = [CommentInline, SlaEventInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["incident", "author", "is_public", "created_at"]
    raw_id_fields = ["incident", "author"]
    list_select_related = ["incident", "author"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["original_name", "incident", "size", "uploaded_by", "created_at"]
    raw_id_fields = ["incident", "comment", "uploaded_by"]
    list_select_related = ["incident", "uploaded_by"]
    fields = ["incident", "comment", "original_name", "content_type", "size", "uploaded_by"]
    readonly_fields = fields
