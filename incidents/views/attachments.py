"""Attachments are stored outside the served files and streamed only to those who may
see the ticket, always as a download so nothing uploaded runs in our origin."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from incidents.access import get_incident_for
from servicedesk.http import AuthenticatedHttpRequest
from servicedesk.uploads import serve_stored_file


@require_GET
def download(request: AuthenticatedHttpRequest, number: str, pk: int) -> FileResponse:
    incident = get_incident_for(request.user, number)
    attachment = incident.attachments.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    comment = attachment.comment
    if comment is not None and not comment.is_public and _is_contact(request.user):
        raise Http404
    return serve_stored_file(attachment.file, name=attachment.original_name)


def _is_contact(user) -> bool:
    from servicedesk.roles import contact_of

    return contact_of(user) is not None
