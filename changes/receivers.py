"""Signal receivers of the changes app, connected from ChangesConfig.ready()
(changes/integration.py). The change signals are sent after the transaction commits
(changes/services/_workflow.py)."""

from functools import partial

from django.db import transaction
from django.dispatch import receiver

from changes import notifications
from changes.models import ChangeRequest, Status
from changes.signals import change_status_changed


@receiver(change_status_changed, dispatch_uid="changes.notify_problem_managers")
def notify_problem_managers(sender, change: ChangeRequest, target: str, actor=None, **kwargs):
    """Implemented: the managers of the problems it fixes are told."""
    if target == Status.IMPLEMENTED:
        notifications.notify_fix_implemented(change=change, actor=actor)


@receiver(change_status_changed, dispatch_uid="changes.notify_customers_scheduled")
def notify_customers_scheduled(sender, change: ChangeRequest, target: str, **kwargs) -> None:
    """Scheduled, and the change manager chose to tell the customers: the mail goes out
    from a task (one contact or thousands, the scheduling request does not wait)."""
    if target == Status.SCHEDULED and change.notify_customers:
        from changes import tasks

        # robust: a broker down at this moment must not fail the committed scheduling;
        # the beat job (tasks.notify_customers_pending) catches the change up.
        transaction.on_commit(partial(tasks.notify_customers.delay, change.pk), robust=True)
