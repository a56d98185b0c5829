"""Errors every app's services raise the same way, so views handle them the same way."""

from django.utils.translation import gettext_lazy as _


class StaleEdit(Exception):
    """The record moved on since the form was shown: someone else changed it (its version
    is newer than the one the form carries, or its state changed under the save). An app
    subclasses it to word `message` for its records; views show `message` and keep what
    the user typed."""

    message = _(
        "Someone else changed this while you were working on it. "
        "Your input is kept below: review the current state and submit again."
    )
