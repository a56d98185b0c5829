"""A lifecycle step taken from the article page. Each works without JS: the button is a
POST form, or opens the step's form first where a reason is asked (send back, retire)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed
from django_htmx.http import retarget

from knowledge.exceptions import StaleArticle
from knowledge.forms import TransitionForm
from knowledge.models import Article
from knowledge.views.article import article_context
from knowledge.views.buttons import BUTTONS, Button, buttons_for, run
from knowledge.views.common import get_article_for
from servicedesk.access import staff_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest


@staff_required
def transition(request: AuthenticatedHttpRequest, number: str, name: str) -> HttpResponse:
    """GET shows the step's form (its reason box); POST takes the step."""
    article = get_article_for(request.user, number)
    button = next((b for b in BUTTONS if b.name == name), None)
    if button is None:
        raise Http404
    if button not in buttons_for(article, request.user):
        raise PermissionDenied(
            _("You may not do this with %(number)s while it is %(status)s.")
            % {"number": article.number, "status": article.get_status_display().lower()}
        )
    if request.method == "GET":
        form = TransitionForm(initial={"version": article.version}, record=article)
        return _show_form(request, article, button, form)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = TransitionForm(request.POST, record=article)
    if form.is_valid():
        try:
            article = run(button, article, request.user, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except StaleArticle:
            article = get_article_for(request.user, number)
            form = _rebased(request, article)
            form.add_error(None, StaleArticle.message)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(action)s: done.") % {"action": button.label})
            return redirect("knowledge:detail", number=article.number)
    return _show_form(request, article, button, form, status=422)


def _rebased(request: AuthenticatedHttpRequest, article: Article) -> TransitionForm:
    """The loser of a race keeps their reason, now on top of the current version."""
    data = request.POST.copy()
    data["version"] = str(article.version)
    form = TransitionForm(data, record=article)
    form.is_valid()
    return form


def _show_form(
    request: AuthenticatedHttpRequest,
    article: Article,
    button: Button,
    form: TransitionForm,
    status: int = 200,
) -> HttpResponse:
    """htmx gets the panel alone; a plain request the whole page with the panel open."""
    if request.htmx:
        context = {"article": article, "open_button": button, "transition_form": form}
        response = render(request, "knowledge/detail.html#transition_panel", context, status=status)
        return retarget(response, "#transition-panel")
    context = article_context(request, article, open_button=button, transition_form=form)
    return render(request, "knowledge/detail.html", context, status=status)
