"""Signal receivers of the problems app, connected in ProblemsConfig.ready(). The problem
signals are sent after the transaction commits (problems/services/)."""

from django.dispatch import receiver

from problems import notifications
from problems.models import Problem, Status
from problems.signals import problem_status_changed


@receiver(problem_status_changed, dispatch_uid="problems.notify_contacts_resolved")
def notify_contacts_resolved(sender, problem: Problem, target: str, **kwargs) -> None:
    """Resolved: the contacts of the linked open incidents hear that the cause is fixed."""
    if target == Status.RESOLVED:
        notifications.notify_problem_resolved(problem=problem)
