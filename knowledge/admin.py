"""Knowledge managers keep the categories here, and admins see every article, its
history and the feedback. An article's status changes only through its lifecycle
(knowledge/services.py); the admin edits its text and classification."""

from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from knowledge.models import (
    Article,
    ArticleAttachment,
    ArticleFeedback,
    Category,
    PortalDeflection,
    SearchLog,
)
from servicedesk.admin_mixins import ReadOnlyAdminMixin, person_column
from servicedesk.workflow import record_history


@admin.register(Category)
class CategoryAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name"]


class AttachmentInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = ArticleAttachment
    extra = 0
    fields = ("original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields


@admin.register(Article)
class ArticleAdmin(SimpleHistoryAdmin):
    list_display = [
        "number",
        "title",
        "status",
        "visibility",
        "language",
        "service",
        "category",
        "use_count",
        "updated_at",
    ]
    list_filter = ["status", "visibility", "language", "category", "service"]
    search_fields = ["number", "title", "keywords"]
    list_select_related = ["service", "category"]
    readonly_fields = [
        "number",
        "status",
        "version",
        "published_at",
        "reviewed_at",
        "use_count",
        "created_at",
        "updated_at",
    ]
    raw_id_fields = ["author"]
    show_full_result_count = False
    inlines = [AttachmentInline]

    def save_model(self, request: HttpRequest, obj: Article, form, change: bool) -> None:
        """A change here makes forms open elsewhere stale, as one through the services."""
        if change:
            obj.version += 1
        record_history(obj, actor=request.user, reason=_("Changed in the admin"))
        super().save_model(request, obj, form, change)


@admin.register(ArticleAttachment)
class ArticleAttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["original_name", "article", "content_type", "size", "created_at"]
    raw_id_fields = ["article", "uploaded_by"]
    list_select_related = ["article"]
    fields = ("article", "original_name", "content_type", "size", "uploaded_by", "created_at")
    readonly_fields = fields


@admin.register(ArticleFeedback)
class ArticleFeedbackAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Given by readers (knowledge.services.feedback_record); shown here, not edited."""

    list_display = ["article", "user_name", "helpful", "updated_at"]
    user_name = person_column("user", _("person"))
    list_filter = ["helpful"]
    raw_id_fields = ["article", "user"]
    list_select_related = ["article", "user"]


@admin.register(SearchLog)
class SearchLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["query", "result_count", "found_nothing", "audience", "language", "created_at"]
    list_filter = ["audience", "language"]
    search_fields = ["normalised"]
    date_hierarchy = "created_at"
    show_full_result_count = False

    @admin.display(description=_("found nothing"), boolean=True)
    def found_nothing(self, obj: SearchLog) -> bool:
        return obj.result_count == 0


@admin.register(PortalDeflection)
class PortalDeflectionAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["article", "contact", "created_at"]
    date_hierarchy = "created_at"
    list_select_related = ["article", "contact"]
    show_full_result_count = False
