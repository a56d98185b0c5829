from servicedesk.models.catalogue import ConfigurationItem, Service
from servicedesk.models.customers import Contact, Organisation
from servicedesk.models.priority import Impact, Priority, PriorityMatrixEntry, Urgency
from servicedesk.models.support import Line, Specialisation, SupportGroup

__all__ = [
    "ConfigurationItem",
    "Contact",
    "Impact",
    "Line",
    "Organisation",
    "Priority",
    "PriorityMatrixEntry",
    "Service",
    "Specialisation",
    "SupportGroup",
    "Urgency",
]
