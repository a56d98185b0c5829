"""What the problems API reads and writes (the shared types are the tickets API's)."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from incidents.api.schemas import Id, Input, PriorityNumber, Ref, Text
from incidents.models import Category
from problems import models
from servicedesk.api_schema import named_choices

#: A problem's status, named "ProblemStatus" in the schema (a ticket's is "Status").
type ProblemStatus = Annotated[models.Status, named_choices(models.Status, "ProblemStatus")]
type FishboneCategory = Annotated[
    models.FishboneCategory, named_choices(models.FishboneCategory, "FishboneCategory")
]


class ProblemOut(Schema):
    number: str = Field(examples=["PRB-000123"])
    title: str
    status: ProblemStatus
    status_label: str
    is_known_error: bool = Field(
        description="In the known error database (known error or resolved): its "
        "workaround is there to apply."
    )
    priority: PriorityNumber
    priority_label: str
    category: Category
    service: Ref | None
    configuration_item: Ref | None
    owner: str | None = Field(description="The problem manager accountable for it.")
    investigator: str | None
    created_at: datetime
    updated_at: datetime
    investigation_started_at: datetime | None
    known_error_at: datetime | None
    resolved_at: datetime | None
    closed_at: datetime | None


class WhyOut(Schema):
    position: int
    answer: str


class CauseOut(Schema):
    category: FishboneCategory
    text: str
    confirmed: bool


class EventOut(Schema):
    occurred_at: datetime
    text: str


class RcaOut(Schema):
    whys: list[WhyOut] = Field(description="The 5 whys, in order: the last is the root cause.")
    causes: list[CauseOut] = Field(description="Fishbone causes, by category.")
    timeline: list[EventOut] = Field(description="What happened, oldest first.")


class ProblemDetailOut(ProblemOut):
    description: str
    root_cause: str
    workaround: str = Field(description="What restores service until the permanent fix.")
    permanent_fix: str
    article: str | None = Field(description="The known error's knowledge article's number.")
    rca: RcaOut
    incidents: list[str] = Field(
        description="The numbers of the incidents linked to the problem, oldest link first."
    )


class ProblemPage(Schema):
    items: list[ProblemOut]
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ProblemFilters(Schema):
    status: list[ProblemStatus] = Field(default_factory=list, description="Any of these.")
    known_error: bool | None = Field(
        default=None, description="true: the known error database (known error or resolved)."
    )
    service: Id | None = Field(default=None, description="A service's id.")
    configuration_item: Id | None = Field(default=None, description="A configuration item's id.")
    cursor: Id | None = Field(default=None, description="next_cursor of the previous page.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50


class LinkIn(Input):
    incident: Annotated[Text, Field(min_length=1, max_length=20)] = Field(
        description="The incident's number.", examples=["INC-000123"]
    )


class LinkOut(Schema):
    problem: str
    incident: str
    linked_at: datetime
    linked_by: str | None = Field(description="Who linked it (null: the system).")
