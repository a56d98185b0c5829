"""What a contact does on their ticket in the portal, beyond comments."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from incidents.models import Incident, SatisfactionRating, Status
from incidents.services._runner import lock_ticket, save_ticket
from incidents.services.comments import add_comment
from incidents.signals import urgency_raise_requested
from servicedesk.models import Contact, Urgency
from servicedesk.roles import contact_of
from servicedesk.sanitise import clean_text
from servicedesk.workflow import after_commit, copy_into, record_history


def _portal_contact(incident: Incident, actor) -> Contact:
    """The acting contact of the ticket's organisation who may act on tickets; contacts
    who are not authorised to open tickets can read them, nothing more."""
    contact = contact_of(actor)
    if contact is None or contact.organisation_id != incident.organisation_id:
        raise PermissionDenied(_("Only the customer's contacts may do this."))
    if not contact.may_raise:
        raise PermissionDenied(_("You are not authorised to open or change tickets."))
    return contact


def incident_request_urgency(*, incident: Incident, urgency: int, reason: str, actor) -> Incident:
    """The contact asks support to raise the urgency, saying why. It is recorded as a
    public comment and as `requested_urgency`; urgency and priority change only when
    support applies it (incident_classify, which also clears the request)."""
    _portal_contact(incident, actor)
    reason = clean_text(reason)
    errors = {}
    try:
        urgency = Urgency(int(urgency))
    except (TypeError, ValueError):
        errors["urgency"] = _("Choose an urgency.")
    if not reason:
        errors["reason"] = _("Say why it has become more urgent.")
    with transaction.atomic():
        fresh = lock_ticket(incident)
        if not fresh.is_open:
            raise ValidationError(_("Only an open ticket's urgency can be raised."))
        if "urgency" not in errors and urgency >= fresh.urgency:
            errors["urgency"] = _(
                "Choose an urgency higher than the current one (%(current)s)."
            ) % {"current": fresh.get_urgency_display()}
        if errors:
            raise ValidationError(errors)
        fresh.requested_urgency = urgency
        text = _("Please raise the urgency to %(urgency)s. %(reason)s") % {
            "urgency": Urgency(urgency).label,
            "reason": reason,
        }
        # No new version: the agents' open forms stay valid; support decides separately.
        save_ticket(
            fresh,
            actor=actor,
            reason=text,
            fields=["requested_urgency", "updated_at"],
            bump=False,
        )
        comment = add_comment(fresh, body=text, is_public=True, author=actor)
        after_commit(
            fresh,
            lambda ticket: urgency_raise_requested.send(
                sender=Incident, incident=ticket, comment=comment, actor=actor
            ),
        )
    copy_into(incident, fresh)
    return fresh


def incident_rate(
    *, incident: Incident, score: int, actor, comment: str = ""
) -> SatisfactionRating:
    """The contact's satisfaction with a closed ticket, 1 (very dissatisfied) to 5 (very
    satisfied): once per ticket."""
    _portal_contact(incident, actor)
    try:
        score = SatisfactionRating.Score(int(score))
    except (TypeError, ValueError):
        raise ValidationError({"score": _("Choose from 1 to 5.")}) from None
    with transaction.atomic():
        fresh = lock_ticket(incident)
        if fresh.status != Status.CLOSED:
            raise ValidationError(_("A ticket can be rated once it is closed."))
        if SatisfactionRating.objects.filter(incident=fresh).exists():
            raise ValidationError(_("This ticket has already been rated."))
        rating = SatisfactionRating(
            incident=fresh, score=score, comment=clean_text(comment), rated_by=actor
        )
        record_history(rating, actor=actor)
        rating.save()
    return rating
