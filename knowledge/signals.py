"""Sent after the transaction commits (knowledge/services.py)."""

from django.dispatch import Signal

#: article, source, target, actor, reason: an article moved through its lifecycle.
article_status_changed = Signal()
