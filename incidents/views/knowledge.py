"""Knowledge articles on tickets: what matches beside the log-a-call form and on the
ticket page while an agent types (htmx, debounced; a plain visit gets a page of its
own), linking and removing an article, pasting one into a public reply, and writing a
draft article from a resolved ticket."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import retarget

from incidents import rules, services
from incidents.access import get_incident_for
from incidents.forms import CommentForm
from incidents.models import Incident
from incidents.templatetags.ticket_kb import kb_panel_context
from incidents.views.ticket import page_context
from knowledge import services as kb_services
from knowledge.models import Article
from knowledge.search import SearchHit
from knowledge.selectors import articles_for, published_articles
from servicedesk.access import agent_required, staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int

#: Articles suggested at a time.
SUGGESTED = 5


def _matching(request: AuthenticatedHttpRequest, text: str) -> list[SearchHit]:
    """Published articles (internal ones too: agents read them) matching `text`; not
    logged as searches, since the agent is still typing."""
    if not text.strip():
        return []
    results = kb_services.article_search(text=text, actor=request.user, limit=SUGGESTED, log=False)
    return results.hits


def _article(request: AuthenticatedHttpRequest, pk: int) -> Article:
    article = articles_for(request.user).filter(pk=pk).first()
    if article is None:
        raise Http404
    return article


# ----- beside the log-a-call form ---------------------------------------------------------------


def log_call_suggestions(
    request: AuthenticatedHttpRequest, *, title: str, description: str, chosen: list[int]
) -> dict[str, Any]:
    """The articles the agent ticked (they stay while the text changes), then those
    matching the summary and description typed so far."""
    ticked = list(published_articles().filter(pk__in=chosen).select_related("service"))
    ticked_ids = {article.pk for article in ticked}
    hits = _matching(request, f"{title} {description}")
    return {
        "ticked": ticked,
        "hits": [hit for hit in hits if hit.article.pk not in ticked_ids],
        "typed": bool(title.strip() or description.strip()),
    }


@require_GET
@agent_required
def article_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """/tickets/new/articles/?title=…&description=…&articles=…: the list beside the
    log-a-call form (htmx), or a page of its own for a plain visit (?q=…)."""
    chosen = [pk for pk in map(parse_int, request.GET.getlist("articles")) if pk]
    title = request.GET.get("title") or request.GET.get("q") or ""
    context = log_call_suggestions(
        request, title=title, description=request.GET.get("description", ""), chosen=chosen
    )
    if request.htmx:
        return render(request, "incidents/_kb_log_call.html", context)
    return render(request, "incidents/kb_suggestions.html", {**context, "q": title})


# ----- on the ticket page ----------------------------------------------------------------------


def _ticket_text(incident: Incident) -> str:
    return f"{incident.title} {incident.description}"


@require_http_methods(["GET", "POST"])
@agent_required
def ticket_articles(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """GET: the articles matching `q` (the ticket's own text when none is typed), for the
    ticket page's panel (htmx) or as a page of their own. POST: link `article`."""
    incident = get_incident_for(request.user, number)
    if request.method == "POST":
        return _link(request, incident)
    q = request.GET.get("q", "").strip()
    hits = _matching(request, q or _ticket_text(incident))
    context = kb_panel_context(request, incident)
    linked = {link.article_id for link in context["links"]}
    context.update(hits=[hit for hit in hits if hit.article.pk not in linked], q=q)
    if request.htmx:
        return render(request, "incidents/_kb_ticket_hits.html", context)
    return render(request, "incidents/kb_ticket.html", context)


def _link(request: AuthenticatedHttpRequest, incident: Incident) -> HttpResponse:
    article = _article(request, parse_int(request.POST.get("article")) or 0)
    services.incident_article_link(incident=incident, article=article, actor=request.user)
    return _panel_changed(
        request, incident, _("%(number)s is linked.") % {"number": article.number}
    )


@require_POST
@agent_required
def unlink_article(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    incident = get_incident_for(request.user, number)
    try:
        services.incident_article_unlink(incident=incident, article_id=pk, actor=request.user)
    except ValidationError as error:
        return _panel_changed(request, incident, " ".join(error.messages), error=True)
    return _panel_changed(request, incident, _("The article is no longer linked."))


def _panel_changed(
    request: AuthenticatedHttpRequest, incident: Incident, text: str, *, error: bool = False
) -> HttpResponse:
    """The ticket's knowledge panel again (htmx), or the ticket page with a message."""
    if not request.htmx:
        (messages.error if error else messages.success)(request, text)
        return redirect("incidents:detail", number=incident.number)
    context = kb_panel_context(request, incident, notice=text, notice_error=error)
    response = render(request, "incidents/_kb_panel.html", context, status=422 if error else 200)
    return retarget(response, "#kb-panel")


@require_GET
@agent_required
def paste_article(request: AuthenticatedHttpRequest, number: str, pk: int) -> HttpResponse:
    """The comment form filled with the article's text and its number: a public reply
    for a public article; an internal one stays a work note until the agent decides."""
    incident = get_incident_for(request.user, number)
    article = _article(request, pk)
    if not rules.can_comment(incident, request.user):
        raise PermissionDenied
    form = CommentForm(
        initial={"body": pasted_text(request, article), "is_public": article.is_public}
    )
    form.fields["body"].widget.attrs["autofocus"] = True
    note = (
        ""
        if article.is_public
        else _(
            "%(number)s is an internal article: check the text before you make the reply public."
        )
        % {"number": article.number}
    )
    if request.htmx:
        context = {"incident": incident, "comment_form": form, "paste_note": note}
        response = render(request, "incidents/detail.html#comment_form", context)
        return retarget(response, "#comment-form")
    context = page_context(request, incident, comment_form=form, paste_note=note)
    return render(request, "incidents/detail.html", context)


def pasted_text(request: AuthenticatedHttpRequest, article: Article) -> str:
    """The article's title and number, its text, and for a public article where the
    contact reads it in the portal."""
    parts = [f"{article.title} ({article.number})", article.body.strip()]
    if article.is_public:
        url = request.build_absolute_uri(reverse("portal:kb_article", args=[article.number]))
        parts.append(_("You can read it in the portal too: %(url)s") % {"url": url})
    return "\n\n".join(parts)


# ----- an article from a resolved ticket -------------------------------------------------------


@require_POST
@staff_required
def write_article(request: AuthenticatedHttpRequest, number: str) -> HttpResponse:
    """One click on a resolved ticket: a draft article prefilled from it, linked to it,
    opened for editing."""
    incident = get_incident_for(request.user, number)
    try:
        article = services.incident_write_article(incident=incident, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("incidents:detail", number=incident.number)
    messages.success(
        request,
        _("Draft %(number)s was written from %(ticket)s: complete it and submit it for review.")
        % {"number": article.number, "ticket": incident.number},
    )
    return redirect(article_edit_url(article))


def article_edit_url(article: Article) -> str:
    """Where an article is edited: the knowledge base's own page, once its staff pages
    are installed (looked up when asked, so nothing here depends on them)."""
    for name in ("knowledge:edit", "knowledge:detail"):
        try:
            return reverse(name, args=[article.number])
        except NoReverseMatch:
            continue
    return reverse("admin:knowledge_article_change", args=[article.pk])
