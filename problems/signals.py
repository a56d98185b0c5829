"""What the problems app announces after a commit, for receivers in this app and later
ones (changes): a problem changed state."""

from django.dispatch import Signal

#: sent with problem, source, target, actor, reason
problem_status_changed = Signal()
