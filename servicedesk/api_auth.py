"""Bearer-token authentication for the API of every app: an ApiToken acts as a staff user
or as a customer contact. Sessions play no part: a browser logged in to the desk gets
401 here without a token. An app with tokens of its own (incidents' monitoring sources)
writes its own HttpBearer beside its router and may reuse `touch_last_used`."""

from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from django.contrib.auth.models import User
from django.db import models
from django.db.models import Q
from django.utils import timezone
from ninja.security import HttpBearer

from servicedesk import tokens
from servicedesk.models import ApiToken, Contact
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


def touch_last_used(model: type[models.Model], pk: int) -> None:
    """Note that the token `pk` of `model` (a model with `last_used_at`) was just used."""
    now = timezone.now()
    model._default_manager.filter(pk=pk).filter(
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
        touch_last_used(ApiToken, row.pk)
        # Histories written during the request name the token's user.
        request.user = user
        return Principal(token=row, user=user, contact=contact)


def _token_id(request) -> str | None:
    principal = getattr(request, "auth", None)
    return f"token-{principal.token.pk}" if isinstance(principal, Principal) else None


#: Requests per API token (API_RATE_PER_TOKEN); beyond it 429 with Retry-After. Counted
#: after the token is accepted, so a wrong token cannot use up another's allowance. An
#: app's router that authenticates with ApiTokenAuth is mounted with this throttle.
TOKEN_THROTTLE = SettingRateThrottle("api-token", "API_RATE_PER_TOKEN", _token_id)
