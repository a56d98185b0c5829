"""Which language a page or a mail is written in.

- Staff and anonymous visitors: the browser's language (Django's LocaleMiddleware, from
  the language cookie or Accept-Language), else settings.LANGUAGE_CODE.
- A contact logged in to the portal: the contact's language (Contact.language), whatever
  the browser asks for. At login the session is marked as a contact's; for a marked
  session `ContactLanguageMiddleware` reads the contact's language on every request, so
  a language changed by an admin applies on the next page. Staff sessions carry no mark
  and cost no query.
- Mail to a contact: the contact's language (incidents/notifications.py), including the
  password reset mail (`ContactPasswordResetForm`).
"""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from servicedesk.auth_forms import PasswordResetForm
from servicedesk.roles import contact_of

#: Set in the session of a contact's login.
SESSION_KEY = "servicedesk_contact_language"


def offered(language: str | None) -> bool:
    return language in {code for code, _name in settings.LANGUAGES}


def language_of(user: AbstractBaseUser | AnonymousUser | None) -> str | None:
    """The language a user is written to in: their contact's, or None for staff (who
    read the browser's language)."""
    contact = contact_of(user)
    if contact is None or not offered(contact.language):
        return None
    return contact.language


def remember_contact_login(
    sender: type, request: HttpRequest | None, user: AbstractBaseUser, **kwargs: object
) -> None:
    """`user_logged_in` receiver: mark a contact's session (see the module docstring)."""
    if request is None or not hasattr(request, "session"):
        return
    language = language_of(user)
    if language is None:
        request.session.pop(SESSION_KEY, None)
        return
    request.session[SESSION_KEY] = language


class ContactLanguageMiddleware:
    """Activate a logged-in contact's language. Goes after AuthenticationMiddleware and
    LocaleMiddleware (which then sets Content-Language and Vary from it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        if session is not None and session.get(SESSION_KEY):
            language = language_of(request.user)
            if language is not None:
                translation.activate(language)
                request.LANGUAGE_CODE = language
        return self.get_response(request)


class ContactPasswordResetForm(PasswordResetForm):
    """The password reset mail of a contact's login is written in the contact's
    language; a staff user's in the language of the page that asked for it."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        language = language_of(context.get("user")) or translation.get_language()
        with translation.override(language):
            super().send_mail(
                subject_template_name,
                email_template_name,
                context,
                from_email,
                to_email,
                html_email_template_name,
            )
