from servicedesk.models.catalogue import ConfigurationItem, Service
from servicedesk.models.catalogue_forms import ServiceFormField
from servicedesk.models.customers import Contact, Organisation
from servicedesk.models.inbox import InAppNotification, NotificationPreference
from servicedesk.models.notifications import Notification, NotificationStatus
from servicedesk.models.priority import Impact, Priority, PriorityMatrixEntry, Urgency
from servicedesk.models.sla import (
    TICKET_STATUS_CHOICES,
    TICKET_STATUSES,
    BusinessCalendar,
    CalendarHoliday,
    FulfilmentTarget,
    SlaPolicy,
    SlaTarget,
    Weekday,
    WorkingHours,
    default_pause_statuses,
)
from servicedesk.models.support import Line, Specialisation, SupportGroup

__all__ = [
    "TICKET_STATUSES",
    "TICKET_STATUS_CHOICES",
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
    "ServiceFormField",
    "SlaPolicy",
    "SlaTarget",
    "Specialisation",
    "SupportGroup",
    "Urgency",
    "Weekday",
    "WorkingHours",
    "default_pause_statuses",
]
