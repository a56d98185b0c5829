"""Related tickets ("see also", both ways) and merging a ticket into another: its
comments and attachments move to the kept ticket, and it is completed as a duplicate of
it, which tells its contact once (the status mail, with the explanation)."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import TransitionNotAllowed

from incidents import rules
from incidents.models import Attachment, ClosureCode, Comment, Incident, TicketLink
from incidents.services._runner import lock_ticket
from incidents.services.comments import add_comment
from incidents.services.work import incident_complete_as_invalid, why_not_duplicate
from servicedesk.sanitise import clean_text
from servicedesk.workflow import Actor, person, record_history


def _check_agent(incident: Incident, actor: Actor) -> None:
    if not rules.can_triage(incident, actor):
        raise PermissionDenied(_("Only support staff may link or merge tickets."))


def incident_link_related(*, incident: Incident, other: Incident, actor: Actor) -> TicketLink:
    """Mark two tickets as related (linking them again changes nothing)."""
    _check_agent(incident, actor)
    if other.pk == incident.pk:
        raise ValidationError({"number": _("A ticket cannot be related to itself.")})
    with transaction.atomic():
        existing = TicketLink.objects.between(incident, other).first()
        if existing is not None:
            return existing
        link = TicketLink(from_ticket=incident, to_ticket=other, linked_by=person(actor))
        record_history(link, actor=actor)
        link.save()
    return link


def incident_unlink_related(*, incident: Incident, link: TicketLink, actor: Actor) -> None:
    _check_agent(incident, actor)
    if incident.pk not in (link.from_ticket_id, link.to_ticket_id):
        raise ValidationError(_("This link is not one of the ticket's."))
    record_history(link, actor=actor)
    link.delete()


def incident_merge(*, incident: Incident, into: Incident, reason: str, actor: Actor) -> Incident:
    """Merge `incident` into `into` (a ticket of the same organisation that is still
    open): its comments and attachments move to `into`, a note on both says so, and
    `incident` is completed as a duplicate of `into` with `reason` for its contact."""
    _check_agent(incident, actor)
    reason = clean_text(reason) or _("We carry on with this in %(number)s.") % {
        "number": into.number
    }
    refusal = why_not_duplicate(incident, into)
    if refusal:
        raise ValidationError({"into": refusal})
    if into.is_final:
        raise ValidationError({"into": _("%(number)s is closed.") % {"number": into.number}})
    with transaction.atomic():
        kept = lock_ticket(into)
        comments = Comment.objects.filter(incident=incident)
        moved_comments = comments.count()
        moved_files = Attachment.objects.filter(incident=incident).update(incident=kept)
        comments.update(incident=kept)
        add_comment(
            kept,
            body=_(
                "Merged from %(number)s (%(title)s): %(comments)d comments and %(files)d "
                "attachments moved here."
            )
            % {
                "number": incident.number,
                "title": incident.title,
                "comments": moved_comments,
                "files": moved_files,
            },
            is_public=False,
            author=person(actor),
        )
        try:
            done = incident_complete_as_invalid(
                incident=incident,
                closure_code=ClosureCode.DUPLICATE,
                duplicate_of=kept,
                reason=reason,
                actor=actor,
            )
        except TransitionNotAllowed as refused:
            # Only a ticket nobody works on yet is merged away (the comments stay).
            raise ValidationError({"into": str(refused)}) from refused
    return done
