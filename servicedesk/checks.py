"""System checks of the desk's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register
from django.core.exceptions import ImproperlyConfigured

from servicedesk.throttling import Rate

PER_PROCESS_CACHES = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@register(Tags.security, deploy=True)
def throttle_counters_are_shared(app_configs, **kwargs) -> list[Warning]:
    """Login, password-reset and API limits count in the cache: a per-process cache lets
    each web worker count for itself (N workers allow N times the limit)."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend not in PER_PROCESS_CACHES:
        return []
    return [
        Warning(
            "The cache is per process: login, password-reset and API limits are counted "
            "by each web worker separately.",
            hint="Set CACHE_URL (e.g. redis://127.0.0.1:6379/1), see .env.example.",
            id="servicedesk.W001",
        )
    ]


RATE_SETTINGS = (
    "LOGIN_FAILURES_PER_ACCOUNT",
    "LOGIN_FAILURES_PER_CLIENT",
    "PASSWORD_RESETS_PER_ADDRESS",
    "PASSWORD_RESETS_PER_CLIENT",
    "API_RATE_PER_TOKEN",
    "ALERTS_RATE_PER_SOURCE",
)


@register()
def rates_are_readable(app_configs, **kwargs) -> list[Error]:
    """A mistyped limit is reported at start-up, not on the first login."""
    errors = []
    for name in RATE_SETTINGS:
        try:
            Rate.from_setting(name)
        except ImproperlyConfigured as error:
            errors.append(Error(f"{name}: {error}", id="servicedesk.E001"))
    return errors
