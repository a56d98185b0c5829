"""Rules every uploaded file follows, whatever it is attached to (a ticket, an article)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
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
