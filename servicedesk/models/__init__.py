from servicedesk.models.api_tokens import ApiToken
from servicedesk.models.bulk_jobs import BulkJob, BulkJobRefusal, BulkJobState
from servicedesk.models.catalogue import ConfigurationItem, Service
from servicedesk.models.catalogue_forms import ServiceFormField
from servicedesk.models.customers import Contact, Organisation
from servicedesk.models.inbox import InAppNotification, NotificationPreference
from servicedesk.models.notifications import Notification, NotificationStatus
from servicedesk.models.priority import Impact, Priority, PriorityMatrixEntry, Urgency
from servicedesk.models.sla import (
    BusinessCalendar,
    CalendarHoliday,
    FulfilmentTarget,
    ServiceCredit,
    SlaPolicy,
    SlaTarget,
    Weekday,
    WorkingHours,
    default_pause_statuses,
)
from servicedesk.models.support import Line, Specialisation, SupportGroup
from servicedesk.models.tickets import TicketStatus

__all__ = [
    "ApiToken",
    "BulkJob",
    "BulkJobRefusal",
    "BulkJobState",
    "BusinessCalendar",
    "CalendarHoliday",
    "ConfigurationItem",
    "Contact",
    "FulfilmentTarget",
    "Impact",
    "InAppNotification",
    "Line",
    "Notification",
    "NotificationPreference",
    "NotificationStatus",
    "Organisation",
    "Priority",
    "PriorityMatrixEntry",
    "Service",
    "ServiceCredit",
    "ServiceFormField",
    "SlaPolicy",
    "SlaTarget",
    "Specialisation",
    "SupportGroup",
    "TicketStatus",
    "Urgency",
    "Weekday",
    "WorkingHours",
    "default_pause_statuses",
]
