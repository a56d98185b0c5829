"""The lists of the knowledge workspace: what waits for review, drafts, articles nobody
has used, articles readers found unhelpful, articles due for review, and one's own
unpublished work. Each is a queryset for a short panel (a few rows and a capped count)
and for its full list (keyset pages); everything is counted and aggregated in SQL."""

from datetime import datetime, timedelta

from django.db.models import F, Q, QuerySet

from knowledge.models import Article, SearchLog, Status
from knowledge.selectors import with_feedback_counts
from servicedesk.pagination import COUNT_CAP, Tab, counted

#: A published article is due for review this long after its last one.
REVIEW_EVERY = timedelta(days=365)
#: The searches that found nothing are counted over this period.
GAPS_OVER = timedelta(days=30)


def _articles() -> QuerySet[Article]:
    # Rows show number, title, status, author and dates: the text stays in the table.
    return Article.objects.select_related("author").defer("body")


def waiting_for_review() -> QuerySet[Article]:
    return _articles().filter(status=Status.IN_REVIEW)


def drafts() -> QuerySet[Article]:
    return _articles().filter(status=Status.DRAFT)


def never_used() -> QuerySet[Article]:
    """Published and never used to resolve a ticket."""
    return _articles().filter(status=Status.PUBLISHED, use_count=0)


def poor_feedback() -> QuerySet[Article]:
    """Published articles more readers found unhelpful than helpful, with the counts
    (`helpful`, `not_helpful`)."""
    rated = with_feedback_counts(_articles().filter(status=Status.PUBLISHED))
    return rated.filter(Q(not_helpful__gt=F("helpful")))


def not_reviewed(now: datetime) -> QuerySet[Article]:
    """Published articles whose last review (publishing is one) is more than
    REVIEW_EVERY ago."""
    return _articles().filter(status=Status.PUBLISHED, reviewed_at__lt=now - REVIEW_EVERY)


def unpublished_by(user) -> QuerySet[Article]:
    """The user's own drafts and articles waiting for review."""
    return _articles().filter(author=user, status__in=[Status.DRAFT, Status.IN_REVIEW])


def unanswered_count(now: datetime) -> Tab:
    """How many different searches found nothing over GAPS_OVER, up to the cap."""
    queries = SearchLog.objects.filter(result_count=0, created_at__gte=now - GAPS_OVER)
    distinct = queries.order_by().values("normalised").distinct()
    return counted(distinct[: COUNT_CAP + 1].count())
