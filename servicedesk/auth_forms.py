"""The login and password-reset forms, with the abuse limits of servicedesk/throttling.py."""

import logging
from typing import TYPE_CHECKING, Any

from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import forms as auth_forms
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import ngettext

from servicedesk import throttling
from servicedesk.throttling import Rate

logger = logging.getLogger(__name__)

RESET_ADDRESS = "reset-address"
RESET_CLIENT = "reset-client"


if TYPE_CHECKING:
    _LoginFormBase = auth_forms.AuthenticationForm
else:
    _LoginFormBase = object


class _LockoutMessage(_LoginFormBase):
    """Says "locked, try again in N minutes" instead of "wrong password" when the
    throttle backend refused the login (servicedesk/login_throttle.py)."""

    request: HttpRequest | None

    def get_invalid_login_error(self) -> ValidationError:
        lockout = getattr(self.request, "login_lockout", None)
        if lockout is None:
            return super().get_invalid_login_error()
        message = ngettext(
            "Too many failed logins for this account or from your network. "
            "For your security, logging in is blocked for %(minutes)d more minute.",
            "Too many failed logins for this account or from your network. "
            "For your security, logging in is blocked for %(minutes)d more minutes.",
            lockout.minutes,
        ) % {"minutes": lockout.minutes}
        return ValidationError(message, code="locked")


class LoginForm(_LockoutMessage, auth_forms.AuthenticationForm):
    """The desk's and the portal's login."""


class AdminLoginForm(_LockoutMessage, AdminAuthenticationForm):
    """The admin's login."""


def password_reset_allowed(request: HttpRequest, email: str) -> bool:
    """Counts this request per address and per client; False beyond either limit."""
    verdicts = [
        throttling.hit(
            RESET_ADDRESS,
            email.strip().casefold(),
            Rate.from_setting("PASSWORD_RESETS_PER_ADDRESS"),
        ),
        throttling.hit(
            RESET_CLIENT,
            throttling.client_ip(request),
            Rate.from_setting("PASSWORD_RESETS_PER_CLIENT"),
        ),
    ]
    return all(verdict.allowed for verdict in verdicts)


class PasswordResetForm(auth_forms.PasswordResetForm):
    """Beyond the limits no mail is sent; the page that follows says the same as always
    ("if the address has a login, a mail is on its way"), so nothing tells an address
    with a login from one without."""

    def save(self, *args: Any, request: HttpRequest | None = None, **kwargs: Any) -> None:
        if request is not None and not password_reset_allowed(request, self.cleaned_data["email"]):
            logger.warning(
                "Password reset refused: too many requests (client %s)",
                throttling.client_ip(request),
            )
            return
        kwargs["request"] = request
        super().save(*args, **kwargs)
