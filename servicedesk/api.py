"""The one JSON API under /api/v1/ (django-ninja). Each app mounts its own ninja Router
from its AppConfig.ready() with `register_router`; servicedesk/api_urls.py serves them all,
and the OpenAPI 3 schema of every router together is at /api/v1/openapi.json.

Every answer is JSON, errors included: {"detail": "…", "errors": {"field": ["…"]}}
(`ErrorOut`). Invalid input is a 400 (never ninja's 422), a missing or bad token a 401, a
token that may not do something a 403, and anything the token may not see a 404.
Name an operation's body parameter `payload` and its query-filter schema `filters`: an
error then names the client's field, not the parameter. Name its view function for what
it does (`list_tickets`, `comment_ticket`): that is its operation id, which generated
clients call (servicedesk/api_schema.py shapes the schema for them)."""

import logging
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DatabaseError
from django.http import Http404
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed
from ninja import Field, NinjaAPI, Router, Schema
from ninja.constants import NOT_SET
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError
from ninja.throttling import BaseThrottle

from servicedesk.api_schema import DeskOpenAPISchema
from servicedesk.exceptions import StaleEdit
from servicedesk.unavailable import RETRY_AFTER, is_database_error

if TYPE_CHECKING:
    from ninja.operation import Operation

logger = logging.getLogger(__name__)


class ErrorOut(Schema):
    detail: str = Field(description="What went wrong, for a person to read.")
    errors: dict[str, list[str]] = Field(
        default_factory=dict,
        description="Per field (dotted path for nested fields), what is wrong with it.",
    )


class DeskAPI(NinjaAPI):
    """Operation ids are the view functions' names; the schema declares the platform's
    error answers (ErrorOut) on every operation (servicedesk/api_schema.py)."""

    def get_openapi_operation_id(self, operation: "Operation") -> str:
        return operation.view_func.__name__

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> DeskOpenAPISchema:
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return DeskOpenAPISchema(self, path_prefix, error_model=ErrorOut)


api = DeskAPI(
    title="Service desk API",
    version="1",
    description=(
        "Tickets for integrations (an API token issued in the admin: a staff user's or a "
        "customer contact's, scoped to the contact's organisation) and alerts for "
        "monitoring systems (an alert source's token). Send the token as "
        "`Authorization: Bearer <token>`."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    docs_url="/docs",
)


def register_router(
    prefix: str, router: Router, *, throttle: BaseThrottle | list[BaseThrottle] | None = None
) -> None:
    """Mount an app's router at /api/v1/<prefix>. Call it from AppConfig.ready(): the URLs
    are built once, when the root URLconf is first loaded. A router that authenticates
    with servicedesk.api_auth.ApiTokenAuth takes its TOKEN_THROTTLE here."""
    api.add_router(prefix, router, throttle=NOT_SET if throttle is None else throttle)


def _error(request, status: int, detail: str, errors: dict | None = None):
    body = {"detail": detail, "errors": errors or {}}
    return api.create_response(request, body, status=status)


#: The names of the operations' schema parameters (a body or a set of query filters):
#: ninja puts them in an error's location; the client never sent them.
SCHEMA_PARAMETERS = frozenset({"payload", "filters"})


def _field_name(loc: tuple) -> str:
    """The input field an error is about: ("body", "payload", "severity") → "severity",
    ("query", "filters", "status", 0) → "status", ("path", "number") → "number"."""
    source, *parts = [str(part) for part in loc] or ["body"]
    if parts and parts[0] in SCHEMA_PARAMETERS:
        parts = parts[1:]
    return parts[0] if parts else source


@api.exception_handler(NinjaValidationError)
def _invalid_input(request, exc: NinjaValidationError):
    errors: dict[str, list[str]] = {}
    for error in exc.errors:
        errors.setdefault(_field_name(tuple(error.get("loc", ()))), []).append(error["msg"])
    return _error(request, 400, "Invalid input.", errors)


@api.exception_handler(DjangoValidationError)
def _refused_by_service(request, exc: DjangoValidationError):
    errors = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
    return _error(request, 400, " ".join(exc.messages), errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc: AuthenticationError):
    response = _error(request, 401, "A valid token is required: Authorization: Bearer <token>.")
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(Throttled)
def _throttled(request, exc: Throttled):
    """ninja adds Retry-After (seconds) to this answer."""
    return _error(request, 429, _("Too many requests for this token: wait and try again."))


@api.exception_handler(DatabaseError)
def _database_unavailable(request, exc: DatabaseError):
    if not is_database_error(exc):
        return _server_error(request, exc)
    logger.error("Database unavailable on %s %s: %s", request.method, request.path, exc)
    response = _error(request, 503, _("The service is temporarily unavailable."))
    response["Retry-After"] = str(RETRY_AFTER)
    return response


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    return _error(request, exc.status_code, str(exc), getattr(exc, "errors", None))


@api.exception_handler(Http404)
def _not_found(request, exc: Http404):
    return _error(request, 404, "Not found.")


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc: PermissionDenied):
    return _error(request, 403, str(exc) or "You may not do this.")


@api.exception_handler(TransitionNotAllowed)
def _conflict(request, exc: TransitionNotAllowed):
    return _error(request, 409, str(exc))


@api.exception_handler(StaleEdit)
@api.exception_handler(ConcurrentTransition)
def _moved_on(request, exc: Exception):
    """Someone changed the record while this request was changing it (a stale edit in
    servicedesk/workflow.py): nothing was saved."""
    return _error(
        request, 409, _("The record changed while this request was answered: read it again.")
    )


@api.exception_handler(RequestDataTooBig)
def _too_big(request, exc: RequestDataTooBig):
    return _error(request, 413, "The request body is too large.")


@api.exception_handler(Exception)
def _server_error(request, exc: Exception):
    logger.exception("API error on %s %s", request.method, request.path)
    return _error(request, 500, "Server error.")
