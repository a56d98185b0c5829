"""Opening a problem and editing it. Problem managers edit what defines it; L2/L3 staff
edit the investigation's findings while it is not finished."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Category, Incident
from problems import rules
from problems.models import Problem
from problems.services._workflow import PROBLEMS
from problems.services.lifecycle import set_findings
from problems.services.links import link_incidents
from servicedesk.models import ConfigurationItem, Service, SupportGroup
from servicedesk.models.priority import Priority
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, copy_into, person, save_with_history

#: What a problem manager edits (problem_update); the findings are problem_investigate's.
DEFINITION_FIELDS = (
    "title",
    "description",
    "priority",
    "service",
    "configuration_item",
    "category",
    "owner",
    "investigator",
    "support_group",
    "permanent_fix",
)
TITLE_LENGTH = 200


def problem_open(
    *,
    title: str,
    description: str = "",
    service: Service | None = None,
    configuration_item: ConfigurationItem | None = None,
    category: str = "",
    priority: int = Priority.MEDIUM,
    owner: User | None = None,
    investigator: User | None = None,
    support_group: SupportGroup | None = None,
    incidents: Iterable[Incident] = (),
    actor: Actor,
) -> Problem:
    """A new problem (PRB number), with the incidents it explains linked to it."""
    if not rules.may_open(actor):
        raise PermissionDenied(_("Only a problem manager may open a problem."))
    problem = Problem(created_by=person(actor), owner=owner or person(actor))
    _apply(
        problem,
        title=title,
        description=description,
        service=service,
        configuration_item=configuration_item,
        category=category or problem.category,
        priority=priority,
        investigator=investigator,
        support_group=support_group,
    )
    with transaction.atomic():
        save_with_history(problem, actor=actor, reason=_("Opened"))
        link_incidents(problem, list(incidents), actor=actor)
    return problem


def problem_update(
    *, problem: Problem, actor: Actor, expected_version: int | None = None, **changes
) -> Problem:
    """Change what defines the problem (any of DEFINITION_FIELDS)."""
    if not rules.may_manage(problem, actor):
        raise PermissionDenied(_("Only a problem manager may change this."))
    unknown = set(changes) - set(DEFINITION_FIELDS)
    if unknown:
        raise TypeError(f"problem_update() does not change {sorted(unknown)}")
    with transaction.atomic():
        fresh = PROBLEMS.lock(problem, expected_version)
        if fresh.is_final:
            raise ValidationError(_("A closed or cancelled problem is not changed any more."))
        service_before = fresh.service_id
        _apply(fresh, **changes)
        fields = [*changes, "version", "updated_at"]
        if fresh.service_id != service_before:
            fields.append("service")  # taken from the configuration item
        PROBLEMS.save(fresh, actor=actor, reason=_("Edited"), fields=list(dict.fromkeys(fields)))
    copy_into(problem, fresh)
    return fresh


def problem_investigate(
    *,
    problem: Problem,
    actor: Actor,
    root_cause: str | None = None,
    workaround: str | None = None,
    expected_version: int | None = None,
) -> Problem:
    """Write down the root cause and the workaround as they are understood now."""
    if not rules.may_investigate(problem, actor):
        raise PermissionDenied(_("You may not change this problem's investigation."))
    with transaction.atomic():
        fresh = PROBLEMS.lock(problem, expected_version)
        if not rules.may_investigate(fresh, actor):  # closed or cancelled meanwhile
            raise PermissionDenied(_("You may not change this problem's investigation."))
        set_findings(fresh, root_cause=root_cause, workaround=workaround)
        PROBLEMS.save(
            fresh,
            actor=actor,
            reason=_("Findings updated"),
            fields=["root_cause", "root_cause_at", "workaround", "version", "updated_at"],
        )
    copy_into(problem, fresh)
    return fresh


def _apply(problem: Problem, **changes) -> None:
    """Set the fields after cleaning them; a ValidationError names the field at fault.
    A configuration item without a service brings its own service."""
    for name, value in changes.items():
        if name in ("title", "description", "permanent_fix"):
            value = clean_text(value)
        setattr(problem, name, value)
    if problem.category not in Category.values:
        raise ValidationError({"category": _("Choose one of the categories.")})
    if problem.priority not in Priority.values:
        raise ValidationError({"priority": _("Choose one of the priorities.")})
    if problem.configuration_item is not None and problem.service is None:
        problem.service = problem.configuration_item.service
    if "title" in changes:
        if not problem.title:
            raise ValidationError({"title": _("Give the problem a title.")})
        if len(problem.title) > TITLE_LENGTH:
            raise ValidationError(
                {"title": _("At most %(count)d characters.") % {"count": TITLE_LENGTH}}
            )
    ci = problem.configuration_item
    if ci is not None and problem.service is not None and ci.service_id != problem.service.pk:
        raise ValidationError(
            {"configuration_item": _("This configuration item belongs to another service.")}
        )
