"""The root URLconf with the problems app's panel routes only: no problem page and no
"open a problem" form (the ticket panel must work without them)."""

from typing import cast

from django.urls import URLPattern, URLResolver, include, path

from problems.views import ticket_panel
from servicedesk import urls as root

panel_only = (
    [
        path("tickets/<str:number>/link/", ticket_panel.link, name="ticket_link"),
        path("tickets/<str:number>/unlink/", ticket_panel.unlink, name="ticket_unlink"),
    ],
    "problems",
)

_root = cast(list[URLPattern | URLResolver], root.urlpatterns)
urlpatterns: list[URLPattern | URLResolver] = [
    *(p for p in _root if str(p.pattern) != "problems/"),
    path("problems/", include(panel_only)),
]
handler403 = root.handler403
handler404 = root.handler404
handler500 = root.handler500
