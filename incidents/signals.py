"""Signals other apps listen to. Sent after the transaction commits."""

from django.dispatch import Signal

#: A ticket was registered. kwargs: incident, actor.
ticket_registered = Signal()
#: A ticket's status changed. kwargs: incident, source, target, actor, reason.
ticket_status_changed = Signal()
