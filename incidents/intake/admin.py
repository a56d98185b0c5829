"""Admin for inbound email: the IMAP mailboxes (editable; the password is never shown)
and the stored messages (read only: L1 works the quarantine in its workspace).
Imported by incidents/admin.py."""

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from incidents.intake.models import InboundEmail, Mailbox, Submission
from servicedesk.admin_mixins import ReadOnlyAdminMixin


class MailboxForm(forms.ModelForm):
    password = forms.CharField(
        label=_("password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "new-password"}),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Mailbox
        fields = [
            "name",
            "host",
            "port",
            "use_ssl",
            "use_starttls",
            "username",
            "password",
            "folder",
            "after_processing",
            "processed_folder",
            "is_active",
        ]

    def clean_password(self) -> str:
        password = self.cleaned_data.get("password", "")
        if password:
            return password
        if self.instance.pk and self.instance.password:
            return self.instance.password  # unchanged
        raise forms.ValidationError(_("Enter the mailbox password."))


@admin.register(Mailbox)
class MailboxAdmin(SimpleHistoryAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "host",
        "port",
        "username",
        "folder",
        "after_processing",
        "is_active",
        "last_polled_at",
        "last_error",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "host", "username"]
    readonly_fields = ["last_polled_at", "last_error"]


@admin.register(InboundEmail)
class InboundEmailAdmin(ReadOnlyAdminMixin, SimpleHistoryAdmin):
    list_display = ["received_at", "from_address", "subject", "status", "incident", "size"]
    list_filter = ["status", "is_auto", "mailbox"]
    search_fields = ["message_id", "from_address", "subject"]
    list_select_related = ["incident"]
    show_full_result_count = False
    fields = [
        "message_id",
        "from_address",
        "from_name",
        "subject",
        "sent_at",
        "received_at",
        "size",
        "status",
        "reason",
        "is_auto",
        "mailbox",
        "incident",
        "comment",
        "handled_by",
        "handled_at",
        "body",
    ]
    readonly_fields = fields


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Which form token or Idempotency-Key made which ticket (read only)."""

    list_display = ["scope", "key", "incident", "created_at"]
    search_fields = ["key", "incident__number"]
    list_select_related = ["incident"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
