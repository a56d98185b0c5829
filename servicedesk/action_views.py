"""The flow behind a lifecycle button (servicedesk.actions), for any app's record page.
The app's view finds the record (its access helper), picks the action (404 when there is
none by that key), checks the user gets it (403), and hands the rest to `run_action`:
GET shows the action's form in the page's action panel; POST validates the form and runs
the action. A service's ValidationError goes next to its field; a stale edit reloads the
record and keeps what was typed, now on top of the current version; a transition that
may not start is said on top of the form; success says so and answers as the app does
after a change."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import models
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from servicedesk.actions import RecordAction
from servicedesk.exceptions import StaleEdit
from servicedesk.forms import VersionedForm, apply_service_errors, rebase
from servicedesk.http import AuthenticatedHttpRequest

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


@dataclass(frozen=True)
class Panel:
    """The form open under a record page's header: a lifecycle step or the edit."""

    key: str
    title: "StrOrPromise"
    url: str
    form: VersionedForm[Any]
    style: str = "primary"


def focus(form: forms.Form) -> None:
    """The field the user goes to when the form opens: the first with an error, else the
    first (htmx focuses an `autofocus` field after the swap; so does a full page)."""
    fields = form.visible_fields()
    chosen = next((f for f in fields if f.errors), fields[0] if fields else None)
    if chosen is not None:
        chosen.field.widget.attrs["autofocus"] = True


#: Answers with the action's form open on the record's page: (record, form, status).
type ShowForm[M: models.Model] = Callable[[M, VersionedForm[M], int], HttpResponse]


def run_action[M: models.Model](
    request: AuthenticatedHttpRequest,
    *,
    record: M,
    chosen: RecordAction[M],
    reload: Callable[[], M],
    stale_error: type[StaleEdit],
    show: ShowForm[M],
    changed: Callable[[M], HttpResponse],
    message_on_htmx: bool = True,
) -> HttpResponse:
    """GET shows `chosen`'s form, POST runs it; anything else is 405. `reload` reads the
    record again after `stale_error` (the app's StaleEdit); `show` renders the form (422
    when it comes back with errors); `changed` answers after success. The "done" message
    is queued for every request, or only for plain ones when `message_on_htmx` is False."""
    if request.method == "GET":
        form = chosen.form_class(initial=chosen.initial(record), record=record)
        return show(record, form, 200)
    if request.method != "POST":
        return HttpResponse(status=405, headers={"Allow": "GET, POST"})
    form = chosen.form_class(request.POST, record=record)
    if form.is_valid():
        try:
            record = chosen.run(record, request.user, form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        except stale_error:
            record = reload()
            form = rebase(chosen.form_class, request.POST, record)
            form.add_error(None, stale_error.message)
        except TransitionNotAllowed as error:
            form.add_error(None, str(error))
        else:
            if message_on_htmx or not request.htmx:
                messages.success(request, _("%(action)s: done.") % {"action": chosen.label})
            return changed(record)
    return show(record, form, 422)
