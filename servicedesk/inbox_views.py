"""The staff member's notifications: the list, marking read, and mail preferences. Each
view answers only about the asking user's own rows; someone else's row is a 404."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from servicedesk import inbox
from servicedesk.access import staff_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.inbox_forms import PreferenceForm
from servicedesk.models import InAppNotification


@require_GET
@staff_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    unread_only = request.GET.get("show") == "unread"
    context = {
        "items": inbox.inbox_for(request.user, unread_only=unread_only),
        "unread_only": unread_only,
        "limit": inbox.LIST_LIMIT,
    }
    return render(request, "servicedesk/inbox.html", context)


@require_POST
@staff_required
def mark_read(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    try:
        item = inbox.inbox_mark_read(user=request.user, notification_id=pk)
    except InAppNotification.DoesNotExist:
        raise Http404 from None
    if request.htmx:
        context = {"item": item, "inbox_unread": inbox.inbox_unread_count(request.user)}
        return render(request, "servicedesk/inbox.html#item_read", context)
    return redirect("inbox:index")


@require_POST
@staff_required
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = inbox.inbox_mark_all_read(user=request.user)
    text = ngettext(
        "%(count)d notification marked as read.", "%(count)d notifications marked as read.", count
    )
    messages.success(request, text % {"count": count})
    return redirect("inbox:index")


@require_http_methods(["GET", "POST"])
@staff_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    current = inbox.preference_for(request.user)
    if request.method == "GET":
        form = PreferenceForm(
            initial={"mail_enabled": current.mail_enabled, "muted_events": current.muted_events}
        )
        return render(request, "servicedesk/inbox_preferences.html", {"form": form})
    form = PreferenceForm(request.POST)
    if form.is_valid():
        try:
            inbox.preference_update(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Your notification settings are saved."))
            return redirect("inbox:preferences")
    return render(request, "servicedesk/inbox_preferences.html", {"form": form}, status=422)
