"""Signals of the core app, for the apps built on it. Sent after the transaction commits."""

from django.db import transaction
from django.dispatch import Signal

#: The terms of SLA policies changed (their calendar's hours or holidays, their targets,
#: pause statuses or threshold): the open tickets they govern need new due times.
#: kwargs: policy_ids (list of int).
sla_terms_changed = Signal()


def announce_sla_terms_changed(*, policy_ids: list[int]) -> None:
    """Tell the apps, once the change is committed, which policies' terms changed."""
    ids = sorted(set(policy_ids))
    if ids:
        transaction.on_commit(lambda: sla_terms_changed.send(sender=None, policy_ids=ids))
