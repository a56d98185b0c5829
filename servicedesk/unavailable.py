"""A database that cannot be reached answers 503 with a page of its own, not a 500.

The middleware sits right after AuthenticationMiddleware and loads the session and the
user itself, so the first query of almost every request fails here and is answered at
once (before, a 500 page rendered after it queried again, waiting for the pool each
time). An error in the view is answered through process_exception. An error in a
middleware further in is turned into a 500 by Django before this one sees it: a signal
receiver marks the request, and the 500 is answered as 503.

The page (templates/503.html) is rendered without a request context: no context
processor, no session and no user, so nothing in it reads the database."""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DATABASE_ERRORS = (OperationalError, InterfaceError)
#: Seconds a client is asked to wait before trying again.
RETRY_AFTER = 30
_MARK = "_database_unavailable"


def is_database_error(error: BaseException | None) -> bool:
    """A Django database error, or one of psycopg's connection errors (the pool's
    timeout is one) that reached us unwrapped."""
    if isinstance(error, DATABASE_ERRORS):
        return True
    try:
        import psycopg
    except ImportError:  # SQLite only
        return False
    return isinstance(error, psycopg.OperationalError | psycopg.InterfaceError)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": _("The service is temporarily unavailable."), "errors": {}}, status=503
        )
    else:
        response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


@receiver(got_request_exception, dispatch_uid="servicedesk.unavailable.mark")
def _mark_database_errors(sender, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None and is_database_error(sys.exc_info()[1]):
        setattr(request, _MARK, True)


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            request.user.is_authenticated  # noqa: B018 (loads the session and the user)
        except Exception as error:
            if not is_database_error(error):
                raise
            return self._unavailable(request, error)
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, _MARK, False):
            return unavailable_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not is_database_error(exception):
            return None
        return self._unavailable(request, exception)

    @staticmethod
    def _unavailable(request: HttpRequest, error: BaseException) -> HttpResponse:
        logger.error("Database unavailable on %s %s: %s", request.method, request.path, error)
        return unavailable_response(request)
