"""The customer portal is one `portal:` URL namespace under /portal/, assembled from the
apps. Each app registers, from its AppConfig.ready():

- its portal pages (`register_pages`): a urlconf module whose `urlpatterns` join the
  namespace (servicedesk/portal_urls.py reads them when the root URLconf is loaded), and
  their entries in the contacts' navigation, with the page contacts land on;
- panels on the portal home (`register_home_panel`): a template, and a function that
  gives its context for the contact asking (None: nothing to show this contact); lower
  `weight` first (a disruption banner before the help articles), equal weights in
  registration order;
- notices on services wherever the portal shows one (`register_service_notices`): a
  function that gives, for the contact asking, the HTML to show on each service by id,
  asked once per request however many services the page shows
  (`{% service_notices contact service %}`, servicedesk/templatetags/portal.py).

The core lists no app and names none of their URLs; the apps' order is INSTALLED_APPS'."""

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from importlib import import_module
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from servicedesk.models import Contact
from servicedesk.workspaces import CONTACT, NavEntry, register_workspace

#: The one namespace of every app's portal pages: reverse("portal:<name>").
NAMESPACE = "portal"

PanelContext = Callable[[HttpRequest, Contact], Mapping[str, Any] | None]
#: (request, contact) -> {service id: HTML}; a plain str is escaped, a SafeString is not.
ServiceNotices = Callable[[HttpRequest, Contact], Mapping[int, str | SafeString]]


@dataclass(frozen=True)
class HomePanel:
    template: str
    context: PanelContext
    weight: int = 0


_urlconfs: list[str] = []
_panels: list[HomePanel] = []
_service_notices: list[ServiceNotices] = []


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


def register_service_notices(notices: ServiceNotices) -> None:
    """Show what `notices(request, contact)` gives for a service wherever the portal
    shows that service (the catalogue's cards, the service's raise page)."""
    if notices not in _service_notices:
        _service_notices.append(notices)


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


def render_service_notices(request: HttpRequest, contact: Contact, service_id: int) -> SafeString:
    """The notices the apps registered for this service, for this contact. The apps are
    asked once per request (the answers are kept on the request), so a page of many
    services costs what one costs."""
    cache: dict[int, dict[int, list[str]]] | None = getattr(
        request, "_portal_service_notices", None
    )
    if cache is None:
        cache = {}
        request._portal_service_notices = cache  # type: ignore[attr-defined]
    notices = cache.get(contact.pk)
    if notices is None:
        notices = {}
        for provider in _service_notices:
            for key, html in provider(request, contact).items():
                notices.setdefault(key, []).append(conditional_escape(html))
        cache[contact.pk] = notices
    # conditional_escape escaped every part that was not already safe HTML.
    return mark_safe("".join(notices.get(service_id, ())))
