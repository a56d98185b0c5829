"""/api/v1/…: the routes of the one ninja API (servicedesk/api.py, every app's routers),
made token-only and JSON-only. Loaded with the root URLconf, after every AppConfig.ready()
has registered its router.

- The API authenticates by token itself, so its routes are exempt from the desk's
  login redirect (LoginRequiredMiddleware) and from CSRF (ninja marks them). Only the
  interactive docs (/api/v1/docs) keep the session login: they are for people.
- Anything under /api/v1/ that is not an endpoint, and a method an endpoint does not
  take, answers in JSON (404, 405), never with an HTML page.
"""

from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import JsonResponse
from django.urls import URLPattern, re_path
from django.views.decorators.csrf import csrf_exempt

from servicedesk.api import api

app_name = "api"

DOCS_URL_NAME = "openapi-view"


@csrf_exempt
@login_not_required
def not_found(request, *args, **kwargs):
    return JsonResponse({"detail": "Not found.", "errors": {}}, status=404)


def _token_only(view):
    """Exempt from the login redirect; a 405 without a body becomes JSON."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(
            "application/json"
        ):
            allowed = response.get("Allow", "")
            response = JsonResponse({"detail": "Method not allowed.", "errors": {}}, status=405)
            response["Allow"] = allowed
        return response

    return login_not_required(csrf_exempt(wrapper))


def _patterns() -> list:
    patterns = []
    for pattern in api.urls[0]:
        if isinstance(pattern, URLPattern) and pattern.name == "api-root":
            # ninja's root view raises Http404 (an HTML page): answer in JSON instead.
            pattern = re_path(r"^$", not_found, name="api-root")
        elif isinstance(pattern, URLPattern) and pattern.name != DOCS_URL_NAME:
            pattern.callback = _token_only(pattern.callback)
        patterns.append(pattern)
    patterns.append(re_path(r"^.*$", not_found, name="not-found"))
    return patterns


urlpatterns = _patterns()
