"""The article page for staff: the text, its facts, the lifecycle buttons the user may
use, feedback, files and the latest revisions."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from knowledge import markdown, rules, services
from knowledge.forms import FeedbackForm
from knowledge.models import Article
from knowledge.selectors import article_revisions
from knowledge.views.buttons import buttons_for
from knowledge.views.common import attachment_urls, get_article_for
from servicedesk.access import staff_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.uploads import serve_stored_file

#: The latest revisions listed on the article page (the history page has them all).
RECENT_REVISIONS = 5


def article_context(request: AuthenticatedHttpRequest, article: Article, **extra) -> dict:
    attachments = list(article.attachments.all())
    counts = article.feedback.aggregate(
        yes=Count("pk", filter=Q(helpful=True)), no=Count("pk", filter=Q(helpful=False))
    )
    mine = article.feedback.filter(user=request.user).first()
    initial = {"helpful": "yes" if mine is None or mine.helpful else "no"}
    context = {
        "article": article,
        "body": markdown.render(article.body, files=attachment_urls(article, attachments)),
        "attachments": attachments,
        "buttons": buttons_for(article, request.user),
        "may_edit": rules.may_edit(article, request.user),
        "feedback_counts": counts,
        "my_feedback": mine,
        "feedback_form": FeedbackForm(initial=initial) if article.is_published else None,
        "revisions": list(article_revisions(article)[:RECENT_REVISIONS]),
        "open_button": None,
        "transition_form": None,
    }
    context.update(extra)
    return context


@require_GET
@staff_required
def detail(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    article = get_article_for(request.user, number)
    return render(request, "knowledge/detail.html", article_context(request, article))


@require_POST
@staff_required
def feedback(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """Helpful or not, once per person (a second verdict replaces the first)."""
    article = get_article_for(request.user, number)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            services.feedback_record(
                article=article,
                helpful=form.cleaned_data["helpful"],
                comment=form.cleaned_data["comment"],
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("Thank you: your feedback is recorded."))
            return redirect("knowledge:detail", number=article.number)
    context = article_context(request, article, feedback_form=form)
    return render(request, "knowledge/detail.html", context, status=422)


@require_GET
@staff_required
def attachment(request: AuthenticatedHttpRequest, number: str, pk: int) -> FileResponse:
    """An image the text shows is served inline, as the type its first bytes say; any
    other file only as a download."""
    article = get_article_for(request.user, number)
    stored = article.attachments.filter(pk=pk).first()
    if stored is None:
        raise Http404
    inline_type = stored.content_type if stored.is_inline_image else ""
    return serve_stored_file(stored.file, name=stored.original_name, inline_type=inline_type)
