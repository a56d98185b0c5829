"""Canned responses: reply texts an agent inserts into a public reply, personal or
shared by a support group, with placeholders and optional translations (the rules and
the rendering are in incidents/canned.py)."""

from django.conf import settings
from django.db import models
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class CannedResponseQuerySet(QuerySet["CannedResponse"]):
    def personal(self) -> "CannedResponseQuerySet":
        return self.filter(group__isnull=True)

    def shared(self) -> "CannedResponseQuerySet":
        return self.filter(owner__isnull=True)


class CannedResponse(models.Model):
    """Either personal (`owner` set: only that agent sees it) or a support group's
    (`group` set: its members use it; desk managers manage it), never both."""

    title = models.CharField(_("title"), max_length=120)
    body = models.TextField(
        _("text"),
        help_text=_("Used when there is no translation in the contact's language."),
    )
    #: {language code: text}, for the languages in settings.LANGUAGES.
    translations = models.JSONField(_("translations"), default=dict, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("owner"),
    )
    group = models.ForeignKey(
        "servicedesk.SupportGroup",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="canned_responses",
        verbose_name=_("support group"),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords(history_change_reason_field=models.TextField(null=True))

    objects = CannedResponseQuerySet.as_manager()

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("canned response")
        verbose_name_plural = _("canned responses")
        constraints = [
            models.CheckConstraint(
                condition=(Q(owner__isnull=False) & Q(group__isnull=True))
                | (Q(owner__isnull=True) & Q(group__isnull=False)),
                name="canned_response_personal_or_group",
            )
        ]
        indexes = [
            models.Index(fields=["owner", "title"], name="canned_owner_title"),
            models.Index(fields=["group", "title"], name="canned_group_title"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_personal(self) -> bool:
        return self.group_id is None

    def text_in(self, language: str | None) -> str:
        """The translation in `language` when there is one, else the default text."""
        if language:
            translated = (self.translations or {}).get(language, "")
            if isinstance(translated, str) and translated.strip():
                return translated
        return self.body
