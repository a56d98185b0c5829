"""Opening a problem by hand, or from incidents that keep happening: /problems/new/,
optionally ?incident=INC-000123 (repeatable), which prefills the problem from the first
incident and offers them all, ticked, to be linked."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from incidents.models import Incident
from problems import rules, services
from problems.forms import NewProblemForm
from servicedesk.access import role_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest

#: Incidents named in one URL, at most (the rest are ignored).
MAX_INCIDENTS = 50


@require_http_methods(["GET", "POST"])
@role_required(rules.may_open)
def new(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _open(request)
    numbers = _numbers(request.GET.getlist("incident"))
    form = NewProblemForm(initial=_prefill(numbers, request), numbers=numbers, me=request.user.pk)
    return _show(request, form, numbers)


def _open(request: AuthenticatedHttpRequest) -> HttpResponse:
    numbers = _numbers(request.POST.getlist("incidents"))
    offered = _numbers(request.POST.getlist("offered")) or numbers
    form = NewProblemForm(request.POST, numbers=offered, me=request.user.pk)
    if form.is_valid():
        try:
            problem = services.problem_open(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            messages.success(request, _("%(number)s is open.") % {"number": problem.number})
            return redirect("problems:detail", number=problem.number)
    return _show(request, form, offered, status=422)


def _numbers(values: list[str]) -> list[str]:
    """Incident numbers as typed in the URL or the form, cleaned, each once, in order."""
    cleaned = (value.strip().upper() for value in values)
    return list(dict.fromkeys(number for number in cleaned if number))[:MAX_INCIDENTS]


def _prefill(numbers: list[str], request: AuthenticatedHttpRequest) -> dict:
    """From the first incident named that exists: its title, service, CI and category; all of them
    ticked to be linked; the problem manager opening it owns it."""
    initial: dict = {"owner": request.user.pk, "incidents": numbers}
    found = {i.number: i for i in Incident.objects.filter(number__in=numbers)}
    first = next((found[number] for number in numbers if number in found), None)
    if first is not None:
        initial.update(
            title=first.title,
            service=first.service_id,
            configuration_item=first.configuration_item_id,
            category=first.category,
        )
    return initial


def _show(
    request: AuthenticatedHttpRequest, form: NewProblemForm, numbers: list[str], status: int = 200
) -> HttpResponse:
    offered = list(form.fields["incidents"].queryset)  # type: ignore[attr-defined]
    found = {incident.number for incident in offered}
    context = {
        "form": form,
        "offered": offered,
        "chosen": set(_numbers(_as_list(form["incidents"].value()))),
        "unknown": [number for number in numbers if number not in found],
    }
    return render(request, "problems/new.html", context, status=status)


def _as_list(value) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []
