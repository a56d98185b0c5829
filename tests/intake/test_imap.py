"""`poll_mailbox` against a real IMAP server: a private Debian dovecot started for this
module on 127.0.0.1 and a free port, with its configuration, log and maildirs in a
temporary directory. Messages are put in with IMAP APPEND; a message leaves the server
only after its ticket was committed, so a poll killed half-way loses nothing and the
next poll makes no duplicate.

Skipped (with the reason) when the dovecot binary is missing: `apt-get install -y
dovecot-imapd`, as .ci/run does."""

import grp
import imaplib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from unittest import mock

import pytest
from django.db import connection

from incidents.intake import imap
from incidents.intake.models import InboundEmail, Mailbox
from incidents.models import Incident
from incidents.tasks import poll_mailboxes
from tests.intake.conftest import make_email

PASSWORD = "imap-test-secret"
DOVECOT = shutil.which("dovecot") or (
    "/usr/sbin/dovecot" if os.access("/usr/sbin/dovecot", os.X_OK) else None
)

pytestmark = [
    pytest.mark.skipif(
        DOVECOT is None,
        reason="dovecot is not installed: apt-get install -y dovecot-imapd (see .ci/run)",
    ),
    # poll_mailbox commits message by message, as in production.
    pytest.mark.django_db(transaction=True),
]

CONFIG = """\
# A private, throw-away dovecot for the test suite.
base_dir = {work}/run
state_dir = {work}/state
log_path = {log}
info_log_path = {log}
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_login_user = {login_user}
default_internal_user = {internal_user}
default_internal_group = {internal_group}
first_valid_uid = {uid}
first_valid_gid = {gid}
mail_location = maildir:{work}/mail/%u
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={work}/home/%u
}}
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Dovecot:
    def __init__(self, port: int, log: Path):
        self.port = port
        self.log = log

    def client(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        client.login(user, PASSWORD)
        return client

    def append(self, user: str, raw: bytes, folder: str = "INBOX") -> None:
        client = self.client(user)
        try:
            typ, data = client.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            client.logout()

    def messages(self, user: str, folder: str = "INBOX") -> list[tuple[bytes, bytes]]:
        """(flags, raw) of each message in the folder, expunged ones excluded."""
        client = self.client(user)
        try:
            typ, _ = client.select(imap.quote(folder))
            if typ != "OK":
                return []
            typ, data = client.uid("SEARCH", "ALL")
            found = []
            for uid in (data[0] or b"").split():
                typ, items = client.uid("FETCH", uid.decode(), "(FLAGS BODY.PEEK[])")
                meta, raw = items[0]
                found.append((meta, raw))
            return found
        finally:
            client.logout()


@pytest.fixture(scope="module")
def dovecot(tmp_path_factory):
    """A dovecot of our own. As root, its work directory must be reachable by the
    unprivileged users dovecot drops to, so it lives in a fresh /tmp directory; the
    configuration and log stay in the test's tmp path."""
    home = tmp_path_factory.mktemp("dovecot")
    if os.geteuid() == 0:
        mail_user = pwd.getpwnam("dovecot")
        login_user, internal_user = "dovenull", "dovecot"
        work = Path(tempfile.mkdtemp(prefix="servicedesk-dovecot-"))
        work.chmod(0o755)
    else:
        mail_user = pwd.getpwuid(os.geteuid())
        login_user = internal_user = mail_user.pw_name
        work = home / "work"
    for name in ("mail", "home"):
        (work / name).mkdir(parents=True)
        if os.geteuid() == 0:
            os.chown(work / name, mail_user.pw_uid, mail_user.pw_gid)
    port = free_port()
    log = home / "dovecot.log"
    config = home / "dovecot.conf"
    config.write_text(
        CONFIG.format(
            work=work,
            log=log,
            port=port,
            password=PASSWORD,
            login_user=login_user,
            internal_user=internal_user,
            internal_group=grp.getgrgid(pwd.getpwnam(internal_user).pw_gid).gr_name,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
        )
    )
    output = (home / "dovecot.out").open("wb")
    process = subprocess.Popen(
        [DOVECOT, "-F", "-c", str(config)], stdout=output, stderr=subprocess.STDOUT
    )
    server = Dovecot(port, log)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                server.client("probe").logout()
                break
            except (OSError, imaplib.IMAP4.error) as exc:
                if process.poll() is not None or time.monotonic() > deadline:
                    details = (home / "dovecot.out").read_text(errors="replace")
                    if log.exists():
                        details += log.read_text(errors="replace")
                    pytest.fail(f"dovecot did not start on port {port}: {exc}\n{details}")
                time.sleep(0.1)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
        if work != home / "work":
            shutil.rmtree(work, ignore_errors=True)


@pytest.fixture
def mailbox(dovecot, request):
    """A Mailbox row for a fresh IMAP user (one per test: a clean INBOX)."""
    user = f"desk-{request.node.name[:40]}-{time.monotonic_ns()}".replace("[", "-")
    user = "".join(ch for ch in user if ch.isalnum() or ch in "-_")[:60]
    return Mailbox.objects.create(
        name=user,
        host="127.0.0.1",
        port=dovecot.port,
        use_ssl=False,
        username=user,
        password=PASSWORD,
    )


def three_messages(dovecot, mailbox) -> list[bytes]:
    raws = [make_email(message_id=f"<poll-{n}@a.test>", subject=f"Problem {n}") for n in range(3)]
    for raw in raws:
        dovecot.append(mailbox.username, raw)
    return raws


class TestPolling:
    def test_each_message_becomes_a_ticket_and_is_then_deleted(self, dovecot, mailbox, alice):
        three_messages(dovecot, mailbox)
        result = imap.poll_mailbox(mailbox)

        assert (result.fetched, result.stored, result.removed) == (3, 3, 3)
        assert sorted(Incident.objects.values_list("title", flat=True)) == [
            "Problem 0",
            "Problem 1",
            "Problem 2",
        ]
        assert set(InboundEmail.objects.values_list("mailbox", flat=True)) == {mailbox.pk}
        assert dovecot.messages(mailbox.username) == []
        mailbox.refresh_from_db()
        assert mailbox.last_polled_at is not None
        assert mailbox.last_error == ""

    def test_a_second_poll_finds_nothing_new(self, dovecot, mailbox, alice):
        three_messages(dovecot, mailbox)
        imap.poll_mailbox(mailbox)
        again = imap.poll_mailbox(mailbox)
        assert (again.fetched, again.stored) == (0, 0)
        assert Incident.objects.count() == 3

    def test_move_mode_moves_processed_mail_to_its_folder_marked_seen(
        self, dovecot, mailbox, alice
    ):
        mailbox.after_processing = Mailbox.AfterProcessing.MOVE
        mailbox.processed_folder = "Processed by desk"
        mailbox.save()
        raws = three_messages(dovecot, mailbox)
        imap.poll_mailbox(mailbox)

        assert dovecot.messages(mailbox.username) == []
        moved = dovecot.messages(mailbox.username, "Processed by desk")
        assert len(moved) == 3
        for raw in raws:
            message_id = raw.split(b"Message-ID: ")[1].split(b"\n")[0].strip()
            assert any(message_id in moved_raw for _, moved_raw in moved)
        assert all(b"\\Seen" in flags for flags, _ in moved)
        assert Incident.objects.count() == 3

    def test_unknown_senders_are_quarantined_and_still_removed(self, dovecot, mailbox, alice):
        dovecot.append(mailbox.username, make_email(sender="who@unknown.test"))
        result = imap.poll_mailbox(mailbox)
        assert result.outcomes == {"quarantined": 1}
        assert InboundEmail.objects.get().status == InboundEmail.Status.QUARANTINED
        assert dovecot.messages(mailbox.username) == []

    def test_a_message_is_removed_only_after_its_ticket_was_committed(
        self, dovecot, mailbox, alice
    ):
        seen = []
        original = imap.mark_processed

        def checking(client, box, uid):
            # What a second connection would see: the record and its ticket, committed.
            assert not connection.in_atomic_block
            stored = InboundEmail.objects.order_by("-pk").first()
            seen.append((stored.status, stored.incident_id is not None))
            return original(client, box, uid)

        three_messages(dovecot, mailbox)
        with mock.patch.object(imap, "mark_processed", side_effect=checking):
            imap.poll_mailbox(mailbox)
        assert seen == [(InboundEmail.Status.TICKET_CREATED, True)] * 3

    def test_a_poll_killed_half_way_loses_nothing_and_the_next_makes_no_duplicate(
        self, dovecot, mailbox, alice
    ):
        three_messages(dovecot, mailbox)
        original = imap.mark_processed
        calls = []

        def dies_on_the_second(client, box, uid):
            calls.append(uid)
            if len(calls) == 2:
                raise ConnectionResetError("killed half-way")
            return original(client, box, uid)

        with (
            mock.patch.object(imap, "mark_processed", side_effect=dies_on_the_second),
            pytest.raises(ConnectionResetError),
        ):
            imap.poll_mailbox(mailbox)

        # The first message is done; the second was committed but is still on the
        # server; the third was never fetched.
        assert Incident.objects.count() == 2
        assert len(dovecot.messages(mailbox.username)) == 2
        mailbox.refresh_from_db()
        assert "killed half-way" in mailbox.last_error

        result = imap.poll_mailbox(mailbox)
        assert (result.fetched, result.duplicates, result.stored) == (2, 1, 1)
        assert sorted(Incident.objects.values_list("title", flat=True)) == [
            "Problem 0",
            "Problem 1",
            "Problem 2",
        ]
        assert InboundEmail.objects.count() == 3
        assert dovecot.messages(mailbox.username) == []

    def test_a_failure_before_the_commit_leaves_the_message_on_the_server(
        self, dovecot, mailbox, alice
    ):
        from django.db import OperationalError

        three_messages(dovecot, mailbox)
        with (
            mock.patch.object(InboundEmail, "save", side_effect=OperationalError("db gone")),
            pytest.raises(OperationalError),
        ):
            imap.poll_mailbox(mailbox)
        assert not InboundEmail.objects.exists()
        assert len(dovecot.messages(mailbox.username)) == 3
        # Nothing was marked read either (BODY.PEEK).
        assert all(b"\\Seen" not in flags for flags, _ in dovecot.messages(mailbox.username))
        imap.poll_mailbox(mailbox)
        assert Incident.objects.count() == 3

    def test_an_oversized_message_is_refused_from_its_headers_and_removed(
        self, dovecot, mailbox, alice, settings
    ):
        settings.EMAIL_MAX_MESSAGE_BYTES = 4000
        raw = make_email(attachments=[("big.bin", "application/octet-stream", b"x" * 8000)])
        dovecot.append(mailbox.username, raw)
        imap.poll_mailbox(mailbox)
        email = InboundEmail.objects.get()
        assert email.status == InboundEmail.Status.REJECTED
        assert email.subject == "Mail server down"
        assert not email.raw
        assert dovecot.messages(mailbox.username) == []

    def test_wrong_credentials_are_recorded_on_the_mailbox(self, dovecot, mailbox):
        mailbox.password = "wrong"
        mailbox.save()
        with pytest.raises(imap.MailboxError):
            imap.poll_mailbox(mailbox)
        mailbox.refresh_from_db()
        assert "MailboxError" in mailbox.last_error

    def test_polling_inside_a_transaction_is_refused(self, mailbox):
        from django.db import transaction

        with transaction.atomic(), pytest.raises(RuntimeError):
            imap.poll_mailbox(mailbox)


class TestTheBeatTaskAndTheCommand:
    def test_the_task_polls_every_active_mailbox(self, dovecot, mailbox, alice):
        inactive = Mailbox.objects.create(
            name="inactive",
            host="127.0.0.1",
            port=dovecot.port,
            use_ssl=False,
            username=f"{mailbox.username}-off",
            password=PASSWORD,
            is_active=False,
        )
        dovecot.append(mailbox.username, make_email(subject="Via beat"))
        dovecot.append(inactive.username, make_email(subject="Not polled"))
        summaries = poll_mailboxes.delay().get()
        assert len(summaries) == 1
        assert list(Incident.objects.values_list("title", flat=True)) == ["Via beat"]

    def test_one_broken_mailbox_does_not_stop_the_others(self, dovecot, mailbox, alice):
        Mailbox.objects.create(
            name="aaa-broken",
            host="127.0.0.1",
            port=free_port(),  # nothing listens here
            use_ssl=False,
            username="x",
            password="x",
        )
        dovecot.append(mailbox.username, make_email(subject="Still arrives"))
        poll_mailboxes.delay().get()
        assert Incident.objects.get().title == "Still arrives"
        assert Mailbox.objects.get(name="aaa-broken").last_error

    def test_the_command_polls_and_reports(self, dovecot, mailbox, alice, capsys):
        from django.core.management import call_command

        dovecot.append(mailbox.username, make_email())
        call_command("poll_mailbox", "--mailbox", mailbox.name)
        assert "1 fetched, 1 stored" in capsys.readouterr().out
        assert Incident.objects.count() == 1
