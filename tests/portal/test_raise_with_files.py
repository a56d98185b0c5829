"""Raising a portal ticket with attachments in one step (issue 7, friction): the raise
form takes files, they land on the ticket with it (in one transaction), the portal
ticket shows them, and a file over the limit is refused next to the field."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incidents.models import Incident
from tests.portal.conftest import field_html
from tests.portal.test_raise import valid_post

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def files():
    return [
        SimpleUploadedFile("screen.png", b"\x89PNG...", content_type="image/png"),
        SimpleUploadedFile("log.txt", b"error 502", content_type="text/plain"),
    ]


def test_the_form_takes_files(client, contact_a, service):
    client.force_login(contact_a)
    page = client.get(reverse("portal:raise", args=[service.pk])).content.decode()
    assert 'enctype="multipart/form-data"' in page
    assert 'type="file" name="files"' in field_html(page, "files")


def test_the_files_land_on_the_new_ticket_and_are_shown(client, contact_a, service):
    client.force_login(contact_a)
    response = client.post(
        reverse("portal:raise", args=[service.pk]), valid_post(service, files=files())
    )
    assert response.status_code == 302
    incident = Incident.objects.get()
    stored = incident.attachments.order_by("original_name")
    assert [a.original_name for a in stored] == ["log.txt", "screen.png"]
    assert {a.uploaded_by for a in stored} == {contact_a}
    page = client.get(response["Location"]).content.decode()
    for attachment in stored:
        link = reverse("incidents:attachment", args=[incident.number, attachment.pk])
        assert f'href="{link}"' in page
        assert client.get(link).status_code == 200


def test_a_file_over_the_limit_is_refused_next_to_the_field(client, contact_a, service, settings):
    settings.ATTACHMENT_MAX_BYTES = 5
    client.force_login(contact_a)
    response = client.post(
        reverse("portal:raise", args=[service.pk]),
        valid_post(service, title="Keep my summary", files=files()),
    )
    assert response.status_code == 422
    page = response.content.decode()
    assert "larger than" in field_html(page, "files")
    assert 'value="Keep my summary"' in page
    assert not Incident.objects.exists()


def test_a_double_submit_with_files_stores_them_once(client, contact_a, service):
    client.force_login(contact_a)
    url = reverse("portal:raise", args=[service.pk])
    client.post(url, valid_post(service, submission="c" * 32, files=files()))
    client.post(url, valid_post(service, submission="c" * 32, files=files()))
    assert Incident.objects.get().attachments.count() == 2
