"""The customer portal is one `portal:` URL namespace under /portal/, assembled from the
apps. Each app registers, from its AppConfig.ready():

- its portal pages (`register_pages`): a urlconf module whose `urlpatterns` join the
  namespace (servicedesk/portal_urls.py reads them when the root URLconf is loaded), and
  their entries in the contacts' navigation, with the page contacts land on;
- panels on the portal home (`register_home_panel`): a template, and a function that
  gives its context for the contact asking (None: nothing to show this contact); lower
  `weight` first (a disruption banner before the help articles), equal weights in
  registration order.

The core lists no app and names none of their URLs; the apps' order is INSTALLED_APPS'."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver
from django.utils.safestring import SafeString, mark_safe

from servicedesk.models import Contact
from servicedesk.workspaces import CONTACT, NavEntry, register_workspace

#: The one namespace of every app's portal pages: reverse("portal:<name>").
NAMESPACE = "portal"

PanelContext = Callable[[HttpRequest, Contact], Mapping[str, Any] | None]


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: PanelContext
    weight: int = 0


_urlconfs: list[str] = []
_panels: list[HomePanel] = []


def register_pages(
    urlconf: str, *, nav: Iterable[NavEntry] = (), landing: NavEntry | None = None
) -> None:
    """Mount the `urlpatterns` of the module `urlconf` (a dotted path, imported when the
    URLs are loaded) under /portal/ in the portal: namespace; show `nav` to contacts and,
    if no earlier app set one, land them on `landing`."""
    if urlconf not in _urlconfs:
        _urlconfs.append(urlconf)
    register_workspace(CONTACT, nav=nav, landing=landing)


def register_home_panel(template: str, context: PanelContext, *, weight: int = 0) -> None:
    """Show `template` on the portal home, rendered with the contact and what
    `context(request, contact)` returns, unless that is None."""
    if any(p.template == template and p.context == context for p in _panels):
        return
    _panels.append(HomePanel(template, context, weight))
    _panels.sort(key=lambda panel: panel.weight)  # a stable sort keeps registration order


def url_patterns() -> list[URLPattern | URLResolver]:
    return [pattern for name in _urlconfs for pattern in import_module(name).urlpatterns]


def render_home_panels(request: HttpRequest, contact: Contact) -> SafeString:
    """The registered panels that have something for this contact, in order."""
    html = []
    for panel in _panels:
        context = panel.context(request, contact)
        if context is not None:
            html.append(
                render_to_string(panel.template, {"contact": contact, **context}, request=request)
            )
    # Each part is a rendered template: Django escaped what it put in.
    return mark_safe("".join(html))
