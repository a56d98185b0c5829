"""Read queries of the knowledge base, already scoped to who asks."""

import difflib
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Max, Q, QuerySet
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _

from knowledge import rules
from knowledge.markdown import plain_text
from knowledge.models import Article, ArticleFeedback, SearchLog, Status, Visibility
from knowledge.search import SearchHit, search_articles
from servicedesk.models import Service
from servicedesk.roles import contact_of
from servicedesk.search.text import query_terms

#: Unchanged lines shown around each change of a diff.
DIFF_CONTEXT = 3


def articles_for(user) -> QuerySet[Article]:
    """Staff read every article, drafts included; a contact the published public ones."""
    articles = Article.objects.select_related("service", "category")
    if rules.may_see_internal(user):
        return articles
    if contact_of(user) is not None:
        return articles.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)
    return articles.none()


def published_articles() -> QuerySet[Article]:
    """Every published article, internal and public: what tickets link and resolve with."""
    return Article.objects.filter(status=Status.PUBLISHED)


def article_numbered(user, number: str) -> Article | None:
    """The article with this number (KB-000123, any case) if `user` may read it."""
    return articles_for(user).filter(number=number.strip().upper()).first()


# ----- what contacts read: the portal and the prompt before a ticket ------------------------


def public_articles() -> QuerySet[Article]:
    """Published public articles: what a contact reads."""
    return Article.objects.filter(status=Status.PUBLISHED, visibility=Visibility.PUBLIC)


def popular_public_articles(*, service_id: int | None = None, limit: int = 5) -> list[Article]:
    """The public articles most tickets were resolved with, then the newest; of one
    service when given (one query, on the status and uses index)."""
    articles = public_articles().select_related("service")
    if service_id is not None:
        articles = articles.filter(service_id=service_id)
    return list(articles.order_by("-use_count", "-published_at", "-pk")[:limit])


def public_suggestions(*, text: str, service_id: int | None, limit: int = 5) -> list[SearchHit]:
    """What may answer a contact's question before they raise a ticket: the public
    articles (of the service, when given) that match what they typed, best first, or the
    service's most used ones when nothing is typed. Not logged: they are still typing."""
    if query_terms(text):
        results = search_articles(
            text=text, user_can_see_internal=False, service=service_id, limit=limit
        )
        return results.hits
    return [as_hit(article) for article in popular_public_articles(service_id=service_id)]


def as_hit(article: Article, *, snippet_length: int = 240) -> SearchHit:
    """An article shown like a search result: its title, the start of its text."""
    text = plain_text(article.body)
    if len(text) > snippet_length:
        text = text[:snippet_length].rsplit(" ", 1)[0] + " …"
    return SearchHit(
        article=article, rank=0.0, title=escape(article.title), snippet=escape(text), exact=False
    )


def services_with_public_articles() -> QuerySet[Service]:
    """Active services that have a published public article: the portal's filter."""
    return Service.objects.filter(
        is_active=True, pk__in=public_articles().values("service_id")
    ).order_by("name")


def feedback_given(article: Article, user) -> ArticleFeedback | None:
    """This person's verdict on the article, if they gave one."""
    if not getattr(user, "is_authenticated", False):
        return None
    return ArticleFeedback.objects.filter(article=article, user=user).first()


# ----- revisions ------------------------------------------------------------------------------


def article_revisions(article: Article):
    """Every saved version of the article, newest first, with who saved it and why."""
    return article.history.select_related("history_user").order_by("-history_id")


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: `kind` is "same", "added", "removed" or "gap" (unchanged lines
    left out); the line numbers are those of the older and the newer text (None where the
    line is not in that one)."""

    kind: str
    text: str
    old_number: int | None = None
    new_number: int | None = None


@dataclass(frozen=True)
class FieldDiff:
    field: str
    label: str
    lines: list[DiffLine]


DIFFED_FIELDS = ("title", "keywords", "body")
FIELD_LABELS = {"title": _("title"), "keywords": _("keywords"), "body": _("text")}


def revision_diff(article: Article, *, older_id: int, newer_id: int) -> list[FieldDiff]:
    """What changed between two revisions of the article (history ids), field by field:
    the title, keywords and text, line by line. Fields that did not change are left out."""
    revisions = {
        r.history_id: r for r in article.history.filter(history_id__in=[older_id, newer_id])
    }
    older, newer = revisions[older_id], revisions[newer_id]
    diffs = []
    for name in DIFFED_FIELDS:
        before, after = getattr(older, name) or "", getattr(newer, name) or ""
        if before != after:
            label = str(FIELD_LABELS[name])
            diffs.append(FieldDiff(name, label, diff_lines(before, after)))
    return diffs


def diff_lines(before: str, after: str, *, context: int = DIFF_CONTEXT) -> list[DiffLine]:
    old, new = before.splitlines(), after.splitlines()
    lines: list[DiffLine] = []
    groups = list(
        difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_grouped_opcodes(context)
    )
    for group_index, group in enumerate(groups):
        first = group[0]
        if group_index > 0 or first[1] > 0 or first[3] > 0:
            lines.append(DiffLine("gap", ""))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines += [DiffLine("same", old[i], i + 1, j1 + (i - i1) + 1) for i in range(i1, i2)]
                continue
            lines += [DiffLine("removed", old[i], old_number=i + 1) for i in range(i1, i2)]
            lines += [DiffLine("added", new[j], new_number=j + 1) for j in range(j1, j2)]
    if lines and (groups[-1][-1][2] < len(old) or groups[-1][-1][4] < len(new)):
        lines.append(DiffLine("gap", ""))
    return lines


# ----- what readers said and searched ---------------------------------------------------------


def with_feedback_counts(articles: QuerySet[Article]) -> QuerySet[Article]:
    """Each article with `helpful` and `not_helpful`: the verdicts given, counted in SQL."""
    return articles.annotate(
        helpful=Count("feedback", filter=Q(feedback__helpful=True)),
        not_helpful=Count("feedback", filter=Q(feedback__helpful=False)),
    )


def top_unanswered_searches(*, since: datetime, limit: int = 20) -> list[dict]:
    """The searches that found nothing since `since`, most frequent first:
    {"query", "searches", "last_searched"} (counted in SQL, on the partial index)."""
    rows = (
        SearchLog.objects.filter(result_count=0, created_at__gte=since)
        .values("normalised")
        .annotate(searches=Count("id"), last_searched=Max("created_at"))
        .order_by("-searches", "-last_searched")[:limit]
    )
    return [
        {"query": r["normalised"], "searches": r["searches"], "last_searched": r["last_searched"]}
        for r in rows
    ]
