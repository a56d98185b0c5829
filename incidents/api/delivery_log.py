"""Every request to an alert endpoint whose alert source is known is written to that
source's delivery log (incidents/intake/deliveries.py), whatever the answer: what came in
and what went out, 400s, 401s (an inactive source's token) and 403s included. Throttled
requests (429) are not: the limit is there to spare the database."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponseBase
from ninja.decorators import decorate_view

from incidents.api.auth import REFUSED_SOURCE
from incidents.intake import deliveries
from incidents.models import AlertSource

type Run = Callable[..., HttpResponseBase]


def logged(endpoint: str) -> Callable[[Any], Any]:
    """Put under an alert operation's @router.post: wraps the whole operation (token
    check, input validation, view, error handlers), so it sees the final answer."""

    def recording(run: Run) -> Run:
        @wraps(run)
        def operation(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            response = run(request, *args, **kwargs)
            source = getattr(request, "auth", None) or getattr(request, REFUSED_SOURCE, None)
            if isinstance(source, AlertSource) and response.status_code != 429:
                body, size = _body(request)
                deliveries.delivery_record(
                    alert_source=source,
                    endpoint=endpoint,
                    body=body,
                    body_size=size,
                    status_code=response.status_code,
                    answer=getattr(response, "content", b""),
                )
            return response

        return operation

    return decorate_view(recording)


def _body(request: HttpRequest) -> tuple[bytes | None, int]:
    """The raw body, or None when it was too large to read (413)."""
    try:
        body = request.body
    except RequestDataTooBig:
        return None, int(request.META.get("CONTENT_LENGTH") or 0)
    return body, len(body)
