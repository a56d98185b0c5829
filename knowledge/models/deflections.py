"""Tickets the knowledge base spared the desk: what the portal's "did this answer your
question?" records when a contact says yes on the page where they were raising a ticket."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from knowledge.models.articles import Article, current_time


class PortalDeflection(models.Model):
    """A contact about to raise a ticket found the answer in an article and raised none.
    A log, written once and never changed: no history of its own, read-only in the admin."""

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="deflections", verbose_name=_("article")
    )
    contact = models.ForeignKey(
        "servicedesk.Contact",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contact"),
    )
    created_at = models.DateTimeField(_("answered"), default=current_time, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("ticket not raised")
        verbose_name_plural = _("tickets not raised")
        # The desk manager's dashboard counts them per period.
        indexes = [models.Index(fields=["created_at"], name="kb_deflection_created")]

    def __str__(self) -> str:
        return f"{self.article_id} {self.created_at:%Y-%m-%d %H:%M}"
