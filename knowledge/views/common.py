"""What the staff's knowledge pages share: one place finds an article for a user (the
404 and the select_related), and the attachments' URLs its text points at."""

from django.http import Http404
from django.urls import reverse

from knowledge.models import Article
from knowledge.selectors import articles_for


def get_article_for(user, number: str) -> Article:
    """The article if this user may read it here, else 404 (staff read every article;
    the staff pages are closed to everyone else before they get here)."""
    article = articles_for(user).select_related("author").filter(number=number.upper()).first()
    if article is None:
        raise Http404
    return article


def attachment_urls(article: Article, attachments) -> dict[str, str]:
    """File name → URL, for `attachment:name` in the text (the newest of a name wins)."""
    prefix = reverse("knowledge:attachment", args=[article.number, 0])[: -len("0/")]
    return {a.original_name: f"{prefix}{a.pk}/" for a in attachments}
