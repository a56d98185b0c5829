"""What an uploaded file is, by its first bytes: the browser's word is not taken, so a
script named .png is never shown inline as an image."""

from django.core.files.uploadedfile import UploadedFile

SIGNATURES = [
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
]
DEFAULT = "application/octet-stream"


def sniff_content_type(upload: UploadedFile) -> str:
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    for signature, content_type in SIGNATURES:
        if head.startswith(signature):
            return content_type
    return DEFAULT
