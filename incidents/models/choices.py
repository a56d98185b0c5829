"""A ticket's choices: kind, channel, category, closure code, and the status lifecycle
(servicedesk.models.TicketStatus, shared with the core) with the groups of statuses the
desk reasons about."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from servicedesk.models import TicketStatus

Status = TicketStatus

OPEN_STATUSES = [
    Status.REGISTERED,
    Status.ASSIGNED,
    Status.IN_PROGRESS,
    Status.INFORMATION_NEEDED,
    Status.EXTERNAL_PROCESSING,
    Status.REJECTED_BY_USER,
]
REASSIGNABLE = [Status.REGISTERED, Status.ASSIGNED, Status.IN_PROGRESS, Status.REJECTED_BY_USER]


class Kind(models.TextChoices):
    INCIDENT = "incident", _("Incident")
    REQUEST = "request", _("Service request")


NUMBER_PREFIX = {Kind.INCIDENT: "INC", Kind.REQUEST: "REQ"}


class Channel(models.TextChoices):
    PORTAL = "portal", _("Portal")
    EMAIL = "email", _("Email")
    PHONE = "phone", _("Phone")
    MONITORING = "monitoring", _("Monitoring")
    AGENT = "agent", _("Agent")


CUSTOMER_CHANNELS = {Channel.PORTAL, Channel.EMAIL}


class Category(models.TextChoices):
    OUTAGE = "outage", _("Outage")
    DEGRADATION = "degradation", _("Degradation")
    ERROR = "error", _("Error or malfunction")
    SECURITY = "security", _("Security")
    CONSULTATION = "consultation", _("Consultation")
    LICENCE = "licence", _("Licence")
    RESOURCES = "resources", _("Resources")
    ACCESS = "access", _("Access")
    OTHER = "other", _("Other")


class ClosureCode(models.TextChoices):
    RESOLVED = "resolved", _("Resolved")
    WORKAROUND = "workaround", _("Resolved with a workaround")
    FULFILLED = "fulfilled", _("Request fulfilled")
    NO_FAULT_FOUND = "no_fault_found", _("No fault found")
    INVALID = "invalid", _("Invalid request")
    DUPLICATE = "duplicate", _("Duplicate")
    OUT_OF_SCOPE = "out_of_scope", _("Not covered by the contract")


#: Closure codes that may complete a ticket that was never worked (straight from triage).
INVALID_CLOSURE_CODES = [ClosureCode.INVALID, ClosureCode.DUPLICATE, ClosureCode.OUT_OF_SCOPE]
