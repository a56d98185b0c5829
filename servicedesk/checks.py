"""System checks of the desk's own settings (`manage.py check --deploy`)."""

from django.conf import settings
from django.core.checks import Tags, Warning, register

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
