"""POST /api/v1/alerts: monitoring systems raise incidents (incidents/intake/monitoring.py)."""

from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from incidents.api.auth import AlertSourceAuth, AlertSourceBasicAuth
from incidents.api.delivery_log import logged
from incidents.api.schemas import AlertIn, AlertOut
from incidents.intake import monitoring
from incidents.models import AlertEndpoint, AlertSource
from servicedesk.api import ErrorOut

router = Router(tags=["monitoring"], auth=[AlertSourceAuth(), AlertSourceBasicAuth()])


def receive(alert_source: AlertSource, alert: monitoring.Alert) -> monitoring.AlertResult:
    """The monitoring service's answer, or 403 when the source's contact may not open
    tickets (every alert endpoint answers this way)."""
    try:
        return monitoring.alert_receive(alert_source=alert_source, alert=alert)
    except monitoring.AlertSourceMisconfigured as error:
        message = _(
            "This alert source cannot open tickets (%(reason)s). "
            "Ask the service desk to check its contact in the admin."
        ) % {"reason": error}
        raise HttpError(403, message) from error


@router.post(
    "/alerts",
    response={200: AlertOut, 201: AlertOut, 403: ErrorOut},
    summary="Post a monitoring alert",
)
@logged(AlertEndpoint.GENERIC)
def post_alert(request, payload: AlertIn):
    """A firing alert opens an incident (201), or adds an occurrence to the incident its
    source and key already have open (200). A resolved alert adds a work note to that
    incident (200), or does nothing when none is open (200, `ignored`). Authenticate with
    the alert source's token: `Authorization: Bearer sdm_…`."""
    alert = monitoring.Alert(
        source=payload.source,
        key=payload.key,
        severity=payload.severity,
        summary=payload.summary,
        status=payload.status,
        service=payload.service or "",
        details=payload.details or "",
        configuration_item=payload.configuration_item or "",
    )
    result = receive(request.auth, alert)
    body = {
        "action": str(result.outcome),
        "incident": result.incident.number if result.incident else None,
        "occurrences": result.alert.occurrences if result.alert else 0,
        "status": payload.status,
        "warnings": list(result.warnings),
    }
    return Status(201 if result.outcome == monitoring.Outcome.CREATED else 200, body)
