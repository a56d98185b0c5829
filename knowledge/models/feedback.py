"""What readers said about an article: helpful or not, once per person."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from knowledge.models.articles import Article, current_time


class ArticleFeedback(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="feedback", verbose_name=_("article")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="kb_feedback",
        verbose_name=_("person"),
    )
    helpful = models.BooleanField(_("helpful"))
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("given"), default=current_time, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"])

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("article feedback")
        verbose_name_plural = _("article feedback")
        constraints = [
            models.UniqueConstraint(fields=["article", "user"], name="kb_feedback_once_per_person")
        ]
        # The unique constraint's index serves the per-article counts as well.

    def __str__(self) -> str:
        return f"{self.article_id}: {'+' if self.helpful else '-'}"
