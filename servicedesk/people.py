"""How people are named on screen: by their full name, never by their login."""

from django.utils.translation import gettext as _


def name_from(first_name: str, last_name: str, username: str) -> str:
    """display_name's answer from a user's name fields (as a list row reads them)."""
    return f"{first_name} {last_name}".strip() or username


def display_name(user) -> str:
    """A user's full name; the login only for an account that has no name at all, and
    "system" for work done by no one (intake, scheduled jobs)."""
    if user is None:
        return _("system")
    return user.get_full_name() or user.get_username()
