"""django-htmx's middleware, plus `Vary` on the htmx headers a response depends on.

A view that answers htmx with a fragment and a plain request with the whole page serves
two different bodies at one URL; without `Vary: HX-Request` a browser or proxy cache may
hand the fragment to a plain visit (the back button shows a bare fragment). Rather than
decorating each such view, `request.htmx` notes which HX-* headers were read, and the
response varies on exactly those: a view that never asks gets no Vary."""

from typing import cast

from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.cache import patch_vary_headers
from django_htmx.middleware import HtmxDetails, HtmxMiddleware

from servicedesk.http import HtmxHttpRequest


class TrackedHtmxDetails(HtmxDetails):
    """request.htmx that remembers the headers it was asked about."""

    def __init__(self, request: HttpRequest) -> None:
        super().__init__(request)
        self.headers_read: set[str] = set()

    def _get_header_value(self, name: str) -> str | None:
        self.headers_read.add(name)
        return super()._get_header_value(name)


class HtmxVaryMiddleware(HtmxMiddleware):
    """Sync only, like the rest of the desk's middleware."""

    sync_capable = True
    async_capable = False

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        details = TrackedHtmxDetails(request)
        cast(HtmxHttpRequest, request).htmx = details
        # Sync only (async_capable = False): Django hands this middleware a sync get_response.
        response = cast(HttpResponseBase, self.get_response(request))
        if details.headers_read:
            patch_vary_headers(response, sorted(details.headers_read))
        return response
