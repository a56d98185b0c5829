"""The help articles in the customer portal. A contact searches and reads the published
public articles, and says whether one answered their question (once per person and
article: a second answer replaces the first). Every view starts from the contact behind
the login (staff and other users get 403) and reads articles through
selectors.article_numbered, so an internal, unpublished or unknown article is a 404."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import prefetch_related_objects
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from knowledge import markdown, services
from knowledge.models import Article, ArticleFeedback
from knowledge.portal_forms import PAGE, FeedbackForm, PortalSearchForm
from knowledge.search import SearchHit
from knowledge.selectors import (
    article_numbered,
    feedback_given,
    popular_public_articles,
    public_suggestions,
)
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import Contact
from servicedesk.parsing import parse_int
from servicedesk.roles import contact_of
from servicedesk.uploads import serve_stored_file

#: Articles offered before a ticket is raised, and on the portal home.
SUGGESTED = 5

# ----- who is asking, and which article --------------------------------------------------------


def _contact(request: AuthenticatedHttpRequest) -> Contact:
    """The contact behind this login; anyone else (staff included) gets 403."""
    contact = contact_of(request.user)
    if contact is None:
        raise PermissionDenied
    return contact


def _article(request: AuthenticatedHttpRequest, number: str) -> Article:
    article = article_numbered(request.user, number)
    if article is None:
        raise Http404
    return article


# ----- an article's text ----------------------------------------------------------------------


def files_for(article: Article) -> dict[str, str]:
    """Attachment file name → where the portal serves it (the Markdown names files)."""
    return {
        file.original_name: reverse("portal:kb_file", args=[article.number, file.pk])
        for file in article.attachments.all()
    }


def article_html(article: Article) -> SafeString:
    return markdown.render(article.body, files=files_for(article))


@dataclass(frozen=True)
class Suggestion:
    """An article offered before a ticket is raised: its hit (title and snippet marked)
    and its whole text, to read in place."""

    hit: SearchHit
    html: SafeString


def suggestion_context(hits: list[SearchHit], *, typed: bool) -> dict[str, Any]:
    """What templates/knowledge/portal/_suggestions.html shows (files read in one query)."""
    prefetch_related_objects([hit.article for hit in hits], "attachments")
    return {
        "suggestions": [Suggestion(hit, article_html(hit.article)) for hit in hits],
        "typed": typed,
    }


# ----- searching -------------------------------------------------------------------------------


@require_GET
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/portal/kb/?q=…&service=…: the best matches with the words marked (the search is
    logged, so the knowledge manager sees what found nothing); without words, the most
    used articles."""
    contact = _contact(request)
    form = PortalSearchForm(request.GET)
    form.is_valid()
    data = form.cleaned_data
    text, service = data.get("q") or "", data.get("service")
    start = data.get("start") or 0
    context: dict[str, Any] = {"contact": contact, "form": form, "q": text, "start": start}
    if text.strip():
        results = services.article_search(
            text=text, actor=request.user, service=service, limit=PAGE, offset=start
        )
        context["results"] = results
        if results.has_more:
            context["more"] = _query(
                q=text, service=service.pk if service else "", start=start + PAGE
            )
    else:
        service_id = service.pk if service else None
        context["popular"] = popular_public_articles(service_id=service_id, limit=PAGE)
    return render(request, "knowledge/portal/search.html", context)


def _query(**params: object) -> str:
    return "?" + urlencode({name: value for name, value in params.items() if value != ""})


@require_GET
def suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """While a contact writes a ticket's summary (htmx, debounced): the public articles
    of the service that match it. A plain visit is sent to the search page."""
    _contact(request)
    text = request.GET.get("title") or request.GET.get("q") or ""
    service_id = parse_int(request.GET.get("service"))
    if not request.htmx:
        return redirect(reverse("portal:kb") + _query(q=text, service=service_id or ""))
    hits = public_suggestions(text=text, service_id=service_id, limit=SUGGESTED)
    context = {"service_id": service_id, **suggestion_context(hits, typed=bool(text.strip()))}
    return render(request, "knowledge/portal/_suggestions.html", context)


# ----- one article, and what the reader says about it -------------------------------------------


@require_GET
def article(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    _contact(request)
    return _show(request, _article(request, number))


def _show(
    request: AuthenticatedHttpRequest,
    article: Article,
    *,
    form: FeedbackForm | None = None,
    notice: str = "",
    status: int = 200,
) -> HttpResponse:
    """The article page, or only its feedback box (htmx)."""
    given = feedback_given(article, request.user)
    context: dict[str, Any] = {
        "article": article,
        "given": given,
        "form": form or _feedback_form(given),
        "notice": notice,
    }
    if request.htmx:
        return render(request, "knowledge/portal/article.html#feedback", context, status=status)
    prefetch_related_objects([article], "attachments")
    context["body"] = article_html(article)
    context["files"] = [file for file in article.attachments.all() if not file.is_inline_image]
    return render(request, "knowledge/portal/article.html", context, status=status)


def _feedback_form(given: ArticleFeedback | None) -> FeedbackForm:
    return FeedbackForm(initial={"comment": given.comment if given else ""})


@require_POST
def feedback(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """ "Did this answer your question?" on the article page, or before raising a ticket
    (`source=raise`: a yes there means no ticket is raised)."""
    _contact(request)
    article = _article(request, number)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_record(
                article=article,
                helpful=data["helpful"],
                comment=data["comment"],
                before_raising=data["source"] == "raise",
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            text = _thanks(helpful=data["helpful"], source=data["source"])
            if request.htmx:
                return _show(request, article, notice=text)
            messages.success(request, text)
            return redirect(reverse("portal:kb_article", args=[article.number]) + "#feedback")
    return _show(request, article, form=form, status=422)


def _thanks(*, helpful: bool, source: str) -> str:
    if helpful and source == "raise":
        return _("We are glad this answered your question: no ticket was raised.")
    if helpful:
        return _("Thank you: we are glad it helped.")
    return _("Thank you: your answer helps us improve the article.")


@require_GET
def attachment(request: AuthenticatedHttpRequest, number: str, pk: int) -> FileResponse:
    """A file of a public article: an image its text shows is served inline (its type
    was sniffed from its bytes when it was uploaded), anything else as a download."""
    _contact(request)
    article = _article(request, number)
    file = article.attachments.filter(pk=pk).first()
    if file is None:
        raise Http404
    inline_type = file.content_type if file.is_inline_image else ""
    return serve_stored_file(file.file, name=file.original_name, inline_type=inline_type)


# ----- the portal home's panel -------------------------------------------------------------


def home_panel(request: HttpRequest, contact: Contact) -> Mapping[str, Any] | None:
    """The most used public articles, with a search box (nothing when there are none)."""
    articles = popular_public_articles(limit=SUGGESTED)
    return {"kb_articles": articles} if articles else None
