"""Signals other apps listen to. Sent after the transaction commits."""

from django.dispatch import Signal

#: A ticket was registered. kwargs: incident, actor, notify_contact (False: the ticket came
#: from an automatic message, which no mail may answer).
ticket_registered = Signal()
#: A ticket's status changed. kwargs: incident, source, target, actor, reason.
ticket_status_changed = Signal()
#: Tickets reached their SLA warning threshold (once per ticket). kwargs: incident_ids,
#: clock ("response" | "resolution").
sla_at_risk = Signal()
#: Tickets breached a clock. kwargs: incident_ids, clock ("response" | "resolution").
sla_breached = Signal()
#: A comment was added to a ticket by someone (not by a transition, which announces its
#: own text). kwargs: incident, comment, actor (None: the contact wrote by email).
ticket_commented = Signal()
#: The contact asked for a higher urgency. kwargs: incident, comment, actor.
urgency_raise_requested = Signal()
#: One SLA sweep marked tickets. kwargs: swept_at, marked = {"reaction_breached": [ids],
#: "resolution_breached": [...], "reaction_at_risk": [...], "resolution_at_risk": [...]}.
sla_swept = Signal()
#: Someone was named a major incident's manager (on declaring it, or on a hand-over).
#: kwargs: incident, manager, actor, reason.
major_manager_named = Signal()
