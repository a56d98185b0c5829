"""What the changes app announces after a commit: a change moved to another state."""

from django.dispatch import Signal

#: sent with change, source, target, actor, reason
change_status_changed = Signal()
