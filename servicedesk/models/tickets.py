"""What every ticket-like record of the desk shares: the status lifecycle of incidents and
service requests (DESIGN.md, "Status lifecycle"). It lives in the core so that SLA
policies (which statuses pause the clock) and any app can name a status without
importing incidents; incidents.models.Status is this class."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class TicketStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in_progress", _("In progress")
    INFORMATION_NEEDED = "information_needed", _("Information needed")
    EXTERNAL_PROCESSING = "external_processing", _("External processing")
    COMPLETED = "completed", _("Completed")
    REJECTED_BY_USER = "rejected_by_user", _("Rejected by user")
    CLOSED = "closed", _("Closed")
