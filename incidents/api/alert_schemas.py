"""What Prometheus Alertmanager, Grafana and the desk's Zabbix media type send, field for
field (incidents/api/alert_receivers.py maps them onto the monitoring service):

- Alertmanager's webhook, version 4 (prometheus/alertmanager notify/webhook: `Message`
  with the template `Data` embedded);
- Grafana unified alerting's "Webhook" contact point, version 1 (grafana/alerting
  receivers/webhook: `webhookMessage` with `ExtendedData`);
- incidents/integrations/zabbix_media_type.yaml's script (Zabbix macros, as strings).

Unknown fields are ignored, so newer versions of each system keep working. Free text
refuses NUL and unpaired surrogates (nothing the database would reject gets through);
lengths are bounded where the desk stores the values, not here."""

import re
from datetime import UTC, datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ninja import Field, Schema
from pydantic import AfterValidator, BeforeValidator, field_validator

from incidents.api.schemas import MAX_ID, AlertOut, AlertStatus, Text

#: A group of more alerts than this is refused (Alertmanager's and Grafana's `max_alerts`
#: setting truncates a group: set it below this).
MAX_GROUP_ALERTS = 1000


def _time_or_none(value: Any) -> Any:
    """Go's zero time ("0001-01-01T00:00:00Z", an alert still firing) and "" mean none."""
    return None if value in (None, "") else value


def _real_time(value: datetime | None) -> datetime | None:
    if value is None or value.year < 1971:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("is out of range") from error


#: An RFC 3339 time (nanoseconds are cut to microseconds); the zero time is None.
AlertTime = Annotated[datetime | None, BeforeValidator(_time_or_none), AfterValidator(_real_time)]
Labels = dict[Text, Text]
#: The one alert status component of the schema (incidents/api/schemas.py).
Status = AlertStatus


# ----- Prometheus Alertmanager ---------------------------------------------------------


class AlertmanagerAlert(Schema):
    status: Status
    labels: Labels = Field(default_factory=dict)
    annotations: Labels = Field(default_factory=dict)
    startsAt: AlertTime = None
    endsAt: AlertTime = None
    generatorURL: Text = ""
    fingerprint: Annotated[Text, Field(max_length=100)] = Field(
        default="",
        description="Alertmanager ≥ 0.19 sends it; without it, the labels identify the alert.",
    )


class AlertmanagerIn(Schema):
    """The body of Alertmanager's `webhook_configs` (version 4), unchanged."""

    version: Text = Field(default="4", examples=["4"])
    groupKey: Annotated[Text, Field(min_length=1)] = Field(
        description="Identifies the group: one group is one incident.",
        examples=['{}/{severity="critical"}:{alertname="ProbeFailure"}'],
    )
    truncatedAlerts: Annotated[int, Field(ge=0)] = 0
    status: Status
    receiver: Text = ""
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: Text = ""
    alerts: Annotated[list[AlertmanagerAlert], Field(min_length=1, max_length=MAX_GROUP_ALERTS)]


# ----- Grafana -------------------------------------------------------------------------


class GrafanaAlert(AlertmanagerAlert):
    silenceURL: Text = ""
    dashboardURL: Text = ""
    panelURL: Text = ""
    imageURL: Text = ""
    values: dict[Text, float | None] | None = Field(
        default=None, description='The rule\'s query values, e.g. {"B": 44.2, "C": 1}.'
    )
    valueString: Text = ""


class GrafanaIn(Schema):
    """The body of Grafana's "Webhook" contact point (version 1), unchanged."""

    receiver: Text = ""
    status: Status
    orgId: Annotated[int, Field(ge=0, le=MAX_ID)] = 0
    alerts: Annotated[list[GrafanaAlert], Field(min_length=1, max_length=MAX_GROUP_ALERTS)]
    groupLabels: Labels = Field(default_factory=dict)
    commonLabels: Labels = Field(default_factory=dict)
    commonAnnotations: Labels = Field(default_factory=dict)
    externalURL: Text = ""
    version: Text = Field(default="1", examples=["1"])
    groupKey: Annotated[Text, Field(min_length=1)] = Field(
        description="Identifies the group: one group is one incident."
    )
    truncatedAlerts: Annotated[int, Field(ge=0)] = 0
    title: Text = Field(default="", description="The notification's title (templated).")
    state: Text = Field(default="", examples=["alerting"], description="alerting | ok.")
    message: Text = Field(default="", description="The notification's message (templated).")


# ----- Zabbix (incidents/integrations/zabbix_media_type.yaml) ---------------------------

#: A macro Zabbix left unresolved: "{EVENT.RECOVERY.DATE}", "{$SERVICEDESK.URL}", *UNKNOWN*.
_UNRESOLVED = re.compile(r"^(\{[A-Z0-9_.$#:]+\}|\*UNKNOWN\*)$")


def _given(value: Any) -> Any:
    """An unresolved macro means no value (None)."""
    if isinstance(value, str) and _UNRESOLVED.match(value.strip()):
        return None
    return value


def _given_text(value: Any) -> Any:
    value = _given(value)
    return "" if value is None else value


def _given_list(value: Any) -> Any:
    value = _given(value)
    return [] if value is None else value


#: A Zabbix macro's text; unresolved (or null), "".
ZabbixText = Annotated[Text, BeforeValidator(_given_text)]
#: A Zabbix macro's number (sent as a string); unresolved, null.
ZabbixId = Annotated[int, Field(ge=1, le=MAX_ID), BeforeValidator(_given)]


class ZabbixTag(Schema):
    tag: Text
    value: Text = ""


class ZabbixEventIn(Schema):
    """What the desk's Zabbix media type posts: Zabbix macros, most of them as strings."""

    event_id: ZabbixId = Field(
        description="{EVENT.ID}: the problem event's id (a recovery carries its problem's)."
    )
    event_value: Annotated[int, Field(ge=0, le=1)] = Field(
        description="{EVENT.VALUE}: 1 a problem, 0 its recovery."
    )
    event_update_status: Annotated[int, Field(ge=0, le=1)] = Field(
        default=0,
        description="{EVENT.UPDATE.STATUS}: 1 for an update (acknowledged, commented): ignored.",
    )
    event_source: Annotated[int, Field(ge=0, le=3)] = Field(
        default=0, description="{EVENT.SOURCE}: 0 trigger, 3 internal (others are refused)."
    )
    event_name: Annotated[ZabbixText, Field(min_length=1)] = Field(description="{EVENT.NAME}")
    event_severity: ZabbixText = Field(default="", description="{EVENT.SEVERITY}, e.g. High.")
    event_nseverity: Annotated[int, Field(ge=0, le=5)] = Field(
        default=0, description="{EVENT.NSEVERITY}: 0 not classified … 5 disaster."
    )
    event_opdata: ZabbixText = Field(default="", description="{EVENT.OPDATA}")
    event_tags: Annotated[list[ZabbixTag], BeforeValidator(_given_list)] = Field(
        default_factory=list, description='{EVENT.TAGSJSON}: [{"tag": …, "value": …}].'
    )
    event_date: ZabbixText = Field(default="", description="{EVENT.DATE}, e.g. 2026.11.30.")
    event_time: ZabbixText = Field(default="", description="{EVENT.TIME}, e.g. 10:02:03.")
    event_recovery_date: ZabbixText = Field(default="", description="{EVENT.RECOVERY.DATE}")
    event_recovery_time: ZabbixText = Field(default="", description="{EVENT.RECOVERY.TIME}")
    timezone: ZabbixText = Field(
        default="UTC",
        description="The time zone Zabbix wrote the dates in (the media user's), e.g. "
        "Europe/Berlin.",
    )
    host_host: ZabbixText = Field(default="", description="{HOST.HOST}: the technical name.")
    host_name: ZabbixText = Field(default="", description="{HOST.NAME}: the visible name.")
    host_ip: ZabbixText = Field(default="", description="{HOST.IP}")
    trigger_id: Annotated[
        Annotated[int, Field(ge=1, le=MAX_ID)] | None, BeforeValidator(_given)
    ] = Field(default=None, description="{TRIGGER.ID}: a trigger's problems are one incident.")
    trigger_name: ZabbixText = Field(default="", description="{TRIGGER.NAME}")
    trigger_description: ZabbixText = Field(default="", description="{TRIGGER.DESCRIPTION}")
    trigger_url: ZabbixText = Field(default="", description="{TRIGGER.URL}")
    event_url: ZabbixText = Field(default="", description="The problem's page in Zabbix.")
    alert_subject: ZabbixText = Field(default="", description="{ALERT.SUBJECT}")
    alert_message: ZabbixText = Field(default="", description="{ALERT.MESSAGE}")

    @field_validator("timezone", mode="before")
    @classmethod
    def _utc_by_default(cls, value: Any) -> Any:
        return "UTC" if value in (None, "") else value

    @field_validator("timezone")
    @classmethod
    def _known_time_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise ValueError("is not a known time zone (e.g. UTC, Europe/Berlin)") from error
        return value

    @field_validator("event_source")
    @classmethod
    def _triggers_and_internal_events(cls, value: int) -> int:
        if value not in (0, 3):
            raise ValueError("only trigger (0) and internal (3) events open incidents")
        return value


# ----- answers -------------------------------------------------------------------------


class AlertInstanceOut(Schema):
    fingerprint: str = Field(description="The alert's fingerprint (Zabbix: the event id).")
    status: Status
    occurrences: int = Field(description="How many notifications reported it firing.")


class AlertGroupOut(AlertOut):
    """The answer to a group (Alertmanager, Grafana) or a Zabbix event. `status` is the
    group's after this notification: firing while any of its alerts is."""

    alerts: list[AlertInstanceOut] = Field(
        default_factory=list,
        description="This notification's alerts, as the desk now counts them.",
    )
