"""What can happen to a ticket. Every status change goes through here: a service
checks who is asking, locks the row, refuses stale edits, calls the model's
transition, saves, records actor and reason in the history, and queues side
effects for after the commit (the runner: servicedesk.workflow, wrapped for tickets
in _runner.py).

One module per sub-domain; callers import the services from here."""

from incidents.services._runner import available_transitions
from incidents.services.assignment import incident_assign, incident_escalate
from incidents.services.comments import (
    incident_add_comment,
    incident_add_system_note,
    validate_upload,
)
from incidents.services.inbound import (
    inbound_email_accept,
    inbound_email_add_to_ticket,
    inbound_email_discard,
    incident_add_email_reply,
    incident_register_by_email,
)
from incidents.services.knowledge import (
    incident_article_link,
    incident_article_unlink,
    incident_articles_link,
    incident_write_article,
)
from incidents.services.links import (
    incident_link_related,
    incident_merge,
    incident_unlink_related,
)
from incidents.services.major import (
    incident_declare_major,
    incident_end_outage,
    incident_link_child,
    incident_link_children,
    incident_name_major_manager,
    incident_set_outage,
    incident_suggest_children,
    incident_unlink_child,
    major_post_update,
    major_update_broadcast,
)
from incidents.services.portal import incident_rate, incident_request_urgency
from incidents.services.registration import (
    SYSTEM_INTAKE_CHANNELS,
    incident_classify,
    incident_confirm_urgency,
    incident_register,
    priority_for,
)
from incidents.services.saved_views import saved_view_create, saved_view_delete
from incidents.services.sla_reports import sla_report_send
from incidents.services.sweep import auto_close_completed, incident_auto_close, sla_sweep
from incidents.services.work import (
    incident_complete,
    incident_complete_as_invalid,
    incident_confirm,
    incident_engage_third_party,
    incident_reject_resolution,
    incident_request_information,
    incident_resume,
    incident_start_work,
)

__all__ = [
    "SYSTEM_INTAKE_CHANNELS",
    "auto_close_completed",
    "available_transitions",
    "inbound_email_accept",
    "inbound_email_add_to_ticket",
    "inbound_email_discard",
    "incident_add_comment",
    "incident_add_email_reply",
    "incident_add_system_note",
    "incident_article_link",
    "incident_article_unlink",
    "incident_articles_link",
    "incident_assign",
    "incident_auto_close",
    "incident_classify",
    "incident_complete",
    "incident_complete_as_invalid",
    "incident_confirm",
    "incident_confirm_urgency",
    "incident_declare_major",
    "incident_end_outage",
    "incident_engage_third_party",
    "incident_escalate",
    "incident_link_child",
    "incident_link_children",
    "incident_link_related",
    "incident_merge",
    "incident_name_major_manager",
    "incident_rate",
    "incident_register",
    "incident_register_by_email",
    "incident_reject_resolution",
    "incident_request_information",
    "incident_request_urgency",
    "incident_resume",
    "incident_set_outage",
    "incident_start_work",
    "incident_suggest_children",
    "incident_unlink_child",
    "incident_unlink_related",
    "incident_write_article",
    "major_post_update",
    "major_update_broadcast",
    "priority_for",
    "saved_view_create",
    "saved_view_delete",
    "sla_report_send",
    "sla_sweep",
    "validate_upload",
]
