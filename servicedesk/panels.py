"""Panels on another app's record page. A later app that knows something about an
earlier app's record (problems about a ticket, changes about a problem) shows it on that
record's page without the page knowing the later app: the page names a slot, the later
app registers a panel for the slot from its AppConfig.ready().

    # problems/apps.py, ready()
    register_panel("incidents.ticket", problems.panels.ticket_panel)

    {# templates/incidents/detail.html #}
    {% load record_panels %}{% record_panels "incidents.ticket" incident %}

A panel is a function `render(request, record)` returning HTML (`render_to_string` of its
own template), or "" for nothing to show this user. A plain `str` is escaped: only a
`SafeString` is put on the page as HTML. Panels render in `weight` order (lower first),
equal weights in registration order (INSTALLED_APPS order). Each panel asks for what it
shows itself, so keep it to one or two queries: it renders on every view of the page.
Slots in use: "incidents.ticket" (the ticket page's side column, record: an Incident),
"knowledge.article" (the staff article page's side column, record: an Article),
"problems.problem" (the problem page's side column, record: a Problem),
"servicedesk.organisation" (the organisation page's main column, record: an Organisation),
"servicedesk.organisation.sla" (inside that page's SLA section, when the organisation has
a policy; record: the Organisation), "servicedesk.configuration_item" (the
configuration-item page's main column, record: a ConfigurationItem); see
servicedesk/records.py."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

type PanelRender = Callable[[HttpRequest, Any], str | SafeString]


@dataclass(frozen=True)
class Panel:
    slot: str
    render: PanelRender
    weight: int = 0


_panels: dict[str, list[Panel]] = {}


def register_panel(slot: str, render: PanelRender, *, weight: int = 0) -> None:
    """Show what `render(request, record)` returns on the pages that name `slot`
    (registering the same function for a slot again changes nothing)."""
    panels = _panels.setdefault(slot, [])
    if any(panel.render == render for panel in panels):
        return
    panels.append(Panel(slot, render, weight))
    panels.sort(key=lambda panel: panel.weight)  # a stable sort keeps registration order


def panels_for(slot: str) -> list[Panel]:
    return list(_panels.get(slot, ()))


def render_panels(slot: str, request: HttpRequest, record: Any) -> SafeString:
    """Every panel registered for `slot`, rendered for this request and record."""
    html = [conditional_escape(panel.render(request, record)) for panel in panels_for(slot)]
    # conditional_escape escaped every part that was not already safe HTML.
    return mark_safe("".join(html))
