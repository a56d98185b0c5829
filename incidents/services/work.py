"""Working a ticket through its lifecycle: start, ask the contact, hand to a third
party, resume, complete, and the contact's confirmation or rejection."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from incidents import rules
from incidents.models import INVALID_CLOSURE_CODES, ClosureCode, Incident
from incidents.services._runner import run_transition
from incidents.services.comments import add_comment
from incidents.services.knowledge import check_resolves, record_resolution
from incidents.services.major import check_may_complete_as_invalid, complete_children
from knowledge.models import Article
from servicedesk.models import Contact
from servicedesk.sanitise import clean_text


def incident_start_work(*, incident: Incident, actor, expected_version=None) -> Incident:
    """The person who starts work becomes the assignee."""

    def prepare(fresh: Incident) -> None:
        if rules.works_on(fresh, actor):
            fresh.assignee = actor

    return run_transition(
        incident,
        "start_work",
        actor=actor,
        reason=_("Work started"),
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_request_information(
    *, incident: Incident, comment: str, actor, expected_version=None
) -> Incident:
    """Ask the contact for what is missing; the question is a public comment."""
    comment = clean_text(comment)
    if not comment:
        raise ValidationError({"comment": _("Write what the contact needs to provide.")})

    def prepare(fresh: Incident) -> None:
        fresh.note_public_comment(comment)

    fresh = run_transition(
        incident,
        "request_information",
        actor=actor,
        reason=comment,
        expected_version=expected_version,
        prepare=prepare,
        after=lambda t: add_comment(t, body=comment, is_public=True, author=actor),
    )
    return fresh


def incident_engage_third_party(
    *, incident: Incident, third_party: str, actor, comment: str = "", expected_version=None
) -> Incident:
    third_party = third_party.strip()
    if not third_party:
        raise ValidationError({"third_party": _("Name the third party that is engaged.")})
    comment = clean_text(comment)

    def prepare(fresh: Incident) -> None:
        fresh.third_party = third_party

    reason = _("Handed to %(vendor)s") % {"vendor": third_party}
    if comment:
        reason = f"{reason}: {comment}"
    return run_transition(
        incident,
        "engage_third_party",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
    )


def incident_resume(*, incident: Incident, actor, comment: str = "", expected_version=None):
    comment = clean_text(comment)
    return run_transition(
        incident,
        "resume",
        actor=actor,
        reason=comment or _("Work resumed"),
        expected_version=expected_version,
    )


def incident_complete(
    *,
    incident: Incident,
    closure_code: str,
    resolution: str,
    actor,
    resolved_with: Article | None = None,
    expected_version=None,
) -> Incident:
    """Work done: the resolution is a public comment the contact confirms or rejects.
    `resolved_with`: the published knowledge article the resolution followed; it is
    linked to the ticket and its use counted (once per ticket). Completing a major
    incident completes its open children with the same resolution (services/major.py)."""
    resolution = clean_text(resolution)
    errors = {}
    if not closure_code:
        errors["closure_code"] = _("Choose a closure code.")
    if not resolution:
        errors["resolution"] = _("Describe the resolution for the contact.")
    if errors:
        raise ValidationError(errors)
    check_resolves(resolved_with)

    def prepare(fresh: Incident) -> None:
        fresh.closure_code = closure_code
        fresh.resolved_with = resolved_with

    def after(fresh: Incident) -> None:
        add_comment(fresh, body=resolution, is_public=True, author=actor)
        if resolved_with is not None:
            record_resolution(fresh, resolved_with, actor)
        if fresh.is_major:
            complete_children(fresh, closure_code=closure_code, resolution=resolution, actor=actor)

    return run_transition(
        incident,
        "complete",
        actor=actor,
        reason=resolution,
        expected_version=expected_version,
        prepare=prepare,
        after=after,
    )


def incident_complete_as_invalid(
    *,
    incident: Incident,
    closure_code: str,
    reason: str,
    actor,
    duplicate_of: Incident | None = None,
    expected_version=None,
) -> Incident:
    """Complete a ticket straight from triage because it is invalid, a duplicate (of
    `duplicate_of`, a ticket of the same organisation), or not covered; the closure code
    says which."""
    reason = clean_text(reason)
    errors = {}
    if closure_code not in INVALID_CLOSURE_CODES:
        errors["closure_code"] = _("Choose invalid, duplicate or not covered.")
    if not reason:
        errors["reason"] = _("Explain to the contact why.")
    if closure_code == ClosureCode.DUPLICATE:
        refusal = why_not_duplicate(incident, duplicate_of)
        if refusal:
            errors["duplicate_of"] = refusal
    else:
        duplicate_of = None
    if errors:
        raise ValidationError(errors)
    check_may_complete_as_invalid(incident)

    def prepare(fresh: Incident) -> None:
        fresh.closure_code = closure_code
        fresh.duplicate_of = duplicate_of

    return run_transition(
        incident,
        "complete_as_invalid",
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        prepare=prepare,
        after=lambda t: add_comment(t, body=reason, is_public=True, author=actor),
    )


def why_not_duplicate(incident: Incident, original: Incident | None) -> str:
    """Why `incident` cannot be completed as a duplicate of `original` ("" if it can)."""
    if original is None:
        return _("Name the original ticket.")
    if original.pk == incident.pk:
        return _("A ticket cannot be a duplicate of itself.")
    if original.organisation_id != incident.organisation_id:
        return _("The original must be a ticket of the same organisation.")
    if original.duplicate_of_id is not None:
        return _("%(number)s is itself a duplicate: name its original, %(original)s.") % {
            "number": original.number,
            "original": original.duplicate_of.number if original.duplicate_of else "",
        }
    return ""


def incident_confirm(
    *,
    incident: Incident,
    actor,
    on_behalf_of: Contact | None = None,
    expected_version=None,
) -> Incident:
    """The contact is satisfied: they confirm themselves, or an agent records the answer
    they gave by phone `on_behalf_of` them."""
    if on_behalf_of is not None:
        _check_speaks_for(incident, on_behalf_of)
        return run_transition(
            incident,
            "confirm_on_behalf",
            actor=actor,
            reason=_("Confirmed by phone on behalf of %(contact)s")
            % {"contact": on_behalf_of.name},
            expected_version=expected_version,
        )
    return run_transition(
        incident,
        "confirm",
        actor=actor,
        reason=_("Resolution confirmed"),
        expected_version=expected_version,
    )


def incident_reject_resolution(
    *,
    incident: Incident,
    reason: str,
    actor,
    on_behalf_of: Contact | None = None,
    expected_version=None,
) -> Incident:
    """The contact is not satisfied (themselves, or by phone `on_behalf_of` them): their
    words become a public comment and the ticket is reworked."""
    reason = clean_text(reason)
    if not reason:
        raise ValidationError({"reason": _("Say what is still wrong.")})
    name, speaker = "reject_resolution", None
    if on_behalf_of is not None:
        _check_speaks_for(incident, on_behalf_of)
        name, speaker = "reject_on_behalf", on_behalf_of
        reason = _("Rejected by phone on behalf of %(contact)s: %(reason)s") % {
            "contact": on_behalf_of.name,
            "reason": reason,
        }
    return run_transition(
        incident,
        name,
        actor=actor,
        reason=reason,
        expected_version=expected_version,
        after=lambda t: add_comment(
            t, body=reason, is_public=True, author=actor, author_contact=speaker
        ),
    )


def _check_speaks_for(incident: Incident, contact: Contact) -> None:
    """Only an active, authorised contact of the ticket's organisation decides on it."""
    if contact.organisation_id != incident.organisation_id or not contact.may_raise:
        raise ValidationError(
            {
                "on_behalf_of": _("%(name)s may not decide on this customer's tickets.")
                % {"name": contact.name}
            }
        )
