"""What people searched for, so the knowledge manager sees the gaps: the searches that
found nothing, counted in SQL."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledge.models.articles import current_time


class Audience(models.TextChoices):
    STAFF = "staff", _("Staff")
    PORTAL = "portal", _("Portal")


class SearchLog(models.Model):
    """One search as typed (first page only). A log, written once and never changed:
    no history of its own, read-only in the admin."""

    query = models.CharField(_("query"), max_length=200)
    #: Lower case, single spaces: the searches counted as one.
    normalised = models.CharField(_("normalised query"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    #: Articles on the first page with every word of the query (typos corrected); those
    #: with only some of the words are no answer: 0 is a gap in the knowledge base.
    result_count = models.PositiveIntegerField(_("results"))
    audience = models.CharField(_("searched by"), max_length=10, choices=Audience.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(_("searched"), default=current_time, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("knowledge search")
        verbose_name_plural = _("knowledge searches")
        indexes = [
            # "Top searches that found nothing since …": only the empty ones are indexed.
            models.Index(
                fields=["created_at", "normalised"],
                name="kb_search_unanswered",
                condition=models.Q(result_count=0),
            ),
        ]

    def __str__(self) -> str:
        return self.query
