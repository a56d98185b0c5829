"""/problems/: the problem manager's workspace, in four sections of one page
(templates/problems/home.html): the open problems by state, candidate patterns (with
"Open a problem"), the known error database and the figures. Every staff member reads
them; only a problem manager opens a problem from a pattern. Each section is a plain page
without JavaScript; htmx swaps the section, the rows and the search results."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from problems import charts, figures, rules, selectors, services
from problems import patterns as pattern_finder
from problems.models import Problem
from problems.workspace_forms import OpenFromPatternForm
from servicedesk.access import role_required
from servicedesk.forms import apply_service_errors
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.pagination import capped_count, days_between, keyset_page, total_of

SECTIONS = (
    ("home", gettext_lazy("Open problems")),
    ("patterns", gettext_lazy("Patterns")),
    ("known_errors", gettext_lazy("Known errors")),
    ("figures", gettext_lazy("Figures")),
)
PATTERN_KINDS = (
    ("ci", gettext_lazy("The same configuration item")),
    ("category", gettext_lazy("The same category on a service")),
    ("words", gettext_lazy("Similar wording")),
    ("service", gettext_lazy("The same service")),
)
#: The open problems' sorts: the column each sorts by (then by id).
SORTS = {"priority": "priority", "age": "created_at"}
SEARCH_LENGTH = 100
#: Rows per page of the open problems and of the known errors.
PAGE = 50

read_required = role_required(rules.may_read)


@dataclass(frozen=True)
class ProblemRow:
    problem: Problem
    days_open: int


# ----- open problems ---------------------------------------------------------------------


@require_GET
@read_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    if status not in selectors.WORKSPACE_STATUSES:
        status = ""
    sort = request.GET.get("sort", "")
    if sort not in SORTS:
        sort = "priority"
    page = keyset_page(
        selectors.workspace_problems(status),
        request.GET.get("after"),
        SORTS[sort],
        shown=selectors.problem_rows(),
        size=PAGE,
    )
    now = timezone.now()
    tabs = selectors.status_tabs()
    context = {
        "status": status,
        "sort": sort,
        "tabs": tabs,
        "all_tab": total_of(tabs),
        "rows": [ProblemRow(p, days_between(p.created_at, now)) for p in page.rows],
        "next_cursor": page.next_cursor,
    }
    return _render(request, "home", context, rows="problem_rows")


# ----- candidate patterns ----------------------------------------------------------------


@require_GET
@read_required
def patterns(request: AuthenticatedHttpRequest) -> HttpResponse:
    return _patterns_page(request, failed=None)


@require_POST
@role_required(rules.may_open)
def open_from_pattern(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open a problem with the pattern's incidents linked (as the pattern is now, not as
    the page showed it), and go to it."""
    form = OpenFromPatternForm(request.POST)
    pattern = pattern_finder.pattern_for_key(request.POST.get("key", ""))
    if pattern is None:
        messages.error(
            request,
            _(
                "This pattern no longer holds: its incidents were linked to a problem "
                "meanwhile, or too few are left. Nothing was opened."
            ),
        )
        return redirect("problems:patterns")
    if not form.is_valid():
        return _patterns_page(request, failed=form, status=422)
    try:
        problem = services.problem_open(
            title=form.cleaned_data["title"],
            description=pattern.description(),
            service=pattern.service,
            configuration_item=pattern.configuration_item,
            category=pattern.category,
            incidents=pattern.incidents,
            actor=request.user,
        )
    except ValidationError as error:
        apply_service_errors(form, error)
        return _patterns_page(request, failed=form, status=422)
    count = len(pattern.incidents)
    messages.success(
        request,
        ngettext(
            "%(number)s opened with %(count)d incident.",
            "%(number)s opened with %(count)d incidents.",
            count,
        )
        % {"number": problem.number, "count": count},
    )
    url = problem_url(problem.number)
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _patterns_page(
    request: AuthenticatedHttpRequest, *, failed: OpenFromPatternForm | None, status: int = 200
) -> HttpResponse:
    found = pattern_finder.find_patterns()
    may_open = rules.may_open(request.user)
    context = {
        "groups": [
            (
                kind,
                label,
                [
                    (pattern, _pattern_form(pattern, n, failed) if may_open else None)
                    for n, pattern in enumerate(found, 1)
                    if pattern.kind == kind
                ],
            )
            for kind, label in PATTERN_KINDS
        ],
        "failed": failed,
        "min_incidents": pattern_finder.MIN_INCIDENTS,
        "ticket_url": reverse("incidents:detail", args=["X"])[:-2],
    }
    return _render(request, "patterns", context, status=status)


def _pattern_form(
    pattern: pattern_finder.Pattern, n: int, failed: OpenFromPatternForm | None
) -> OpenFromPatternForm:
    """The pattern's "Open a problem" form: the one that failed (with what was typed and
    its errors) if it was this pattern's, else its prefilled title."""
    if failed is not None and failed.data.get("key") == pattern.key:
        form = failed
    else:
        form = OpenFromPatternForm(initial={"key": pattern.key, "title": pattern.title})
    form.auto_id = f"pattern{n}-%s"
    return form


# ----- the known error database ----------------------------------------------------------


@require_GET
@read_required
def known_errors(request: AuthenticatedHttpRequest) -> HttpResponse:
    query = " ".join(request.GET.get("q", "").split())[:SEARCH_LENGTH]
    rows = selectors.known_errors(query)
    page = keyset_page(
        rows, request.GET.get("after"), "priority", shown=selectors.known_error_rows(), size=PAGE
    )
    context = {
        "query": query,
        "known": page.rows,
        "next_cursor": page.next_cursor,
        "count": capped_count(rows),
        "article_url": reverse("knowledge:detail", args=["X"])[:-2],
    }
    if request.htmx and request.htmx.target == "known-results":
        return render(request, "problems/home.html#known_results", _with_links(context))
    return _render(request, "known_errors", context, rows="known_rows")


# ----- figures ---------------------------------------------------------------------------


@require_GET
@read_required
def figures_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    now = timezone.now()
    months = figures.per_month(now)
    to_cause, to_fix = figures.mean_times(now)
    fixes = figures.recent_fixes(now)
    context = {
        "months": months,
        "month_chart": charts.month_chart(months),
        "to_cause": to_cause,
        "to_fix": to_fix,
        "shares": figures.known_problem_shares(now),
        "fixes": [(fix, charts.fix_chart(fix)) for fix in fixes],
    }
    return _render(request, "figures", context)


# ----- shared ----------------------------------------------------------------------------


def problem_url(number: str) -> str:
    """The problem page (problems:detail, the problem page's own branch), or where it
    will be."""
    try:
        return reverse("problems:detail", kwargs={"number": number})
    except NoReverseMatch:
        return f"{reverse('problems:home')}{number}/"


def _with_links(context: dict) -> dict:
    return {**context, "problem_url": problem_url("X")[:-2]}


def _render(
    request: AuthenticatedHttpRequest,
    section: str,
    context: dict,
    *,
    rows: str = "",
    status: int = 200,
) -> HttpResponse:
    """The whole page; its section alone when htmx swaps sections; only the next rows
    for "Show more"."""
    sections = [(key, label, reverse(f"problems:{key}")) for key, label in SECTIONS]
    context = _with_links({**context, "section": section, "sections": sections})
    template = "problems/home.html"
    if request.htmx and rows and request.GET.get("after"):
        template += f"#{rows}"
    elif request.htmx and request.htmx.target == "section":
        template += "#section"
    return render(request, template, context, status=status)
