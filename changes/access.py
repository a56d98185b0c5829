"""One place decides who may see which change, so no view can forget it."""

from django.core.exceptions import PermissionDenied
from django.http import Http404

from changes import rules
from changes.models import ChangeRequest
from servicedesk.access import role_required

#: A view decorator: changes are for staff (never a contact); everyone else gets 403.
reader_required = role_required(rules.may_read)


def get_change_for(user, number: str) -> ChangeRequest:
    """The change if this user may read it, else 403 (contacts, users without a role)
    or 404 (no such number), with what its page shows joined in."""
    if not rules.may_read(user):
        raise PermissionDenied
    change = (
        ChangeRequest.objects.select_related("template", "requested_by", "implementer")
        .filter(number=number.upper())
        .first()
    )
    if change is None:
        raise Http404
    return change
