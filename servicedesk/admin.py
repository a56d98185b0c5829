from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.models import (
    ConfigurationItem,
    Contact,
    Organisation,
    PriorityMatrixEntry,
    Service,
    SupportGroup,
)


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


class ConfigurationItemInline(admin.TabularInline):
    model = ConfigurationItem
    extra = 0
    fields = ["name", "kind", "organisation", "is_active"]


@admin.register(Service)
class ServiceAdmin(SimpleHistoryAdmin):
    list_display = ["name", "is_active"]
    search_fields = ["name"]
    inlines = [ConfigurationItemInline]


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
