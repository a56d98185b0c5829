"""What the problems app shows on other apps' pages (servicedesk/panels.py), registered
from ProblemsConfig.ready():

- the ticket page ("incidents.ticket"): the problem the incident is linked to, with the
  known error's workaround and article (suggested on every incident of the problem), and
  a way off it; or, for an incident not linked yet, the known errors on its service or
  configuration item with one click to link it, and for problem managers a way to open
  a problem from it;
- the staff article page ("knowledge.article"): the problems whose known error the
  article describes;
- the organisation page ("servicedesk.organisation"): the newest problems on the services
  its contract covers and those of its open tickets;
- the configuration-item page ("servicedesk.configuration_item"): its newest problems.

Each panel costs one or two queries; staff only (problems.rules.may_read)."""

from typing import Any

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from incidents import rules as incident_rules
from incidents.models import Incident, Kind, TicketArticle
from incidents.selectors import organisation_service_ids
from knowledge.models import Article
from knowledge.models import Status as ArticleStatus
from problems import rules, selectors
from problems.models import KNOWN_ERROR_STATUSES, Problem, ProblemIncident
from servicedesk.models import ConfigurationItem, Organisation
from servicedesk.panels import register_panel
from servicedesk.records import CONFIGURATION_ITEM_SLOT, ORGANISATION_SLOT
from servicedesk.roles import is_agent

TICKET_SLOT = "incidents.ticket"
ARTICLE_SLOT = "knowledge.article"
#: Known errors offered on a ticket that is not linked to a problem yet.
KNOWN_ERRORS_SHOWN = 5


def register() -> None:
    register_panel(TICKET_SLOT, ticket_panel)
    register_panel(ARTICLE_SLOT, article_panel)
    register_panel(ORGANISATION_SLOT, organisation_panel, weight=20)
    register_panel(CONFIGURATION_ITEM_SLOT, configuration_item_panel, weight=20)


# ----- the ticket page ------------------------------------------------------------------


def ticket_panel(request: HttpRequest, incident: Incident) -> SafeString | str:
    if not rules.may_read(request.user):
        return ""
    context = ticket_panel_context(request, incident)
    if context["link"] is None and incident.kind != Kind.INCIDENT:
        return ""  # a service request is not a symptom of a problem
    return render_to_string("problems/_ticket_panel.html", context, request=request)


def ticket_panel_context(
    request: HttpRequest, incident: Incident, *, notice: str = "", notice_error: bool = False
) -> dict[str, Any]:
    user = request.user
    link = problem_link_of(incident)
    problem = link.problem if link is not None else None
    article = problem.article if problem is not None else None
    # A published article is suggested with the ticket's own article actions.
    suggested = (
        article if article is not None and article.status == ArticleStatus.PUBLISHED else None
    )
    return {
        "incident": incident,
        "link": link,
        "problem": problem,
        "article": article,
        "suggest_article": suggested is not None,
        "article_linked": suggested is not None and article_linked(incident, suggested),
        "known_errors": (
            list(known_errors_for(incident)[:KNOWN_ERRORS_SHOWN])
            if link is None and incident.kind == Kind.INCIDENT
            else []
        ),
        # A closed or cancelled problem keeps its incidents: no "Take off" on its tickets.
        "may_link": rules.may_link_incident(user)
        and not (problem is not None and problem.is_final),
        "may_open": link is None and rules.may_open(user),
        # The ticket's own knowledge actions (incidents.views.knowledge): agents link, and
        # who may comment pastes.
        "may_link_article": is_agent(user) and not incident.is_final,
        "may_paste": incident_rules.can_comment(incident, user),
        "notice": notice,
        "notice_error": notice_error,
    }


def problem_link_of(incident: Incident) -> ProblemIncident | None:
    """The incident's link to its problem, with the problem and its article (one query)."""
    return (
        ProblemIncident.objects.select_related("problem", "problem__article", "linked_by")
        .filter(incident=incident)
        .first()
    )


def article_linked(incident: Incident, article: Article) -> bool:
    return TicketArticle.objects.filter(incident=incident, article=article).exists()


def known_errors_for(incident: Incident) -> QuerySet[Problem]:
    """The known errors (known error or resolved: the workaround still helps) on the
    incident's configuration item or service, those on the same item first."""
    match = Q()
    if incident.configuration_item_id is not None:
        match |= Q(configuration_item_id=incident.configuration_item_id)
    if incident.service_id is not None:
        match |= Q(service_id=incident.service_id)
    if not match:
        return Problem.objects.none()
    same_item: Case | Value = Value(0)
    if incident.configuration_item_id is not None:
        same_item = Case(
            When(configuration_item_id=incident.configuration_item_id, then=Value(1)),
            default=Value(0),
            output_field=IntegerField(),
        )
    return (
        Problem.objects.filter(match, status__in=KNOWN_ERROR_STATUSES)
        .select_related("service", "configuration_item")
        .annotate(same_item=same_item)
        .order_by("-same_item", "status", F("known_error_at").desc(nulls_last=True), "-pk")
    )


# ----- the article page -----------------------------------------------------------------


def article_panel(request: HttpRequest, article: Article) -> SafeString | str:
    """ "Known error of PRB-…" for each problem whose article this is (one query)."""
    if not rules.may_read(request.user):
        return ""
    problems = list(article.problems.order_by("-pk"))
    if not problems:
        return ""
    context = {"article": article, "problems": problems}
    return render_to_string("problems/_article_panel.html", context, request=request)


# ----- the organisation and configuration-item pages ------------------------------------


def _record_panel(
    request: HttpRequest, problems: QuerySet[Problem], *, on_services: bool
) -> SafeString:
    found = list(problems[: selectors.RECORD_SHOWN + 1])
    context = {
        "problems": found[: selectors.RECORD_SHOWN],
        "more": len(found) > selectors.RECORD_SHOWN,
        "shown": selectors.RECORD_SHOWN,
        "on_services": on_services,
    }
    return render_to_string("problems/_record_panel.html", context, request=request)


def organisation_panel(request: HttpRequest, organisation: Organisation) -> SafeString | str:
    """Problems on the services the organisation's contract covers or its open tickets
    name (two queries)."""
    if not rules.may_read(request.user):
        return ""
    services = organisation_service_ids(organisation.pk)
    return _record_panel(request, selectors.problems_on_services(services), on_services=True)


def configuration_item_panel(request: HttpRequest, item: ConfigurationItem) -> SafeString | str:
    if not rules.may_read(request.user):
        return ""
    problems = selectors.problems_on_configuration_item(item.pk)
    return _record_panel(request, problems, on_services=False)
