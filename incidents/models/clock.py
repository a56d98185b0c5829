"""The default for the models' timestamps."""

from django.utils import timezone


def current_time():
    """timezone.now, looked up at call time so tests can move the clock."""
    return timezone.now()
