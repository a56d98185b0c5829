"""Bearer-token authentication for the API: an ApiToken (staff user or contact) for the
ticket endpoints, an AlertSource token for POST /alerts. Sessions play no part: a browser
logged in to the desk gets 401 here without a token."""

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer

from incidents import tokens
from incidents.models import AlertSource, ApiToken
from servicedesk.models import Contact
from servicedesk.roles import is_staff_member
from servicedesk.throttling import SettingRateThrottle

#: last_used_at is written at most this often per token (one cheap UPDATE per request).
TOUCH_EVERY = timedelta(minutes=1)


@dataclass(frozen=True)
class Principal:
    """Who an API request acts as."""

    token: ApiToken
    user: object
    contact: Contact | None

    @property
    def is_contact(self) -> bool:
        return self.contact is not None


def _touch(model, pk: int) -> None:
    now = timezone.now()
    model.objects.filter(pk=pk).filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lt=now - TOUCH_EVERY)
    ).update(last_used_at=now)


class ApiTokenAuth(HttpBearer):
    """Authorization: Bearer sdk_… (an API token issued in the admin)."""

    def authenticate(self, request, token: str) -> Principal | None:
        token = token.strip()
        if not tokens.looks_like(token, tokens.API_TOKEN_KIND):
            return None
        row = (
            ApiToken.objects.select_related("user", "contact__user")
            .filter(token_hash=tokens.hash_token(token), is_active=True)
            .first()
        )
        if row is None:
            return None
        contact = row.contact
        if contact is not None:
            user = contact.user
            if not contact.is_active or user is None or not user.is_active:
                return None
        else:
            user = cast(User, row.user)  # a token has a contact or a user (ApiToken.clean)
            if not user.is_active or not is_staff_member(user):
                return None
        _touch(ApiToken, row.pk)
        # Histories written during the request name the token's user.
        request.user = user
        return Principal(token=row, user=user, contact=contact)


class AlertSourceAuth(HttpBearer):
    """Authorization: Bearer sdm_… (a monitoring source's token issued in the admin)."""

    def authenticate(self, request, token: str) -> AlertSource | None:
        token = token.strip()
        if not tokens.looks_like(token, tokens.ALERT_TOKEN_KIND):
            return None
        source = (
            AlertSource.objects.select_related("contact", "service")
            .filter(token_hash=tokens.hash_token(token), is_active=True)
            .first()
        )
        if source is None:
            return None
        _touch(AlertSource, source.pk)
        # The system acts, not whoever may be logged in to the desk in this browser.
        request.user = AnonymousUser()
        return source


def _token_id(request) -> str | None:
    principal = getattr(request, "auth", None)
    return f"token-{principal.token.pk}" if isinstance(principal, Principal) else None


def _alert_source_id(request) -> str | None:
    source = getattr(request, "auth", None)
    return f"source-{source.pk}" if isinstance(source, AlertSource) else None


#: Requests per API token (API_RATE_PER_TOKEN) and alerts per alert source
#: (ALERTS_RATE_PER_SOURCE); beyond them 429 with Retry-After. Counted after the token
#: is accepted, so a wrong token cannot use up another's allowance.
TOKEN_THROTTLE = SettingRateThrottle("api-token", "API_RATE_PER_TOKEN", _token_id)
ALERT_SOURCE_THROTTLE = SettingRateThrottle(
    "alert-source", "ALERTS_RATE_PER_SOURCE", _alert_source_id
)
