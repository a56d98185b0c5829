"""Authentication for POST /alerts: an AlertSource's token, as a bearer token or as the
password of basic auth (what Prometheus Alertmanager and Grafana offer besides a bearer
header; the user name is not read). The ticket endpoints use the platform's API tokens
(servicedesk/api_auth.py). Sessions play no part: a browser logged in to the desk gets
401 here without a token."""

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBasicAuth, HttpBearer

from incidents.models import ALERT_TOKEN_KIND, AlertSource
from servicedesk import tokens
from servicedesk.api_auth import touch_last_used
from servicedesk.throttling import SettingRateThrottle

#: Set on the request when the token is an inactive source's: the 401 is logged for it.
REFUSED_SOURCE = "refused_alert_source"


class AlertSourceAuth(HttpBearer):
    """Authorization: Bearer sdm_… (a monitoring source's token issued in the admin)."""

    def authenticate(self, request, token: str) -> AlertSource | None:
        token = token.strip()
        if not tokens.looks_like(token, ALERT_TOKEN_KIND):
            return None
        source = (
            AlertSource.objects.select_related("contact", "service")
            .filter(token_hash=tokens.hash_token(token))
            .first()
        )
        if source is None:
            return None
        if not source.is_active:
            setattr(request, REFUSED_SOURCE, source)
            return None
        touch_last_used(AlertSource, source.pk)
        # The system acts, not whoever may be logged in to the desk in this browser.
        request.user = AnonymousUser()
        return source


class AlertSourceBasicAuth(HttpBasicAuth):
    """Authorization: Basic base64(<any name>:sdm_…)."""

    def authenticate(self, request, username: str, password: str) -> AlertSource | None:
        return AlertSourceAuth().authenticate(request, password)


def _alert_source_id(request) -> str | None:
    source = getattr(request, "auth", None)
    return f"source-{source.pk}" if isinstance(source, AlertSource) else None


#: Alerts per alert source (ALERTS_RATE_PER_SOURCE); beyond it 429 with Retry-After,
#: counted after the token is accepted.
ALERT_SOURCE_THROTTLE = SettingRateThrottle(
    "alert-source", "ALERTS_RATE_PER_SOURCE", _alert_source_id
)
