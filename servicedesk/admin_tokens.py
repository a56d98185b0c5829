"""Tokens in the admin: issued when the object is created and shown once. ApiToken is the
platform's; an app's own token model (incidents' AlertSource) uses TokenIssuingAdmin too."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from servicedesk.admin_mixins import person_column
from servicedesk.models import ApiToken
from servicedesk.workflow import save_with_history


class TokenIssuingAdmin(SimpleHistoryAdmin):
    """Issues the token when the object is created and shows it once, in a message; only
    its hash is stored. "Issue a new token" replaces a lost or leaked one. The model has
    `name`, `prefix`, `token_hash` and `issue_secret()`."""

    actions = ["issue_new_token"]

    def save_model(self, request, obj, form, change):
        plaintext = None if change else obj.issue_secret()
        super().save_model(request, obj, form, change)
        if plaintext:
            self._show_token(request, obj, plaintext)

    @admin.action(description=_("Issue a new token (the old one stops working)"))
    def issue_new_token(self, request, queryset):
        for obj in queryset:
            plaintext = obj.issue_secret()
            save_with_history(
                obj,
                actor=request.user,
                reason=_("New token issued"),
                fields=["prefix", "token_hash"],
            )
            self._show_token(request, obj, plaintext)

    def _show_token(self, request, obj, plaintext: str) -> None:
        self.message_user(
            request,
            _(
                "The token for “%(name)s” is %(token)s — copy it now: it is shown only "
                "once and stored only as a hash."
            )
            % {"name": obj.name, "token": plaintext},
            messages.WARNING,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(TokenIssuingAdmin):
    list_display = [
        "name",
        "prefix",
        "user_name",
        "contact",
        "is_active",
        "created_at",
        "last_used_at",
    ]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix", "user__username", "contact__name", "contact__email"]
    list_select_related = ["user", "contact"]
    fields = ["name", "user", "contact", "is_active", "prefix", "created_at", "last_used_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at"]
    raw_id_fields = ["user", "contact"]

    user_name = person_column("user", _("user"))
