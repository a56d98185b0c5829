"""Rules every uploaded file follows, whatever it is attached to (a ticket, an article)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


def validate_upload(upload: UploadedFile) -> None:
    """Refuse a file over ATTACHMENT_MAX_BYTES, as an error on the form's `files` field."""
    if (upload.size or 0) > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            {
                "files": _("%(name)s is larger than %(limit)s.")
                % {"name": upload.name, "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES)}
            }
        )


def serve_stored_file(file: FieldFile, *, name: str, inline_type: str = "") -> FileResponse:
    """A stored upload as a download, never rendered by the browser under the type it
    was sent with; only when `inline_type` is given (an image whose type was read from
    its bytes) is it shown inline as that type."""
    response = FileResponse(file.open("rb"), as_attachment=not inline_type, filename=name)
    response["Content-Type"] = inline_type or "application/octet-stream"
    response["X-Content-Type-Options"] = "nosniff"
    return response
