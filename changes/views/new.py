"""Raising a change: /changes/new/, for everyone on staff. ?template=<id> starts a
standard change from that template; ?problem=PRB-000012 and ?incident=INC-000123
(repeatable, or comma-separated) prefill what it answers. Choosing a template on the page
fills what was left empty without losing what was typed (htmx, or the "Use the template"
button without JavaScript). The risk follows the questionnaire as it is answered, and
the configuration items offered follow the services chosen."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from changes import rules, services
from changes.forms import (
    QUESTIONS,
    NewChangeForm,
    configuration_items,
    fill_from_template,
    raw_values,
    risk_of,
    template_prefill,
)
from changes.models import StandardChangeTemplate
from servicedesk.access import role_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.parsing import parse_int


@require_http_methods(["GET", "POST"])
@role_required(rules.may_raise)
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        if "apply_template" in request.POST:
            return _apply_template(request)
        return _raise(request)
    form = NewChangeForm(initial=_prefill(request))
    return _show(request, form)


def _raise(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NewChangeForm(request.POST)
    if form.is_valid():
        try:
            change = services.change_raise(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(number)s is raised.") % {"number": change.number})
            return redirect("changes:detail", number=change.number)
    return _show(request, form, status=422)


def _apply_template(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The form again, the chosen template's plan filling what was left empty."""
    sent = NewChangeForm(request.POST)
    values = raw_values(sent)
    template = _template(values.get("template"))
    if template is not None:
        values = fill_from_template(values, template)
    form = NewChangeForm(initial=values)
    form.fields["template"].widget.attrs["autofocus"] = True
    return _show(request, form, partial=bool(request.htmx))


def _template(value: Any) -> StandardChangeTemplate | None:
    pk = parse_int(value)
    if pk is None:
        return None
    return StandardChangeTemplate.objects.filter(pk=pk, is_active=True).first()


def _numbers(request: AuthenticatedHttpRequest, name: str) -> str:
    """Numbers named in the URL (repeated or comma-separated), each once, in order."""
    numbers = [n.strip().upper() for v in request.GET.getlist(name) for n in v.split(",")]
    return ", ".join(dict.fromkeys(n for n in numbers if n))


def _prefill(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    initial: dict[str, Any] = {
        "problems": _numbers(request, "problem"),
        "incidents": _numbers(request, "incident"),
    }
    template = _template(request.GET.get("template"))
    if template is not None:
        initial.update(template_prefill(template))
    return initial


def _show(
    request: AuthenticatedHttpRequest,
    form: NewChangeForm,
    *,
    status: int = 200,
    partial: bool = False,
) -> HttpResponse:
    form.narrow_items(form["services"].value() or [])
    name = "changes/new.html#form" if partial else "changes/new.html"
    return render(request, name, {"form": form}, status=status)


@require_GET
@role_required(rules.may_raise)
def risk(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The risk the questionnaire's answers give (the risk preview of the plan forms)."""
    answers = {name: request.GET.get(name) for name in QUESTIONS}
    return render(request, "changes/_plan_fields.html#risk", {"risk": risk_of(answers)})


@require_GET
@role_required(rules.may_raise)
def items(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The configuration items to offer for the services chosen (all when none is); those
    chosen already stay, chosen."""
    services_chosen = [parse_int(v) for v in request.GET.getlist("services")]
    chosen = {parse_int(v) for v in request.GET.getlist("configuration_items")} - {None}
    offered = configuration_items(s for s in services_chosen if s is not None)
    offered = offered | configuration_items().filter(pk__in=chosen)
    context = {"items": list(offered), "chosen": chosen}
    return render(request, "changes/_plan_fields.html#item_options", context)
