"""Writing articles: a new draft, changing one, the Markdown preview and the files its
text shows. Any staff writer creates drafts and edits them; an article in review or
published only a knowledge manager (knowledge.rules.may_edit)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from knowledge import markdown, rules, services
from knowledge.exceptions import StaleArticle
from knowledge.forms import ArticleEditForm, ArticleForm, edit_initial
from knowledge.models import Article
from knowledge.views.common import attachment_urls, get_article_for
from servicedesk.access import staff_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest

NOT_EDITABLE = gettext_lazy(
    "Only knowledge managers change an article that is in review or published. "
    "Ask one, or start a new revision of it."
)


@require_http_methods(["GET", "POST"])
@staff_required
def create(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not rules.may_write(request.user):
        raise PermissionDenied(_("You may not write knowledge articles."))
    if request.method == "GET":
        # A search that found nothing offers to write the article: its words become the title.
        title = " ".join(request.GET.get("title", "").split())[:200]
        form = ArticleForm(initial={"title": title, "language": request.LANGUAGE_CODE})
        return _show(request, form)
    form = ArticleForm(request.POST, request.FILES)
    if "preview" in request.POST:
        return _show(request, form, preview=_rendered(request, None))
    if form.is_valid():
        try:
            with transaction.atomic():
                article = services.article_create(actor=request.user, **form.content())
                _attach(article, form, request)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(
                request, _("%(number)s created as a draft.") % {"number": article.number}
            )
            return redirect("knowledge:detail", number=article.number)
    return _show(request, form, status=422)


@require_http_methods(["GET", "POST"])
@staff_required
def edit(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    article = get_article_for(request.user, number)
    if not rules.may_edit(article, request.user):
        raise PermissionDenied(NOT_EDITABLE)
    if request.method == "GET":
        form = ArticleEditForm(initial=edit_initial(article), record=article)
        return _show(request, form, article=article)
    form = ArticleEditForm(request.POST, request.FILES, record=article)
    if "preview" in request.POST:
        return _show(request, form, article=article, preview=_rendered(request, article))
    if form.is_valid():
        try:
            with transaction.atomic():
                services.article_update(
                    article=article,
                    actor=request.user,
                    expected_version=form.cleaned_data["version"],
                    **form.content(),
                )
                _attach(article, form, request)
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleArticle:
            article = get_article_for(request.user, number)
            form = _rebased(request, article)
            form.add_error(None, StaleArticle.message)
        else:
            messages.success(request, _("%(number)s saved.") % {"number": article.number})
            return redirect("knowledge:detail", number=article.number)
    return _show(request, form, article=article, status=422)


def _attach(article: Article, form: ArticleForm, request: AuthenticatedHttpRequest) -> None:
    for upload in form.cleaned_data["files"]:
        services.attachment_add(article=article, upload=upload, actor=request.user)


def _rebased(request: AuthenticatedHttpRequest, article: Article) -> ArticleEditForm:
    """The loser of a race keeps what they typed, now on top of the current version, so
    saving again (after reading what changed) is a deliberate decision that works."""
    data = request.POST.copy()
    data["version"] = str(article.version)
    form = ArticleEditForm(data, record=article)
    form.is_valid()
    return form


def _rendered(request: AuthenticatedHttpRequest, article: Article | None) -> SafeString:
    """The typed text as the article page will show it (through knowledge.markdown)."""
    body = request.POST.get("body", "")[: services.MAX_BODY_LENGTH]
    files = attachment_urls(article, article.attachments.all()) if article else {}
    return markdown.render(body, files=files)


def _show(
    request: AuthenticatedHttpRequest,
    form: ArticleForm,
    *,
    article: Article | None = None,
    preview: SafeString | None = None,
    status: int = 200,
) -> HttpResponse:
    attachments = list(article.attachments.all()) if article else []
    context = {"form": form, "article": article, "preview": preview, "attachments": attachments}
    return render(request, "knowledge/edit.html", context, status=status)


@require_POST
@staff_required
def preview(request: AuthenticatedHttpRequest, number: str | None = None) -> HttpResponse:
    """The Preview button (htmx): the text rendered as the article page will show it."""
    article = get_article_for(request.user, number) if number else None
    context = {"preview": _rendered(request, article)}
    return render(request, "knowledge/edit.html#preview", context)
