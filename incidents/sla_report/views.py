"""/manager/reports/: the customer SLA reports. The desk manager chooses an organisation
and a month, reads the report, prints it (or saves it as PDF from the browser) and sends
it to the organisation's contacts. Only desk managers (and superusers) open these pages."""

from datetime import date, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from incidents import services
from incidents.models import SlaReportSending
from incidents.sla_report import mail
from incidents.sla_report.forms import ReportChoiceForm, SendReportForm
from incidents.sla_report.report import SlaReport, build, has_begun
from servicedesk.access import role_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.models import Contact, Organisation
from servicedesk.pagination import keyset_page
from servicedesk.roles import is_desk_manager

manager_required = role_required(is_desk_manager)


def last_month(today: date) -> date:
    return (today.replace(day=1) - timedelta(days=1)).replace(day=1)


#: Organisations per page of the list of reports.
PAGE = 50


@require_GET
@manager_required
def index(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The active organisations by name in pages of PAGE ("Show more": the next rows
    alone with htmx, the page without), each with the report of the month chosen (last
    month unless another is: sent or not) and this month's so far; `q` finds them by
    name or contract number. A contract number (`organisation`) with a month opens that
    report."""
    today = timezone.localdate()
    chosen = bool(request.GET.get("month") or request.GET.get("organisation"))
    form = ReportChoiceForm(request.GET if chosen else None, today=today)
    month = last_month(today)
    q = request.GET.get("q", "").strip()[:200]
    if form.is_valid():
        if form.cleaned_data["organisation"] is not None:
            return redirect(
                "dashboard:report",
                contract=form.cleaned_data["organisation"].contract_number,
                month=form.cleaned_data["month"],
            )
        month = form.cleaned_data["month"]
    elif not form.is_bound:
        form.initial = {"month": month, "q": q}
    organisations = Organisation.objects.filter(is_active=True)
    if q:
        organisations = organisations.filter(Q(name__icontains=q) | Q(contract_number__icontains=q))
    page = keyset_page(
        organisations,
        request.GET.get("after"),
        "name",
        shown=Organisation.objects.select_related("sla_policy"),
        size=PAGE,
    )
    latest = {
        sending.organisation_id: sending
        for sending in SlaReportSending.objects.filter(
            month=month, organisation__in=[org.pk for org in page.rows]
        )
        .select_related("sent_by")
        .order_by("organisation_id", "sent_at")
    }
    context = {
        "form": form,
        "rows": [(org, latest.get(org.pk)) for org in page.rows],
        "next_cursor": page.next_cursor,
        "month": month,
        "this_month": today.replace(day=1),
    }
    if request.htmx and request.GET.get("after"):
        return render(request, "incidents/sla_reports.html#report_rows", context)
    status = 422 if form.is_bound and not form.is_valid() else 200
    return render(request, "incidents/sla_reports.html", context, status=status)


def _organisation(contract: str) -> Organisation:
    return get_object_or_404(Organisation, contract_number=contract)


def _report(organisation: Organisation, month: date) -> SlaReport:
    now = timezone.now()
    if not has_begun(organisation, month, now):
        raise Http404(_("This month has not begun yet."))
    return build(organisation, month, now)


def _page(
    request: AuthenticatedHttpRequest,
    report: SlaReport,
    form: SendReportForm,
    *,
    status: int = 200,
    notice: str = "",
) -> HttpResponse:
    sendings = (
        SlaReportSending.objects.filter(organisation=report.organisation, month=report.month)
        .select_related("sent_by")
        .prefetch_related(Prefetch("recipients", Contact.objects.order_by("name")))
    )
    context = {"report": report, "form": form, "sendings": sendings, "notice": notice}
    template = "incidents/sla_report.html"
    if request.htmx and request.htmx.target == "report-send":
        template += "#send"
    with timezone.override(report.time_zone):
        return render(request, template, context, status=status)


@require_GET
@manager_required
def detail(request: AuthenticatedHttpRequest, contract: str, month: date) -> HttpResponse:
    organisation = _organisation(contract)
    report = _report(organisation, month)
    return _page(request, report, SendReportForm(organisation=organisation))


@require_GET
@manager_required
def printable(request: AuthenticatedHttpRequest, contract: str, month: date) -> HttpResponse:
    """The report as the customer receives it: one page of its own, styled for print."""
    report = _report(_organisation(contract), month)
    with timezone.override(report.time_zone):
        return HttpResponse(mail.document(report, for_customer=True, inline=False))


@require_POST
@manager_required
def send(request: AuthenticatedHttpRequest, contract: str, month: date) -> HttpResponse:
    organisation = _organisation(contract)
    report = _report(organisation, month)
    form = SendReportForm(request.POST, organisation=organisation)
    if form.is_valid():
        contacts = list(form.cleaned_data["recipients"])
        try:
            services.sla_report_send(
                organisation=organisation, month=month, contacts=contacts, actor=request.user
            )
        except ValidationError as error:
            apply_service_errors(form, error)
        else:
            text = ngettext(
                "The report is on its way to %(count)d contact.",
                "The report is on its way to %(count)d contacts.",
                len(contacts),
            ) % {"count": len(contacts)}
            if request.htmx:
                fresh = SendReportForm(organisation=organisation)
                return _page(request, report, fresh, notice=text)
            messages.success(request, text)
            return redirect(reverse("dashboard:report", args=[contract, month]) + "#report-send")
    return _page(request, report, form, status=422)
