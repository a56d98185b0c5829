"""What the changes app shows on other apps' pages (servicedesk/panels.py), registered
from ChangesConfig.ready() (changes/integration.py):

- the ticket page ("incidents.ticket"): the changes linked to the ticket, and the changes
  carried out on its service or configuration item shortly before it was raised ("a change
  touched this service 40 minutes ago", changes.selectors_records.changes_before);
- the problem page ("problems.problem"): the changes linked to the problem, and for a
  change carried out with success, "Resolve with CHG-…": the problem's own resolve step
  (problems:action "resolve") with the permanent fix filled in;
- the staff article page ("knowledge.article"): the changes whose review the article was
  written from;
- the organisation page ("servicedesk.organisation"): the newest changes on the services
  its contract covers and those of its open tickets;
- the configuration-item page ("servicedesk.configuration_item"): its newest changes.

Staff only (changes.rules.may_read); each panel costs one or two queries, and nothing
when there is nothing to show."""

from django.db.models import QuerySet
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from changes import rules
from changes.models import ChangeRequest
from changes.selectors_records import (
    RECENT_SHOWN,
    RECORD_SHOWN,
    changes_before,
    changes_of_incident,
    changes_of_problem,
    changes_on_configuration_item,
    changes_on_services,
    is_fix,
    relative_to,
)
from incidents.models import Incident
from incidents.selectors import organisation_service_ids
from knowledge.models import Article
from problems import services as problem_services
from problems.models import Problem
from servicedesk.models import ConfigurationItem, Organisation
from servicedesk.panels import register_panel
from servicedesk.records import CONFIGURATION_ITEM_SLOT, ORGANISATION_SLOT

TICKET_SLOT = "incidents.ticket"
PROBLEM_SLOT = "problems.problem"
ARTICLE_SLOT = "knowledge.article"


def register() -> None:
    register_panel(TICKET_SLOT, ticket_panel)
    register_panel(PROBLEM_SLOT, problem_panel)
    register_panel(ARTICLE_SLOT, article_panel)
    register_panel(ORGANISATION_SLOT, organisation_panel, weight=30)
    register_panel(CONFIGURATION_ITEM_SLOT, configuration_item_panel, weight=30)


def ticket_panel(request: HttpRequest, incident: Incident) -> SafeString | str:
    if not rules.may_read(request.user):
        return ""
    linked = list(changes_of_incident(incident))
    recent = [relative_to(change, incident) for change in changes_before(incident)[:RECENT_SHOWN]]
    if not linked and not recent:
        return ""
    context = {"incident": incident, "linked": linked, "recent": recent}
    return render_to_string("changes/_ticket_panel.html", context, request=request)


def fix_text(change) -> str:
    """The permanent fix a problem is resolved with: "CHG-000123: <title>"."""
    return f"{change.number}: {change.title}"


def problem_panel(request: HttpRequest, problem: Problem) -> SafeString | str:
    user = request.user
    if not rules.may_read(user):
        return ""
    changes = list(changes_of_problem(problem))
    # An unfinished problem offers to raise the change that fixes it, linked to it.
    may_raise = not problem.is_final and rules.may_raise(user)
    if not changes and not may_raise:
        return ""
    may_resolve = "resolve" in problem_services.available_transitions(problem, user)
    rows = [
        {"change": change, "fix": fix_text(change) if may_resolve and is_fix(change) else ""}
        for change in changes
    ]
    context = {"problem": problem, "rows": rows, "may_raise": may_raise}
    return render_to_string("changes/_problem_panel.html", context, request=request)


def article_panel(request: HttpRequest, article: Article) -> SafeString | str:
    """ "Written from the review of CHG-…" (one query)."""
    if not rules.may_read(request.user):
        return ""
    changes = list(article.changes.only("number", "title", "status").order_by("-pk"))
    if not changes:
        return ""
    context = {"article": article, "changes": changes}
    return render_to_string("changes/_article_panel.html", context, request=request)


# ----- the organisation and configuration-item pages ------------------------------------


def _record_panel(
    request: HttpRequest, changes: QuerySet[ChangeRequest], *, on_services: bool
) -> SafeString:
    found = list(changes[: RECORD_SHOWN + 1])
    context = {
        "changes": found[:RECORD_SHOWN],
        "more": len(found) > RECORD_SHOWN,
        "shown": RECORD_SHOWN,
        "on_services": on_services,
    }
    return render_to_string("changes/_record_panel.html", context, request=request)


def organisation_panel(request: HttpRequest, organisation: Organisation) -> SafeString | str:
    """Changes on the services the organisation's contract covers or its open tickets
    name (two queries)."""
    if not rules.may_read(request.user):
        return ""
    services = organisation_service_ids(organisation.pk)
    return _record_panel(request, changes_on_services(services), on_services=True)


def configuration_item_panel(request: HttpRequest, item: ConfigurationItem) -> SafeString | str:
    if not rules.may_read(request.user):
        return ""
    return _record_panel(request, changes_on_configuration_item(item.pk), on_services=False)
