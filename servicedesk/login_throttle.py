"""Login throttling: failed logins are counted per account name and per client address
(servicedesk/throttling.py); once either reaches its limit (LOGIN_FAILURES_PER_ACCOUNT,
LOGIN_FAILURES_PER_CLIENT) every login for that name or from that client is refused,
the right password included, until the window ends.

It holds for every login that goes through `authenticate()` with a request: the desk's
and the portal's login page (one view) and the admin's. The backend stops the check of
the password; the login forms (servicedesk/auth_forms.py) say why."""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.exceptions import PermissionDenied
from django.dispatch import receiver
from django.http import HttpRequest

from servicedesk import throttling
from servicedesk.auth import ActiveContactBackend
from servicedesk.throttling import Rate

ACCOUNT = "login-account"
CLIENT = "login-client"


@dataclass(frozen=True)
class Lockout:
    retry_after: int  # seconds

    @property
    def minutes(self) -> int:
        return max(1, -(-self.retry_after // 60))


def _account(username: str) -> str:
    return (username or "").strip().casefold()


def _counters(request: HttpRequest, username: str) -> list[tuple[str, str, Rate]]:
    return [
        (ACCOUNT, _account(username), Rate.from_setting("LOGIN_FAILURES_PER_ACCOUNT")),
        (CLIENT, throttling.client_ip(request), Rate.from_setting("LOGIN_FAILURES_PER_CLIENT")),
    ]


def lockout_for(request: HttpRequest, username: str) -> Lockout | None:
    """The lockout in force for this account name or this client, if any."""
    verdicts = [throttling.peek(*counter) for counter in _counters(request, username)]
    refused = [verdict.retry_after for verdict in verdicts if not verdict.allowed]
    return Lockout(retry_after=max(refused)) if refused else None


def record_failure(request: HttpRequest, username: str) -> None:
    for counter in _counters(request, username):
        throttling.hit(*counter)


def _username(credentials: dict) -> str:
    return credentials.get("username") or credentials.get(get_user_model().USERNAME_FIELD) or ""


class LoginThrottleBackend(ActiveContactBackend):
    """Django's ModelBackend, which refuses to check the password while a lockout holds
    (PermissionDenied stops `authenticate()`). One backend, not a guard in front of
    ModelBackend, so the sessions it starts (and `force_login`) load their user."""

    def authenticate(self, request: HttpRequest | None, username=None, password=None, **kwargs):
        if request is not None:  # without a request (scripts) there is no client to count
            lockout = lockout_for(request, _username({"username": username, **kwargs}))
            if lockout is not None:
                # Read back by the login form (servicedesk/auth_forms.py) to word the refusal.
                request.login_lockout = lockout  # type: ignore[attr-defined]
                raise PermissionDenied
        return super().authenticate(request, username=username, password=password, **kwargs)


@receiver(user_login_failed, dispatch_uid="servicedesk.login_throttle.failed")
def _count_failure(sender, credentials: dict, request: HttpRequest | None = None, **kwargs):
    if request is None or getattr(request, "login_lockout", None) is not None:
        return  # a refusal during a lockout does not extend it
    record_failure(request, _username(credentials))


@receiver(user_logged_in, dispatch_uid="servicedesk.login_throttle.succeeded")
def _forget_failures(sender, request: HttpRequest | None, user, **kwargs):
    """A successful login clears the account's count (not the client's)."""
    throttling.reset(
        ACCOUNT, _account(user.get_username()), Rate.from_setting("LOGIN_FAILURES_PER_ACCOUNT")
    )
