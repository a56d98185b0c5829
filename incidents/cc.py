"""Copies of the contact's mail to other contacts of the ticket's organisation (CC).

Agents add and remove them on the ticket page; the rules live here: only agents, only
active contacts of the ticket's own organisation with an address, not the ticket's
contact, each contact once, not on a closed ticket. Each change is in the CC's history
(who and why) and as a work note on the ticket's timeline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from incidents.models import Incident, TicketCc
from incidents.services.comments import add_comment
from servicedesk.models import Contact
from servicedesk.roles import is_agent
from servicedesk.workflow import record_history, save_with_history


def cc_for(incident: Incident) -> QuerySet[TicketCc]:
    """The ticket's CCs with their contacts, in one query."""
    return incident.cc_entries.select_related("contact").order_by("created_at", "pk")


def cc_candidates(incident: Incident) -> QuerySet[Contact]:
    """Contacts an agent may add: active, with an address, of the ticket's organisation,
    neither the ticket's contact nor already CC'd."""
    return (
        Contact.objects.filter(organisation_id=incident.organisation_id, is_active=True)
        .exclude(email="")
        .exclude(pk=incident.contact_id)
        .exclude(pk__in=incident.cc_entries.values("contact_id"))
        .order_by("name", "pk")
    )


def cc_recipients(incident: Incident) -> list[Contact]:
    """The contacts who get a copy now (active, with an address)."""
    return [
        entry.contact
        for entry in cc_for(incident)
        if entry.contact.is_active and entry.contact.email
    ]


def incident_cc_add(*, incident: Incident, contact: Contact, actor) -> TicketCc:
    _check_agent(actor)
    errors = []
    if incident.is_final:
        errors.append(_("The ticket is closed: its CCs can no longer change."))
    elif contact.organisation_id != incident.organisation_id:
        errors.append(_("Only contacts of the ticket's organisation can be copied."))
    elif not contact.is_active or not contact.email:
        errors.append(_("%(name)s has no active address.") % {"name": contact.name})
    elif contact.pk == incident.contact_id:
        errors.append(_("%(name)s is the ticket's contact already.") % {"name": contact.name})
    elif TicketCc.objects.filter(incident=incident, contact=contact).exists():
        errors.append(_("%(name)s is copied already.") % {"name": contact.name})
    if errors:
        raise ValidationError({"contact": errors})
    with transaction.atomic():
        entry = TicketCc(incident=incident, contact=contact, added_by=actor)
        save_with_history(entry, actor=actor, reason=_("CC added"))
        _note(incident, actor, _("%(name)s <%(email)s> added to CC.") % _who(contact))
    return entry


def incident_cc_remove(*, incident: Incident, entry_id: int, actor) -> None:
    _check_agent(actor)
    with transaction.atomic():
        entry = (
            TicketCc.objects.select_related("contact")
            .filter(incident=incident, pk=entry_id)
            .first()
        )
        if entry is None:
            raise ValidationError({"contact": _("This contact is not copied on the ticket.")})
        record_history(entry, actor=actor, reason=_("CC removed"))
        entry.delete()
        _note(incident, actor, _("%(name)s <%(email)s> removed from CC.") % _who(entry.contact))


def _who(contact: Contact) -> dict[str, str]:
    return {"name": contact.name, "email": contact.email}


def _check_agent(actor) -> None:
    if not is_agent(actor):
        raise PermissionDenied(_("Only support staff may change who is copied."))


def _note(incident: Incident, actor, text: str) -> None:
    add_comment(incident, body=text, is_public=False, author=actor)
