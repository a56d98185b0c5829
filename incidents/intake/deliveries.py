"""The delivery log of each alert source: the last DELIVERIES_KEPT requests, their body
(cut at BODY_KEPT characters) and what became of each (incident opened, occurrence,
recovery, nothing to do, refused and why), so an integrator can debug in the admin
without server logs. Trimmed on write; a log that cannot be written never changes the
answer the monitoring system gets."""

import json
import logging
from typing import Any

from django.db import DatabaseError, transaction

from incidents.models import AlertDelivery, AlertSource, DeliveryOutcome, Incident

logger = logging.getLogger(__name__)

DELIVERIES_KEPT = 50
BODY_KEPT = 64 * 1024
ANSWER_KEPT = 8 * 1024

_OUTCOMES = {outcome.value for outcome in DeliveryOutcome} - {DeliveryOutcome.REFUSED}


def delivery_record(
    *,
    alert_source: AlertSource,
    endpoint: str,
    body: bytes | None,
    body_size: int,
    status_code: int,
    answer: bytes,
) -> AlertDelivery | None:
    """Log one request and drop the source's oldest beyond DELIVERIES_KEPT."""
    parsed = _json(answer)
    ok = 200 <= status_code < 300
    action = parsed.get("action")
    outcome = action if ok and action in _OUTCOMES else DeliveryOutcome.REFUSED
    try:
        with transaction.atomic():
            delivery = AlertDelivery.objects.create(
                alert_source=alert_source,
                endpoint=endpoint,
                status_code=status_code,
                outcome=outcome,
                incident=_incident(alert_source, parsed.get("incident")),
                detail=_detail(parsed, ok),
                body=_text(body, BODY_KEPT, body_size),
                body_size=body_size,
                answer=_text(answer, ANSWER_KEPT, len(answer)),
            )
            _trim(alert_source)
    except DatabaseError:
        logger.warning("Could not log an alert delivery for source %s", alert_source.pk)
        return None
    return delivery


def _json(answer: bytes) -> dict[str, Any]:
    try:
        parsed = json.loads(answer)
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _incident(alert_source: AlertSource, number: Any) -> Incident | None:
    if not isinstance(number, str) or not number:
        return None
    return Incident.objects.filter(
        number=number, organisation_id=alert_source.organisation_id
    ).first()


def _detail(parsed: dict[str, Any], ok: bool) -> str:
    """Why it was refused (the answer's detail and field errors), or its warnings."""
    if ok:
        warnings = parsed.get("warnings")
        return "\n".join(str(w) for w in warnings) if isinstance(warnings, list) else ""
    lines = [str(parsed.get("detail", ""))]
    errors = parsed.get("errors")
    if isinstance(errors, dict):
        lines += [f"{field}: {'; '.join(map(str, messages))}" for field, messages in errors.items()]
    return "\n".join(line for line in lines if line)


def _text(raw: bytes | None, kept: int, size: int) -> str:
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace").replace("\x00", "\ufffd")
    if len(text) <= kept:
        return text
    return f"{text[:kept]}\n… ({size} bytes in all)"


def _trim(alert_source: AlertSource) -> None:
    first_dropped = list(
        AlertDelivery.objects.filter(alert_source=alert_source)
        .order_by("-pk")
        .values_list("pk", flat=True)[DELIVERIES_KEPT : DELIVERIES_KEPT + 1]
    )
    if first_dropped:
        AlertDelivery.objects.filter(alert_source=alert_source, pk__lte=first_dropped[0]).delete()
