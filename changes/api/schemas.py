"""What the changes API reads (the shared types are the tickets API's)."""

from datetime import datetime
from typing import Annotated

from ninja import Field, Schema

from changes.models import ChangeType as ChangeTypeChoice
from changes.models import Decision, Level, Outcome, Risk, Status
from incidents.api.schemas import Id, Ref
from servicedesk.api_schema import named_choices

#: Named in the schema after the aliases (a ticket's status is "Status").
type ChangeStatus = Annotated[Status, named_choices(Status, "ChangeStatus")]
type ChangeType = Annotated[ChangeTypeChoice, named_choices(ChangeTypeChoice, "ChangeType")]
type ChangeRisk = Annotated[Risk, named_choices(Risk, "ChangeRisk")]
type RiskLevel = Annotated[Level, named_choices(Level, "RiskLevel")]
type ApprovalDecision = Annotated[Decision, named_choices(Decision, "ApprovalDecision")]
type ChangeOutcome = Annotated[Outcome, named_choices(Outcome, "ChangeOutcome")]


class WindowOut(Schema):
    start: datetime | None = Field(description="The planned window's start.")
    end: datetime | None = Field(description="The planned window's end.")


class ChangeOut(Schema):
    number: str = Field(examples=["CHG-000123"])
    title: str
    type: ChangeType
    type_label: str
    status: ChangeStatus
    status_label: str
    risk: ChangeRisk = Field(description="From the risk questionnaire.")
    risk_label: str
    window: WindowOut
    requested_by: str | None
    implementer: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    decided_at: datetime | None = Field(description="When the CAB approved or rejected it.")
    scheduled_at: datetime | None
    started_at: datetime | None = Field(description="When the implementation started.")
    finished_at: datetime | None = Field(description="When the implementation ended.")
    closed_at: datetime | None


class RiskOut(Schema):
    level: ChangeRisk
    impact: RiskLevel = Field(description="How much would break if the change went wrong.")
    likelihood: RiskLevel = Field(description="How likely it is to go wrong.")
    tested: bool = Field(description="Tested beforehand.")
    backout_tested: bool


class PlanOut(Schema):
    description: str = Field(description="What is changed.")
    reason: str = Field(description="Why.")
    implementation: str
    backout: str
    test: str


class ApprovalOut(Schema):
    approver: str
    round: int = Field(description="The CAB review round (a revised change is decided again).")
    decision: ApprovalDecision
    comment: str
    requested_at: datetime
    decided_at: datetime | None


class ChangeDetailOut(ChangeOut):
    plan: PlanOut
    risk_assessment: RiskOut
    services: list[Ref]
    configuration_items: list[Ref]
    approvals: list[ApprovalOut] = Field(description="Every round's decisions, oldest first.")
    problems: list[str] = Field(description="The numbers of the problems the change fixes.")
    incidents: list[str] = Field(description="The numbers of the incidents it answers.")
    article: str | None = Field(description="The article written from its review.")
    window_override_reason: str
    failure_report: str
    review: str = Field(description="The post-implementation review.")
    review_outcome: ChangeOutcome | None = Field(description="How it went, as reviewed.")
    cancel_reason: str
    notify_customers: bool = Field(description="Affected customers are mailed when scheduled.")
    customers_notified_at: datetime | None


class ChangePage(Schema):
    items: list[ChangeOut]
    next_cursor: int | None = Field(
        description="Pass as `cursor` for the next page; null on the last page."
    )


class ChangeFilters(Schema):
    status: list[ChangeStatus] = Field(default_factory=list, description="Any of these.")
    type: list[ChangeType] = Field(default_factory=list, description="Any of these.")
    cursor: Id | None = Field(default=None, description="next_cursor of the previous page.")
    limit: Annotated[int, Field(ge=1, le=200)] = 50
