"""/manager/: the service desk manager's dashboard (their landing page), its CSV export
and the list of tickets behind each figure. Only desk managers (and superusers) open
them; everyone else gets 403."""

from datetime import date

from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db.models import QuerySet
from django.db.models.functions import ExtractHour
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from incidents import queue_rows
from incidents.dashboard import cohorts, export, figures
from incidents.dashboard.period import Period, PeriodForm, query_string
from incidents.models import Incident
from servicedesk.access import role_required
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import SupportGroup
from servicedesk.pagination import keyset_page
from servicedesk.parsing import parse_int
from servicedesk.people import display_name
from servicedesk.roles import is_desk_manager

manager_required = role_required(is_desk_manager)

#: How long the drawn figures are shown again to every desk manager asking for the same
#: period in the same language and time zone; the page says when they were counted and
#: "Count again" counts at once. Their cost (about 90 ms for 30 days at 1,000,000
#: tickets) is then paid once a minute, not on every visit.
FIGURES_SECONDS = 60


def _form(request: AuthenticatedHttpRequest, today: date) -> PeriodForm:
    groups: QuerySet[SupportGroup] = SupportGroup.objects.order_by("line", "name")
    return PeriodForm(request.GET, groups=groups, today=today)


def _group(form: PeriodForm) -> SupportGroup | None:
    return form.cleaned_data.get("group") if form.is_valid() else None


def _board(form: PeriodForm) -> figures.Dashboard:
    return figures.desk(form.period(), _group(form), timezone.now())


def _figures_html(form: PeriodForm, period: Period, *, fresh: bool) -> SafeString:
    """The figures, charts, tables and panels of `period`, drawn at most FIGURES_SECONDS
    ago (at once when `fresh`)."""
    key = ":".join(
        (
            "dashboard-figures",
            period.first_day.isoformat(),
            period.last_day.isoformat(),
            str(period.group_id or ""),
            get_language() or "",
            timezone.get_current_timezone_name(),
        )
    )
    html = None if fresh else cache.get(key)
    if html is None:
        context = {
            "board": _board(form),
            "counted_at": timezone.now(),
            "query": query_string(period),
        }
        html = render_to_string("incidents/dashboard.html#figures", context)
        cache.set(key, html, FIGURES_SECONDS)
    return mark_safe(html)  # our own template's output, escaped when it was drawn


@require_GET
@manager_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = _form(request, timezone.localdate())
    period = form.period()
    context = {
        "form": form,
        "period": period,
        "group": _group(form),
        "figures": _figures_html(form, period, fresh="fresh" in request.GET),
        "query": query_string(period),
        "export_url": f"{reverse('dashboard:export')}?{query_string(period)}",
    }
    template = "incidents/dashboard.html"
    if request.htmx and request.htmx.target == "board":
        template += "#board"
    return render(request, template, context)


@require_GET
@manager_required
def export_csv(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Everything the dashboard shows for the same query string, as CSV (a period with
    errors is refused, not replaced by the default one)."""
    form = _form(request, timezone.localdate())
    if not form.is_valid():
        errors = "\n".join(str(error) for errors in form.errors.values() for error in errors)
        return HttpResponse(errors, status=400, content_type="text/plain; charset=utf-8")
    board = _board(form)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    name = f"service-desk-{board.period.first_day}-{board.period.last_day}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    export.write(board, response)
    return response


@require_GET
@manager_required
def tickets(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The tickets one figure counts: ?figure=<cohorts.LISTS key> with the dashboard's
    from, to and group, and for a chart's row or an agent: hour, age or agent. Keyset
    pages of 50, like the queues."""
    figure = request.GET.get("figure", "")
    listed = cohorts.LISTS.get(figure)
    if listed is None:
        raise Http404
    form = _form(request, timezone.localdate())
    period = form.period()
    now = timezone.now()
    rows = Incident.objects.filter(listed.tickets(period))
    narrowed: dict[str, object] = {}
    scope: dict[str, object] = {}
    agent = parse_int(request.GET.get("agent"))
    if agent is not None:
        rows = rows.filter(assignee_id=agent)
        narrowed["agent"] = agent
        user = get_user_model().objects.filter(pk=agent).first()
        scope["agent_name"] = display_name(user) if user else ""
    hour = parse_int(request.GET.get("hour"))
    if hour is not None and 0 <= hour < 24:
        tz = timezone.get_current_timezone()
        rows = rows.annotate(hour=ExtractHour("registered_at", tzinfo=tz)).filter(hour=hour)
        narrowed["hour"] = hour
        scope["hour_label"] = _("registered %(start)02d:00–%(end)02d:00") % {
            "start": hour,
            "end": hour + 1,
        }
    age = request.GET.get("age", "")
    ages = {key: label for key, label, *_rest in cohorts.AGES}
    if figure.startswith("backlog") and age in ages:
        rows = rows.filter(cohorts.aged(age, now))
        narrowed["age"] = age
        scope["age_label"] = ages[age]
    page = keyset_page(rows, request.GET.get("after"), listed.order, shown=queue_rows.shown())
    queue_rows.prepare_rows(page.rows, now, majors=False)
    group = form.cleaned_data.get("group") if form.is_valid() else None
    context = {
        "title": listed.title,
        "period": period,
        "group": group,
        "narrowed": narrowed,
        "rows": page.rows,
        "next_cursor": page.next_cursor,
        "now": now,
        "queue_url": reverse("dashboard:tickets"),
        "page_query": query_string(period, figure=figure, **narrowed),
        "dashboard_url": f"{reverse('dashboard:index')}?{query_string(period)}",
        "empty_message": _("No ticket."),
        **scope,
    }
    if request.htmx and request.GET.get("after"):
        return render(request, "incidents/queue.html#more_rows", context)
    return render(request, "incidents/dashboard_tickets.html", context)
