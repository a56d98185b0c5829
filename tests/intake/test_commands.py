"""`manage.py ingest_email` on a mail server's pipe: exit 0 once the message is stored
(whatever it became), 75 (EX_TEMPFAIL) when it could not be stored, so the mail server
keeps it and tries again. Run through ManagementUtility to see the real exit status."""

import io
from unittest import mock

import pytest
from django.core.management import ManagementUtility, call_command
from django.db import OperationalError, connection

from incidents.intake.models import InboundEmail
from incidents.models import Incident
from servicedesk.models import Notification
from tests.intake.conftest import make_email

pytestmark = pytest.mark.django_db

Q = InboundEmail.Status


def run(argv: list[str], stdin: bytes = b"") -> int:
    """Run a command as `manage.py` would and return its exit status."""
    fake_stdin = io.TextIOWrapper(io.BytesIO(stdin))
    # run_from_argv closes every connection when it ends; the test's must stay open.
    with (
        mock.patch("sys.stdin", fake_stdin),
        mock.patch("django.core.management.base.connections.close_all"),
    ):
        try:
            ManagementUtility(["manage.py", *argv]).execute()
        except SystemExit as exit:
            # As the interpreter maps it: None is 0, a number itself, anything else 1.
            if exit.code is None or isinstance(exit.code, int):
                return exit.code or 0
            return 1
    return 0


class TestIngestEmail:
    def test_a_stored_message_exits_0(self, alice):
        assert run(["ingest_email"], make_email()) == 0
        assert InboundEmail.objects.get().status == Q.TICKET_CREATED
        assert Incident.objects.count() == 1

    def test_a_quarantined_message_exits_0(self, alice):
        assert run(["ingest_email"], make_email(sender="who@unknown.test")) == 0
        assert InboundEmail.objects.get().status == Q.QUARANTINED

    def test_ignored_automatic_mail_exits_0(self, alice):
        raw = make_email(headers={"Auto-Submitted": "auto-replied"})
        assert run(["ingest_email"], raw) == 0
        assert InboundEmail.objects.get().status == Q.IGNORED_AUTO

    def test_the_same_message_piped_twice_exits_0_and_makes_one_ticket(self, alice):
        raw = make_email(message_id="<piped@a.test>")
        assert run(["ingest_email"], raw) == 0
        assert run(["ingest_email"], raw) == 0
        assert Incident.objects.count() == 1

    def test_garbage_on_stdin_is_stored_and_exits_0(self):
        assert run(["ingest_email"], b"\x00garbage\xff" * 10) == 0
        assert InboundEmail.objects.get().status == Q.QUARANTINED

    def test_the_database_being_unavailable_exits_75(self, alice, capsys):
        down = OperationalError("could not connect to server: Connection refused")
        with mock.patch.object(connection, "ensure_connection", side_effect=down):
            status = run(["ingest_email"], make_email())
        assert status == 75
        assert "Temporary failure" in capsys.readouterr().err
        assert not InboundEmail.objects.exists()

    def test_a_failure_while_storing_exits_75_and_leaves_no_file(self, alice, private_media):
        down = OperationalError("server closed the connection unexpectedly")
        with mock.patch.object(InboundEmail, "save", side_effect=down):
            assert run(["ingest_email"], make_email()) == 75
        assert not InboundEmail.objects.exists()
        assert not Incident.objects.exists()
        assert list(private_media.rglob("*.eml")) == []

    def test_an_oversized_message_is_refused_exits_0_and_says_why(self, alice, settings, capsys):
        settings.EMAIL_MAX_MESSAGE_BYTES = 5000
        raw = make_email(attachments=[("big.bin", "application/octet-stream", b"x" * 10000)])
        assert run(["ingest_email"], raw) == 0
        assert "message refused: Refused: the message is" in capsys.readouterr().err
        email = InboundEmail.objects.get()
        assert (email.status, email.size, bool(email.raw)) == (Q.REJECTED, len(raw), False)
        assert Notification.objects.filter(event="email_refused").count() == 1

    def test_a_delivery_writes_nothing_to_the_pipe_and_logs_to_the_file(
        self, alice, capsys, settings, tmp_path
    ):
        settings.INGEST_EMAIL_LOG = str(tmp_path / "log" / "ingest_email.log")
        assert run(["ingest_email"], make_email(message_id="<quiet@a.test>")) == 0
        assert capsys.readouterr() == ("", "")
        assert (
            "ingest_email: ticket_created: <quiet@a.test>"
            in (tmp_path / "log" / "ingest_email.log").read_text()
        )

    def test_a_temporary_failure_is_one_plain_line_and_the_details_go_to_the_log(
        self, alice, capsys, settings, tmp_path
    ):
        log = tmp_path / "ingest_email.log"
        settings.INGEST_EMAIL_LOG = str(log)
        down = OperationalError("could not connect to server: Connection refused")
        with mock.patch.object(connection, "ensure_connection", side_effect=down):
            assert run(["ingest_email"], make_email()) == 75
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err and "Connection refused" not in err
        assert "Traceback" in log.read_text() and "Connection refused" in log.read_text()

    def test_the_console_log_is_back_afterwards(self, alice, settings, tmp_path):
        import logging

        settings.INGEST_EMAIL_LOG = str(tmp_path / "ingest_email.log")
        run(["ingest_email"], make_email())
        root = logging.getLogger().handlers
        assert not any(isinstance(h, logging.FileHandler) for h in root)
        assert any(type(h) is logging.StreamHandler for h in root)

    def test_verbose_output_names_the_outcome(self, alice, capsys):
        run(["ingest_email", "--verbosity", "2"], make_email(message_id="<v@a.test>"))
        assert capsys.readouterr().out.startswith("ticket_created: <v@a.test>")


class TestPollMailbox:
    def test_without_mailboxes_it_says_so(self):
        out = io.StringIO()
        call_command("poll_mailbox", stdout=out)
        assert "No active mailbox" in out.getvalue()

    def test_an_unknown_mailbox_name_is_an_error(self):
        assert run(["poll_mailbox", "--mailbox", "nope"]) == 1
