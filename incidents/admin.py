from django.contrib import admin
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import HttpRequest, JsonResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incidents.forms_canned import CannedResponseAdminForm
from incidents.intake.alert_admin import (
    AlertDeliveryInline,
    MonitoringAlertInstanceInline,
    payload_log_link,
)
from incidents.models import (
    AlertSource,
    Attachment,
    CannedResponse,
    Comment,
    Incident,
    MajorIncidentUpdate,
    MonitoringAlert,
    SatisfactionRating,
    SlaEvent,
    TicketArticle,
    TicketCc,
    Watch,
)
from servicedesk.admin_mixins import ReadOnlyAdminMixin, person_column
from servicedesk.admin_tokens import TokenIssuingAdmin
from servicedesk.models import Contact
from servicedesk.parsing import parse_int


class CommentInline(ReadOnlyAdminMixin, admin.StackedInline):
    model = Comment
    extra = 0
    fields = ("author", "is_public", "body", "created_at")
    readonly_fields = fields


class SlaEventInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The ticket's SLA ledger: the audit trail of its due times."""

    model = SlaEvent
    extra = 0
    fields = ("at", "kind", "status", "priority", "note")
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
        "assignee_name",
        "registered_at",
    ]
    assignee_name = person_column("assignee", _("assignee"))
    list_filter = ["status", "kind", "is_major", "priority", "channel", "support_group"]
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
    raw_id_fields = [
        "contact",
        "assignee",
        "parent",
        "major_manager",
        "configuration_item",
        "resolved_with",
    ]
    show_full_result_count = False
    inlines = [CommentInline, SlaEventInline]


@admin.register(Comment)
class CommentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["incident", "author_name", "is_public", "created_at"]
    author_name = person_column("author", _("author"))
    raw_id_fields = ["incident", "author"]
    list_select_related = ["incident", "author"]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["original_name", "incident", "size", "uploaded_by_name", "created_at"]
    uploaded_by_name = person_column("uploaded_by", _("uploaded by"))
    raw_id_fields = ["incident", "comment", "uploaded_by"]
    list_select_related = ["incident", "uploaded_by"]
    fields = ["incident", "comment", "original_name", "content_type", "size", "uploaded_by"]
    readonly_fields = fields


@admin.register(TicketCc)
class TicketCcAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Who is copied on which ticket; changed on the ticket page (incidents/cc.py)."""

    list_display = ["incident", "contact", "added_by", "created_at"]
    raw_id_fields = ["incident", "contact", "added_by"]
    list_select_related = ["incident", "contact", "added_by"]


@admin.register(Watch)
class WatchAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Who follows which ticket; followed and unfollowed on the ticket page
    (incidents/watchers.py)."""

    list_display = ["incident", "user", "created_at"]
    raw_id_fields = ["incident", "user"]
    list_select_related = ["incident", "user"]
    search_fields = ["incident__number", "user__username"]
    show_full_result_count = False


@admin.register(TicketArticle)
class TicketArticleAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Which knowledge articles are linked to which ticket; changed on the ticket page
    (incidents/services/knowledge.py)."""

    list_display = ["incident", "article", "linked_by", "linked_at", "use_counted_at"]
    raw_id_fields = ["incident", "article", "linked_by"]
    list_select_related = ["incident", "article", "linked_by"]
    search_fields = ["incident__number", "article__number"]
    show_full_result_count = False


@admin.register(MajorIncidentUpdate)
class MajorIncidentUpdateAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """A major incident's public updates; posted on its ticket page (each was mailed to
    every affected contact, so the log is read-only here)."""

    list_display = ["incident", "posted_at", "posted_by_name"]
    posted_by_name = person_column("posted_by", _("posted by"))
    raw_id_fields = ["incident", "posted_by"]
    list_select_related = ["incident", "posted_by"]
    search_fields = ["incident__number", "text"]
    fields = ["incident", "text", "posted_by", "posted_at"]
    readonly_fields = fields
    show_full_result_count = False


@admin.register(SatisfactionRating)
class SatisfactionRatingAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Contacts rate closed tickets in the portal; the admin shows the ratings."""

    list_display = ["incident", "score", "rated_by_name", "created_at"]
    rated_by_name = person_column("rated_by", _("rated by"))
    list_filter = ["score"]
    search_fields = ["incident__number", "comment"]
    list_select_related = ["incident", "rated_by"]
    fields = ["incident", "score", "comment", "rated_by", "created_at"]
    readonly_fields = fields
    show_full_result_count = False


# ----- monitoring sources ---------------------------------------------------------------


CONTACT_PAGE = 20


class OrganisationContactSelect(AutocompleteSelect):
    """Django's autocomplete, asking the alert source admin's own endpoint, which only
    offers contacts of the organisation chosen in the form."""

    def get_url(self) -> str:
        return reverse(f"{self.admin_site.name}:incidents_alertsource_contact_autocomplete")


@admin.register(AlertSource)
class AlertSourceAdmin(TokenIssuingAdmin):
    list_display = [
        "name",
        "prefix",
        "organisation",
        "contact",
        "service",
        "default_severity",
        "is_active",
        "last_used_at",
    ]
    list_filter = ["is_active", "organisation"]
    search_fields = ["name", "prefix", "organisation__name"]
    list_select_related = ["organisation", "contact", "service"]
    fields = [
        "name",
        "organisation",
        "contact",
        "service",
        "default_severity",
        "is_active",
        "prefix",
        "created_at",
        "last_used_at",
        "payload_log",
    ]
    readonly_fields = ["prefix", "created_at", "last_used_at", "payload_log"]

    def get_inlines(self, request, obj):
        # The payload log of an existing source (a new one has none).
        return [AlertDeliveryInline] if obj is not None else []

    @admin.display(description=_("payloads received"))
    def payload_log(self, obj: AlertSource):
        return payload_log_link(obj)

    class Media:
        # Sends the chosen organisation with every contact search (static, CSP-safe).
        js = ["js/alert_source_admin.js"]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "contact":
            kwargs["widget"] = OrganisationContactSelect(db_field, self.admin_site)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_urls(self):
        own = path(
            "contact-autocomplete/",
            self.admin_site.admin_view(self.contact_autocomplete),
            name="incidents_alertsource_contact_autocomplete",
        )
        return [own, *super().get_urls()]

    def contact_autocomplete(self, request: HttpRequest) -> JsonResponse:
        """Select2's answer: active, authorised contacts of the organisation the form
        names (`organisation`), searched by name or email; nobody without one."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        organisation = parse_int(request.GET.get("organisation"))
        if organisation is None:
            return JsonResponse({"results": [], "pagination": {"more": False}})
        found = Contact.objects.filter(
            organisation_id=organisation, is_active=True, is_authorised=True
        ).order_by("name", "pk")
        term = request.GET.get("term", "").strip()
        if term:
            found = found.filter(Q(name__icontains=term) | Q(email__icontains=term))
        page = parse_int(request.GET.get("page")) or 1
        start = (max(page, 1) - 1) * CONTACT_PAGE
        rows = list(found[start : start + CONTACT_PAGE + 1])
        return JsonResponse(
            {
                "results": [
                    {"id": str(c.pk), "text": f"{c.name} <{c.email}>"} for c in rows[:CONTACT_PAGE]
                ],
                "pagination": {"more": len(rows) > CONTACT_PAGE},
            }
        )


@admin.register(MonitoringAlert)
class MonitoringAlertAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """Which alert opened which ticket, and how often it fired since."""

    list_display = [
        "source",
        "key",
        "alert_source",
        "incident",
        "status",
        "severity",
        "occurrences",
        "first_seen_at",
        "last_seen_at",
        "resolved_at",
        "is_current",
    ]
    list_filter = ["status", "is_current", "alert_source"]
    inlines = [MonitoringAlertInstanceInline]
    search_fields = ["source", "key", "incident__number"]
    list_select_related = ["alert_source", "incident"]
    show_full_result_count = False


# Inbound email: the IMAP mailboxes and the stored messages.
from incidents.intake import admin as intake_admin  # noqa: E402, F401


@admin.register(CannedResponse)
class CannedResponseAdmin(SimpleHistoryAdmin):
    """Canned responses (incidents/canned.py): agents keep their own on the staff page;
    here an admin manages any, e.g. a support group's."""

    form = CannedResponseAdminForm
    list_display = ["title", "group", "owner_name", "updated_at"]
    owner_name = person_column("owner", _("owner"))
    list_filter = ["group"]
    search_fields = ["title", "body"]
    list_select_related = ["group", "owner"]
    autocomplete_fields = ["owner", "group"]
