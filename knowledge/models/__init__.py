from knowledge.models.articles import (
    NUMBER_PREFIX,
    Article,
    ArticleSequence,
    Category,
    Status,
    Visibility,
)
from knowledge.models.attachments import INLINE_IMAGE_TYPES, ArticleAttachment
from knowledge.models.deflections import PortalDeflection
from knowledge.models.feedback import ArticleFeedback
from knowledge.models.searches import Audience, SearchLog

__all__ = [
    "INLINE_IMAGE_TYPES",
    "NUMBER_PREFIX",
    "Article",
    "ArticleAttachment",
    "ArticleFeedback",
    "ArticleSequence",
    "Audience",
    "Category",
    "PortalDeflection",
    "SearchLog",
    "Status",
    "Visibility",
]
