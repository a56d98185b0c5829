"""An article's revisions (who saved each, when and why) and what changed between two
of them, line by line (knowledge.selectors.revision_diff)."""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from knowledge.models import Article
from knowledge.selectors import article_revisions, revision_diff
from knowledge.views.common import get_article_for
from servicedesk.access import staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int

#: Revisions listed per page, newest first.
PAGE = 100
#: The fields whose change a revision's row names.
NAMED_FIELDS = ("title", "body", "keywords", "service", "category", "visibility", "language")


@dataclass
class Revision:
    row: Any  # a historical Article (simple-history)
    #: Labels of the fields this revision changed, and the status it moved from.
    changed: list[str] = field(default_factory=list)
    moved_from: str = ""
    moved_from_label: str = ""


@require_GET
@staff_required
def history(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    article = get_article_for(request.user, number)
    before = parse_int(request.GET.get("before"))
    rows = article_revisions(article)
    if before is not None:
        rows = rows.filter(history_id__lt=before)
    page = list(rows[: PAGE + 1])  # one more: the older neighbour of the last one shown
    revisions = _described(page)[:PAGE]
    older, newer = _chosen(request, article)
    context = {
        "article": article,
        "revisions": revisions,
        "older_page": page[PAGE - 1].history_id if len(page) > PAGE else None,
        "older": older,
        "newer": newer,
        "diff": revision_diff(article, older_id=older, newer_id=newer) if older else None,
    }
    return render(request, "knowledge/history.html", context)


def _described(rows: list) -> list[Revision]:
    """Each revision with what it changed from the one before it (rows: newest first)."""
    labels = {name: str(_field(name).verbose_name) for name in NAMED_FIELDS}
    revisions = []
    for row, previous in zip(rows, [*rows[1:], None], strict=True):
        revision = Revision(row)
        if previous is not None:
            revision.changed = [
                labels[name] for name in NAMED_FIELDS if _value(row, name) != _value(previous, name)
            ]
            if previous.status != row.status:
                revision.moved_from = previous.status
                revision.moved_from_label = previous.get_status_display()
        revisions.append(revision)
    return revisions


def _field(name: str) -> models.Field:
    return cast(models.Field, Article._meta.get_field(name))


def _value(row, name: str):
    return getattr(row, _field(name).attname)


def _chosen(request: AuthenticatedHttpRequest, article: Article) -> tuple:
    """The two revisions to compare (?a=…&b=…, history ids, either order), older first;
    (None, None) when none were chosen. A revision of another article is a 404."""
    a, b = parse_int(request.GET.get("a")), parse_int(request.GET.get("b"))
    if a is None or b is None:
        return None, None
    found = set(article.history.filter(history_id__in=[a, b]).values_list("history_id", flat=True))
    if {a, b} - found:
        raise Http404
    return min(a, b), max(a, b)
