"""The project's error pages: styled, with the navigation of the base layout. Django
uses handler403 and the CSRF failure view even in DEBUG; 404 and 500 follow in
production."""

import logging
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils.translation import gettext as _
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("django.request")


@requires_csrf_token
def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Says what the user may not do, and logs it as one line: a refusal is not a fault,
    so no traceback (Django skips its own log of a response marked as logged)."""
    reason = str(exception) if exception is not None and exception.args else ""
    html = loader.render_to_string("403.html", {"reason": reason}, request)
    response = HttpResponse(html, status=403)
    logger.warning(
        "Forbidden: %s %s (user %s)%s",
        request.method,
        request.path,
        getattr(request.user, "pk", None) if hasattr(request, "user") else None,
        f": {reason}" if reason else "",
        extra={"status_code": 403, "request": request},
    )
    response._has_been_logged = True  # type: ignore[attr-defined]  # Django's private flag
    return response


@requires_csrf_token
def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """CSRF_FAILURE_VIEW: a form sent with a token that no longer holds (the user logged
    in again in another tab, or the page was open for too long) gets the desk's 403 page
    saying what to do, not Django's technical one. Django logs the refusal itself."""
    explanation = _(
        "The form was sent with an expired security token, so nothing was saved. "
        "Reload the page and send it again."
    )
    html = loader.render_to_string("403.html", {"reason": explanation}, request)
    return HttpResponse(html, status=403)


@requires_csrf_token
def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    html = loader.render_to_string("404.html", {"request_path": request.path}, request)
    return HttpResponse(html, status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """No request context and no database: whatever failed may fail again. The API
    answers in its own JSON (ErrorOut) also for an error outside its views."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Server error.", "errors": {}}, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class MethodNotAllowedPageMiddleware:
    """Django's 405 has no body, so a browser shows its own error page when someone opens
    a form's address (a POST-only action) directly. Give them the desk's page instead,
    keeping the status and the Allow header; responses that have a body (the API's JSON)
    are left as they are."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code != 405 or response.content:
            return response
        html = loader.render_to_string("405.html", {}, request)
        page = HttpResponse(html, status=405)
        page["Allow"] = response.get("Allow", "")
        return page
