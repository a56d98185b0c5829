"""Request types for annotations: what the middleware has added by the time a view runs.

Views behind `login_required` take an `AuthenticatedHttpRequest` (its `user` is a `User`,
never `AnonymousUser`); views that answer htmx differently take an `HtmxHttpRequest`
(django-htmx's middleware sets `request.htmx`). Only for the type checker: Django still
passes its own `HttpRequest`."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """A signed-in user's request (every desk page loads django-htmx's middleware too)."""

    user: User
