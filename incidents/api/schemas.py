"""What the API reads and writes. Every input is bounded (lengths, id ranges, dates a
database can store) and free text refuses NUL and unpaired surrogates, so no input can
reach the database in a form it rejects."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from incidents.intake.monitoring import Severity
from incidents.models import Category, Channel, ClosureCode, Kind
from servicedesk.api_schema import named_choices
from servicedesk.models import Impact, Priority, TicketStatus, Urgency

#: Largest id a BigAutoField holds (larger ones are refused, never sent to the database).
MAX_ID = 2**63 - 1
MAX_TEXT = 20_000


def _clean_text(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("must be valid Unicode text") from error
    return value


def _storable_datetime(value: datetime) -> datetime:
    """Aware, in UTC, and within what the database can store (naive means UTC)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(UTC)
    except OverflowError as error:
        raise ValueError("is out of range") from error


#: A ticket's status, named "Status" in the schema as it was before the choices moved to
#: the core (TicketStatus): clients generated from the schema keep their type's name.
type Status = Annotated[TicketStatus, named_choices(TicketStatus, "Status")]
#: An alert's state in the monitoring system, as sent and as answered.
type AlertStatus = Literal["firing", "resolved"]
#: What became of an alert.
type AlertAction = Literal["created", "occurrence", "resolved", "ignored"]
Text = Annotated[str, AfterValidator(_clean_text)]
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
#: Priorities, urgencies and impacts travel as their numbers (1 is the highest), each
#: one named component of the schema.
type PriorityNumber = Annotated[
    int,
    Field(
        ge=min(Priority.values),
        le=max(Priority.values),
        description="1 (critical) … 5 (planning).",
    ),
]
type UrgencyNumber = Annotated[
    int,
    Field(ge=min(Urgency.values), le=max(Urgency.values), description="1 (very high) … 5 (none)."),
]
type ImpactNumber = Annotated[
    int,
    Field(ge=min(Impact.values), le=max(Impact.values), description="1 (significant) … 5 (none)."),
]
StorableDateTime = Annotated[datetime, AfterValidator(_storable_datetime)]


class Input(Schema):
    model_config = ConfigDict(str_strip_whitespace=True)


# ----- monitoring alerts -----------------------------------------------------------------


class AlertIn(Input):
    source: Annotated[Text, Field(min_length=1, max_length=100)] = Field(
        description="The monitoring system (or instance) that raised the alert.",
        examples=["prometheus-eu1"],
    )
    key: Annotated[Text, Field(min_length=1, max_length=200)] = Field(
        description="Identifies the alert within its source: repeats carry the same key.",
        examples=["disk-full:db01:/var"],
    )
    service: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None,
        description="The affected service's name in the catalogue (optional; an unknown "
        "name is said in the answer's `warnings` and on the incident, and the alert "
        "source's default service is used).",
    )
    severity: Severity = Field(
        description="critical | major | minor | warning | info: sets urgency and impact."
    )
    summary: Annotated[Text, Field(min_length=1, max_length=200)] = Field(
        description="One line: becomes the incident's title.", examples=["Disk /var on db01 full"]
    )
    details: Annotated[Text, Field(max_length=MAX_TEXT)] | None = Field(
        default=None, description="Free text: becomes the incident's description."
    )
    status: AlertStatus = Field(
        default="firing", description="firing (or firing again) | resolved."
    )
    configuration_item: Annotated[Text, Field(max_length=200)] | None = Field(
        default=None,
        description="The affected configuration item's name (optional). Without it, a part "
        "of the key that is an item's name is used. Only the source's organisation's items.",
    )


class AlertOut(Schema):
    action: AlertAction = Field(
        description="created: a new incident; occurrence: counted on the open incident; "
        "resolved: a recovery noted on it; ignored: resolved, and no incident is open."
    )
    incident: str | None = Field(description="The incident's number, e.g. INC-000123.")
    occurrences: int = Field(description="How often the alert fired for this incident.")
    status: AlertStatus
    warnings: list[str] = Field(
        default_factory=list,
        description="What the alert named that matched nothing (a service, a configuration "
        "item), and what was used instead; also written on the incident.",
    )


# ----- tickets -----------------------------------------------------------------------------


class Ref(Schema):
    id: int
    name: str


class TicketOut(Schema):
    number: str = Field(examples=["INC-000123"])
    kind: Kind
    title: str
    status: Status
    priority: PriorityNumber
    priority_label: str
    urgency: UrgencyNumber
    urgency_confirmed: bool
    impact: ImpactNumber
    category: Category
    channel: Channel
    organisation: Ref
    contact: Ref
    service: Ref | None
    support_group: str | None = Field(description="Staff tokens only (null for contacts).")
    assignee: str | None = Field(description="Staff tokens only (null for contacts).")
    closure_code: ClosureCode | Literal[""]
    registered_at: datetime
    updated_at: datetime
    first_response_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None
    response_due_at: datetime | None
    resolution_due_at: datetime | None
    is_major: bool = Field(
        description="A major incident: the one ticket of an outage that other tickets hang "
        "off (read-only)."
    )
    parent: str | None = Field(
        description="The number of the major incident this ticket is part of (read-only). "
        "Contacts' tokens see it only when that major incident is their own "
        "organisation's; null otherwise.",
        examples=["INC-000120"],
    )
    outage_started_at: datetime | None = Field(
        description="A major incident's outage start: when the service went down "
        "(read-only; null on other tickets)."
    )
    outage_ended_at: datetime | None = Field(
        description="A major incident's outage end: null while the service is still down, "
        "and on other tickets (read-only)."
    )


class CommentOut(Schema):
    id: int
    body: str
    is_public: bool
    author: str | None = Field(description="Null for notes written by the system.")
    created_at: datetime


class TicketDetailOut(TicketOut):
    description: str
    comments: list[CommentOut] = Field(
        description="Oldest first. Contacts see public comments only."
    )
    followers: list[str] = Field(
        default_factory=list,
        description="The names of the staff following the ticket, who are told what its "
        "assignee is told (staff tokens only; empty for contacts).",
    )


class TicketPage(Schema):
    items: list[TicketOut]
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class TicketFilters(Schema):
    status: list[Status] = Field(default_factory=list, description="Any of these statuses.")
    kind: Kind | None = None
    priority: PriorityNumber | None = None
    organisation: Id | None = Field(default=None, description="An organisation's id (staff).")
    updated_since: StorableDateTime | None = Field(
        default=None, description="Changed at or after this time (ISO 8601)."
    )
    cursor: Id | None = Field(default=None, description="next_cursor of the previous page.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class TicketIn(Input):
    kind: Kind = Kind.INCIDENT
    title: Annotated[Text, Field(min_length=1, max_length=200)]
    description: Annotated[Text, Field(max_length=MAX_TEXT)] = ""
    category: Category = Category.OTHER
    urgency: UrgencyNumber = Urgency.MEDIUM.value
    service: Id | None = Field(default=None, description="A service's id.")
    configuration_item: Id | None = Field(default=None, description="A configuration item's id.")
    contact: Id | None = Field(
        default=None,
        description="Staff tokens: the requester's contact id (required). Contact tokens: "
        "omit (or give your own id).",
    )


class CommentIn(Input):
    body: Annotated[Text, Field(min_length=1, max_length=MAX_TEXT)]
    is_public: bool = Field(
        default=False,
        description="Staff: whether the contact sees it. Contacts' comments are always public.",
    )
