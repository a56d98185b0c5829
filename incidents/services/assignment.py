"""Giving a ticket to a support group and person, within a line or to another line."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incidents.models import Incident
from incidents.services._runner import run_transition
from servicedesk.models import Line, SupportGroup
from servicedesk.people import display_name


def incident_assign(
    *,
    incident: Incident,
    group: SupportGroup,
    actor,
    assignee=None,
    reason: str = "",
    expected_version: int | None = None,
) -> Incident:
    """Give the ticket to a group (and a named member). A reassignment needs a reason."""
    _check_assignee(group=group, assignee=assignee)
    reason = reason.strip()

    def prepare(fresh: Incident) -> str:
        if fresh.support_group_id and not reason:
            raise ValidationError({"reason": _("Say why the ticket is reassigned.")})
        fresh.support_group = group
        fresh.assignee = assignee
        return reason or _("Assigned to %(group)s") % {"group": group.name}

    return run_transition(
        incident,
        "assign",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_escalate(
    *,
    incident: Incident,
    to_group: SupportGroup,
    reason: str,
    actor,
    assignee=None,
    expected_version: int | None = None,
) -> Incident:
    """Hand the ticket to another support line, saying why."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why the ticket is escalated.")})
    _check_assignee(group=to_group, assignee=assignee)

    def prepare(fresh: Incident) -> str:
        current_line = fresh.support_group.line if fresh.support_group is not None else Line.L1
        if to_group.line == current_line:
            raise ValidationError(
                {"to_group": _("Escalation goes to another line; use Assign within the same line.")}
            )
        fresh.support_group = to_group
        fresh.assignee = assignee
        return _("Escalated from %(source)s to %(target)s: %(reason)s") % {
            "source": Line(current_line).label,
            "target": to_group.get_line_display(),
            "reason": reason,
        }

    return run_transition(
        incident,
        "assign",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def _check_assignee(*, group: SupportGroup, assignee) -> None:
    if not group.is_active:
        raise ValidationError({"group": _("This support group is inactive.")})
    if assignee is not None and not group.members.filter(pk=assignee.pk).exists():
        raise ValidationError(
            {
                "assignee": _("%(user)s is not a member of %(group)s.")
                % {"user": display_name(assignee), "group": group.name}
            }
        )
