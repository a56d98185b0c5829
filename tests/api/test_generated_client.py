"""What an integrator does: generate a Python client from /api/v1/openapi.json with
openapi-python-client (as the README says), import it, and work tickets with it against
a running desk: open one, list, read and comment on it, and read the errors."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

from incidents.models import Comment, Incident
from tests.api.conftest import issue_api_token

pytestmark = [pytest.mark.client, pytest.mark.django_db(transaction=True)]

PACKAGE = "desk_client"
GENERATOR = Path(sys.executable).with_name("openapi-python-client")


@pytest.fixture
def desk_client(live_server, tmp_path, monkeypatch):
    """The generated package. Its post-generation hooks (ruff) are off: nothing but the
    running desk is needed, and a warning fails the generation."""
    config = tmp_path / "config.json"
    config.write_text('{"post_hooks": []}')
    subprocess.run(
        [
            GENERATOR,
            "generate",
            f"--url={live_server.url}/api/v1/openapi.json",
            "--meta=none",
            f"--config={config}",
            f"--output-path={tmp_path / PACKAGE}",
            "--fail-on-warning",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    yield importlib.import_module(PACKAGE)
    for name in [name for name in sys.modules if name.partition(".")[0] == PACKAGE]:
        del sys.modules[name]


def test_a_generated_client_opens_lists_reads_and_comments_on_tickets(
    desk_client, live_server, contact_a
):
    from desk_client.api.tickets import comment_ticket, create_ticket, get_ticket, list_tickets
    from desk_client.models import CommentIn, ErrorOut, Kind, Status, TicketIn

    token = issue_api_token(contact=contact_a.contact, name="Customer A's ITSM")
    client = desk_client.AuthenticatedClient(base_url=live_server.url, token=token)

    answer = create_ticket.sync_detailed(
        client=client, body=TicketIn(title="Printer on fire", kind=Kind.INCIDENT, urgency=2)
    )
    assert answer.status_code == 201
    opened = answer.parsed
    assert opened.status is Status.REGISTERED and opened.urgency == 2

    page = list_tickets.sync(client=client, status=[Status.REGISTERED, Status.ASSIGNED])
    assert [ticket.number for ticket in page.items] == [opened.number]
    assert page.next_cursor is None

    comment = comment_ticket.sync(
        opened.number, client=client, body=CommentIn(body="It is the one on floor 2.")
    )
    assert comment.is_public is True

    ticket = get_ticket.sync(opened.number, client=client)
    assert ticket.title == "Printer on fire"
    assert [c.body for c in ticket.comments] == ["It is the one on floor 2."]
    assert Comment.objects.filter(incident__number=opened.number, is_public=True).exists()

    missing = get_ticket.sync("INC-999999", client=client)
    assert isinstance(missing, ErrorOut) and missing.detail == "Not found."
    invalid = create_ticket.sync(client=client, body=TicketIn(title=" "))
    assert isinstance(invalid, ErrorOut) and "title" in invalid.errors.additional_properties
    anonymous = desk_client.AuthenticatedClient(base_url=live_server.url, token="sdk_wrong")
    refused = list_tickets.sync_detailed(client=anonymous)
    assert refused.status_code == 401 and isinstance(refused.parsed, ErrorOut)
    assert Incident.objects.count() == 1
