"""Raising a change request and editing its plan. Anyone on staff raises one; the plan is
edited until the change goes to the CAB (changes.rules.may_edit)."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from changes import rules
from changes.models import ChangeRequest, ChangeType, Level, StandardChangeTemplate
from changes.services._workflow import CHANGES
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, copy_into, person, save_with_history

TITLE_LENGTH = 200
TEXT_FIELDS = (
    "title",
    "description",
    "reason",
    "implementation_plan",
    "backout_plan",
    "test_plan",
)
#: What the plan holds (change_update); links are set with the same call.
PLAN_FIELDS = (
    *TEXT_FIELDS,
    "change_type",
    "template",
    "impact",
    "likelihood",
    "tested",
    "backout_tested",
    "planned_start",
    "planned_end",
    "implementer",
    "notify_customers",
)
LINK_FIELDS = ("services", "configuration_items", "problems", "incidents")


def change_raise(
    *,
    title: str,
    actor: Actor,
    change_type: str = ChangeType.NORMAL,
    template: StandardChangeTemplate | None = None,
    description: str = "",
    reason: str = "",
    impact: str = Level.MEDIUM,
    likelihood: str = Level.MEDIUM,
    tested: bool = False,
    backout_tested: bool = False,
    implementation_plan: str = "",
    backout_plan: str = "",
    test_plan: str = "",
    planned_start: datetime | None = None,
    planned_end: datetime | None = None,
    implementer: User | None = None,
    notify_customers: bool = False,
    **links: Iterable[Any],
) -> ChangeRequest:
    """A new draft (CHG number). From a standard-change template, what the template says
    fills what was left empty, and the change is standard."""
    if not rules.may_raise(actor):
        raise PermissionDenied(_("Only staff raise change requests."))
    change = ChangeRequest(requested_by=person(actor))
    plan: dict[str, Any] = {
        "title": title,
        "change_type": ChangeType.STANDARD if template else change_type,
        "template": template,
        "description": description,
        "reason": reason,
        "impact": impact,
        "likelihood": likelihood,
        "tested": tested,
        "backout_tested": backout_tested,
        "implementation_plan": implementation_plan,
        "backout_plan": backout_plan,
        "test_plan": test_plan,
        "planned_start": planned_start,
        "planned_end": planned_end,
        "implementer": implementer,
        "notify_customers": notify_customers,
    }
    if template is not None:
        for name in TEXT_FIELDS[1:]:
            plan[name] = plan[name] or getattr(template, name)
        links.setdefault("services", list(template.services.all()))
    _apply(change, plan)
    with transaction.atomic():
        save_with_history(change, actor=actor, reason=_("Raised"))
        _set_links(change, links)
    return change


def change_update(
    *, change: ChangeRequest, actor: Actor, expected_version: int | None = None, **changes: Any
) -> ChangeRequest:
    """Change the plan (any of PLAN_FIELDS) and the links (LINK_FIELDS)."""
    unknown = set(changes) - set(PLAN_FIELDS) - set(LINK_FIELDS)
    if unknown:
        raise TypeError(f"change_update() does not change {sorted(unknown)}")
    links = {name: changes.pop(name) for name in LINK_FIELDS if name in changes}
    with transaction.atomic():
        fresh = CHANGES.lock(change, expected_version)
        if not rules.may_edit(fresh, actor):
            raise PermissionDenied(_("The plan of this change can no longer be edited by you."))
        _apply(fresh, changes)
        fields = [*changes, "risk", "version", "updated_at"]
        CHANGES.save(fresh, actor=actor, reason=_("Plan edited"), fields=fields)
        _set_links(fresh, links)
    copy_into(change, fresh)
    return fresh


def change_link(
    *,
    change: ChangeRequest,
    actor: Actor,
    problems: Iterable[Any] = (),
    incidents: Iterable[Any] = (),
) -> ChangeRequest:
    """Add problems the change fixes and incidents it answers (at any time until it ends)."""
    if not rules.may_link(change, actor):
        raise PermissionDenied(_("You may not link records to this change."))
    with transaction.atomic():
        fresh = CHANGES.lock(change)
        if problems:
            fresh.problems.add(*problems)
        if incidents:
            fresh.incidents.add(*incidents)
    return fresh


def change_unlink(
    *,
    change: ChangeRequest,
    actor: Actor,
    problems: Iterable[Any] = (),
    incidents: Iterable[Any] = (),
) -> ChangeRequest:
    if not rules.may_link(change, actor):
        raise PermissionDenied(_("You may not unlink records from this change."))
    with transaction.atomic():
        fresh = CHANGES.lock(change)
        if problems:
            fresh.problems.remove(*problems)
        if incidents:
            fresh.incidents.remove(*incidents)
    return fresh


def _set_links(change: ChangeRequest, links: dict[str, Iterable[Any]]) -> None:
    for name, values in links.items():
        getattr(change, name).set(list(values))
    cis = links.get("configuration_items")
    if cis:  # a configuration item brings the service it delivers
        change.services.add(*{ci.service_id for ci in cis})


def _apply(change: ChangeRequest, plan: dict[str, Any]) -> None:
    """Set the fields after cleaning them; a ValidationError names the field at fault."""
    for name, value in plan.items():
        if name in TEXT_FIELDS:
            value = clean_text(value)
        setattr(change, name, value)
    errors: dict[str, str] = {}
    if "title" in plan:
        if not change.title:
            errors["title"] = _("Give the change a title.")
        elif len(change.title) > TITLE_LENGTH:
            errors["title"] = _("At most %(count)d characters.") % {"count": TITLE_LENGTH}
    if change.change_type not in ChangeType.values:
        errors["change_type"] = _("Choose standard, normal or emergency.")
    elif change.is_standard and change.template_id is None:
        errors["template"] = _("A standard change is raised from a standard change template.")
    for name in ("impact", "likelihood"):
        if getattr(change, name) not in Level.values:
            errors[name] = _("Choose low, medium or high.")
    start, end = change.planned_start, change.planned_end
    if start and end and end <= start:
        errors["planned_end"] = _("The window must end after it starts.")
    if errors:
        raise ValidationError(errors)
