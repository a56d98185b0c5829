"""The root URLconf with stand-ins for the problem page and the "open a problem" form
(built elsewhere): the ticket panel links to them only when they are there."""

from typing import cast

from django.http import HttpResponse
from django.urls import URLPattern, URLResolver, include, path

from problems import urls as problem_urls
from servicedesk import urls as root


def stand_in(request, number: str = "") -> HttpResponse:
    return HttpResponse(number)


problem_pages = (
    [
        *problem_urls.urlpatterns,
        path("new/", stand_in, name="new"),
        path("<str:number>/", stand_in, name="detail"),
    ],
    "problems",
)

_root = cast(list[URLPattern | URLResolver], root.urlpatterns)
urlpatterns: list[URLPattern | URLResolver] = [
    *(p for p in _root if str(p.pattern) != "problems/"),
    path("problems/", include(problem_pages)),
]
handler403 = root.handler403
handler404 = root.handler404
handler500 = root.handler500
