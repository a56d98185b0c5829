"""The incidents app's models, one module per idea: the ticket and its choices, its
conversation (comments, attachments), canned responses, CCs, linked knowledge articles,
ratings, a major incident's update log, the SLA ledger, monitoring alerts; inbound email
lives beside its intake code (incidents/intake/models.py).

Everything is re-exported here: `from incidents.models import X` is how the rest of the
code (and the migrations, e.g. `incidents.models.current_time`) name them."""

from incidents.intake.models import InboundEmail, Mailbox, Submission
from incidents.models.alert_deliveries import AlertDelivery, AlertEndpoint, DeliveryOutcome
from incidents.models.articles import TicketArticle
from incidents.models.canned import CannedResponse
from incidents.models.cc import TicketCc
from incidents.models.choices import (
    CUSTOMER_CHANNELS,
    INVALID_CLOSURE_CODES,
    NUMBER_PREFIX,
    OPEN_STATUSES,
    REASSIGNABLE,
    Category,
    Channel,
    ClosureCode,
    Kind,
    Status,
)
from incidents.models.clock import current_time
from incidents.models.comments import Attachment, Comment, attachment_path
from incidents.models.links import TicketLink
from incidents.models.major import MajorIncidentUpdate
from incidents.models.monitoring import (
    ALERT_LINK_LABELS,
    ALERT_TOKEN_KIND,
    AlertSeverity,
    AlertSource,
    AlertStatus,
    MonitoringAlert,
    MonitoringAlertInstance,
)
from incidents.models.ratings import SatisfactionRating
from incidents.models.rollup import RegisteredHour, ResolvedDay, ResolvedTime, RollupMark
from incidents.models.saved_views import SavedView
from incidents.models.sla_events import SlaEvent
from incidents.models.sla_reports import SlaReportSending
from incidents.models.ticket import (
    SLA_AT_RISK,
    SLA_BREACHED,
    Incident,
    IncidentQuerySet,
    TicketSequence,
)
from incidents.models.watch import Watch

__all__ = [
    "ALERT_LINK_LABELS",
    "ALERT_TOKEN_KIND",
    "CUSTOMER_CHANNELS",
    "INVALID_CLOSURE_CODES",
    "NUMBER_PREFIX",
    "OPEN_STATUSES",
    "REASSIGNABLE",
    "SLA_AT_RISK",
    "SLA_BREACHED",
    "AlertDelivery",
    "AlertEndpoint",
    "AlertSeverity",
    "AlertSource",
    "AlertStatus",
    "Attachment",
    "CannedResponse",
    "Category",
    "Channel",
    "ClosureCode",
    "Comment",
    "DeliveryOutcome",
    "InboundEmail",
    "Incident",
    "IncidentQuerySet",
    "Kind",
    "Mailbox",
    "MajorIncidentUpdate",
    "MonitoringAlert",
    "MonitoringAlertInstance",
    "RegisteredHour",
    "ResolvedDay",
    "ResolvedTime",
    "RollupMark",
    "SatisfactionRating",
    "SavedView",
    "SlaEvent",
    "SlaReportSending",
    "Status",
    "Submission",
    "TicketArticle",
    "TicketCc",
    "TicketLink",
    "TicketSequence",
    "Watch",
    "attachment_path",
    "current_time",
]
