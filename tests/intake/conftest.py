"""Inbound email: messages are built with the stdlib (or by hand, byte for byte, where the
wire format is the point), stored under a private media root, and ingested as a mail
server's pipe would hand them over."""

import itertools
from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from django.utils import timezone

from incidents.intake import email as intake
from tests.factories import ContactFactory

_ids = itertools.count(1)


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    """Raw messages and attachments land in this test's own directory."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def alice(contact_a):
    """Organisation A's authorised contact (alice@a.test), with a portal login."""
    return contact_a.contact


@pytest.fixture
def carol(org_a):
    """Organisation A's authorised contact without a portal login."""
    return ContactFactory(organisation=org_a, name="Carol Nologin", email="carol@a.test")


def make_email(
    *,
    sender="Alice Customer <alice@a.test>",
    to="servicedesk@localhost",
    subject="Mail server down",
    body="The mail server does not answer since 09:00.",
    html=None,
    message_id=True,
    headers=None,
    attachments=(),
) -> bytes:
    """A message as bytes. `message_id=True` gives a fresh one, a string sets it, and
    None leaves it out; `attachments` are (name, content type, bytes)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(timezone.now())
    if message_id is True:
        message["Message-ID"] = f"<test-{next(_ids)}@customer.test>"
    elif message_id:
        message["Message-ID"] = message_id
    for name, value in (headers or {}).items():
        message[name] = value
    if body is not None:
        message.set_content(body)
    if html is not None:
        if body is None:
            message.set_content(html, subtype="html")
        else:
            message.add_alternative(html, subtype="html")
    for name, content_type, data in attachments:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return message.as_bytes()


@pytest.fixture
def ingest(django_capture_on_commit_callbacks):
    """Ingest raw bytes as if the transaction committed (notifications are queued and
    sent), returning the IngestResult."""

    def run(raw: bytes, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return intake.ingest_message(raw, **kwargs)

    return run
