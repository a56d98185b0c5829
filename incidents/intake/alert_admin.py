"""The admin's view of what monitoring systems sent: each alert source's last payloads
and what became of them (on the source's page, and as a list filtered by source), and the
alerts of each monitored group. Read-only: the API writes them."""

import json

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incidents.models import AlertDelivery, AlertSource, MonitoringAlertInstance
from servicedesk.admin_mixins import ReadOnlyAdminMixin


def _pretty(text: str) -> str:
    """JSON indented for reading; anything else as it came."""
    try:
        return json.dumps(json.loads(text), indent=2, ensure_ascii=False)
    except ValueError:
        return text


class AlertDeliveryInline(ReadOnlyAdminMixin, admin.TabularInline):
    """The source's last payloads (the log keeps DELIVERIES_KEPT); "View" opens one."""

    model = AlertDelivery
    extra = 0
    fields = ("received_at", "endpoint", "status_code", "outcome", "incident", "detail")
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("last payloads received")

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertDelivery]:
        return super().get_queryset(request).select_related("incident").defer("body", "answer")


def payload_log_link(source: AlertSource) -> SafeString | str:
    if source.pk is None:
        return "—"
    url = reverse("admin:incidents_alertdelivery_changelist")
    return format_html(
        '<a href="{}?alert_source__id__exact={}">{}</a>',
        url,
        source.pk,
        _("Every payload received from this source, with its body"),
    )


@admin.register(AlertDelivery)
class AlertDeliveryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """What an alert source sent and what became of it: the answer's status, the ticket
    opened or counted, why it was refused; the body as received."""

    list_display = [
        "received_at",
        "alert_source",
        "endpoint",
        "status_code",
        "outcome",
        "incident",
        "detail",
        "body_size",
    ]
    list_filter = ["alert_source", "endpoint", "outcome", "status_code"]
    list_select_related = ["alert_source", "incident"]
    search_fields = ["incident__number", "detail"]
    show_full_result_count = False
    fields = (
        "alert_source",
        "received_at",
        "endpoint",
        "status_code",
        "outcome",
        "incident",
        "detail",
        "body_size",
        "body_received",
        "answer_sent",
    )
    readonly_fields = fields

    def get_queryset(self, request: HttpRequest) -> QuerySet[AlertDelivery]:
        queryset = super().get_queryset(request)
        match = request.resolver_match
        if match is not None and (match.url_name or "").endswith("changelist"):
            return queryset.defer("body", "answer")
        return queryset

    @admin.display(description=_("body received"))
    def body_received(self, obj: AlertDelivery) -> SafeString | str:
        if not obj.body:
            return (
                _("(not kept: %(size)s bytes)") % {"size": obj.body_size} if obj.body_size else "—"
            )
        return format_html('<pre class="alert-payload">{}</pre>', _pretty(obj.body))

    @admin.display(description=_("answer sent"))
    def answer_sent(self, obj: AlertDelivery) -> SafeString:
        return format_html('<pre class="alert-payload">{}</pre>', _pretty(obj.answer))


class MonitoringAlertInstanceInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = MonitoringAlertInstance
    extra = 0
    fields = (
        "fingerprint",
        "name",
        "status",
        "severity",
        "occurrences",
        "starts_at",
        "ends_at",
        "last_seen_at",
    )
    readonly_fields = fields


@admin.register(MonitoringAlertInstance)
class MonitoringAlertInstanceAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    """The alerts of each monitored group (Alertmanager, Grafana) or Zabbix trigger."""

    list_display = [
        "name",
        "fingerprint",
        "alert",
        "status",
        "severity",
        "occurrences",
        "last_seen_at",
    ]
    list_filter = ["status", "severity"]
    search_fields = ["fingerprint", "name", "alert__incident__number"]
    list_select_related = ["alert"]
    show_full_result_count = False
