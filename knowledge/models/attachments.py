"""Files kept with an article: the images its text shows, and downloads."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from knowledge.models.articles import Article, current_time

#: Raster formats shown inline in an article, by the type their first bytes say (never
#: SVG: it can carry scripts).
INLINE_IMAGE_TYPES = frozenset({"image/png", "image/jpeg", "image/gif", "image/webp"})


def attachment_path(instance: "ArticleAttachment", filename: str) -> str:
    # The stored name never comes from the user: no traversal, no collisions.
    return f"kb/{instance.article_id}/{uuid.uuid4().hex}"


class ArticleAttachment(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="attachments", verbose_name=_("article")
    )
    file = models.FileField(_("file"), upload_to=attachment_path, max_length=200)
    original_name = models.CharField(_("file name"), max_length=200)
    #: Sniffed from the file's first bytes, not taken from the browser.
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), default=current_time, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("article attachment")
        verbose_name_plural = _("article attachments")

    def __str__(self) -> str:
        return self.original_name

    @property
    def is_inline_image(self) -> bool:
        return self.content_type in INLINE_IMAGE_TYPES
