"""Reading messages as they really arrive: multipart, quoted-printable, base64, legacy
charsets, HTML only, attachments only, and input that is simply broken. The byte
strings are written out by hand where the wire format is the point."""

import base64
import quopri

import pytest

from incidents.intake import mime
from incidents.models import Incident
from tests.intake.conftest import make_email

LIMIT = 10 * 1024 * 1024


def parse(raw: bytes) -> mime.ParsedEmail:
    return mime.parse(raw, attachment_max_bytes=LIMIT)


def single(charset: str, payload: bytes, encoding: str = "8bit", subject=b"Test") -> bytes:
    return (
        b"From: Alice <alice@a.test>\r\nTo: desk@localhost\r\nSubject: " + subject + b"\r\n"
        b"Message-ID: <m1@a.test>\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=" + charset.encode() + b"\r\n"
        b"Content-Transfer-Encoding: " + encoding.encode() + b"\r\n\r\n" + payload
    )


class TestCharsets:
    def test_latin_1(self):
        parsed = parse(single("iso-8859-1", "Grüße aus Köln, 5 °C".encode("latin-1")))
        assert parsed.text == "Grüße aus Köln, 5 °C"

    def test_windows_1252(self):
        text = "“Quoted” – dash … and € sign"
        assert parse(single("windows-1252", text.encode("cp1252"))).text == text

    def test_iso_2022_jp(self):
        text = "サーバーが応答しません"
        raw = single("iso-2022-jp", text.encode("iso-2022-jp"), encoding="7bit")
        assert parse(raw).text == text

    def test_quoted_printable_utf8(self):
        text = "Zeile mit Umlauten: äöü, and a very long line " + "x" * 100
        payload = quopri.encodestring(text.encode("utf-8"))
        parsed = parse(single("utf-8", payload, encoding="quoted-printable"))
        assert parsed.text == text

    def test_base64(self):
        payload = base64.encodebytes("Base64 body – ok".encode())
        assert parse(single("utf-8", payload, encoding="base64")).text == "Base64 body – ok"

    def test_an_encoded_word_subject_is_decoded(self):
        raw = single("utf-8", b"x", subject=b"=?iso-8859-1?q?Drucker_f=E4llt_aus?=")
        assert parse(raw).subject == "Drucker fällt aus"

    def test_a_mislabelled_charset_falls_back_instead_of_failing(self):
        # Declared UTF-8, written in Windows-1252 (a common client bug).
        parsed = parse(single("utf-8", "Café – naïve".encode("cp1252")))
        assert parsed.text == "Café – naïve"

    def test_an_unknown_charset_falls_back(self):
        parsed = parse(single("x-no-such-charset", "plain ascii and é".encode()))
        assert parsed.text == "plain ascii and é"
        assert parsed.error == ""

    def test_eight_bit_text_without_a_charset(self):
        raw = (
            b"From: alice@a.test\r\nSubject: x\r\nMessage-ID: <m2@a.test>\r\n\r\n"
            + "Grüße".encode("latin-1")
        )
        assert parse(raw).text == "Grüße"


class TestStructure:
    def test_multipart_alternative_prefers_the_plain_text(self):
        parsed = parse(make_email(body="Plain.", html="<p>Rich <b>text</b></p>"))
        assert parsed.text == "Plain."
        assert parsed.html.strip() == "<p>Rich <b>text</b></p>"
        assert parsed.attachments == []

    def test_html_only_is_converted_to_text(self):
        html = "<p>First</p><p>Second<br>line&nbsp;&amp; more</p><style>p{}</style>"
        assert parse(make_email(body=None, html=html)).text == "First\nSecond\nline & more"

    def test_nested_multipart_with_attachments(self):
        raw = (
            b"From: alice@a.test\r\nSubject: nested\r\nMessage-ID: <n1@a.test>\r\n"
            b"MIME-Version: 1.0\r\n"
            b'Content-Type: multipart/mixed; boundary="outer"\r\n\r\n'
            b"--outer\r\n"
            b'Content-Type: multipart/alternative; boundary="inner"\r\n\r\n'
            b"--inner\r\nContent-Type: text/plain; charset=utf-8\r\n"
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
            b"Hello =E2=80=93 see the log.\r\n"
            b"--inner\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"
            b"<p>Hello &ndash; see the log.</p>\r\n"
            b"--inner--\r\n"
            b"--outer\r\nContent-Type: text/plain; name=app.log\r\n"
            b"Content-Disposition: attachment; filename*=utf-8''f%C3%BCr%20dich.log\r\n\r\n"
            b"line 1\r\n"
            b"--outer\r\nContent-Type: message/rfc822\r\n\r\n"
            b"From: x@y.test\r\nSubject: forwarded\r\n\r\nold mail\r\n"
            b"--outer--\r\n"
        )
        parsed = parse(raw)
        assert parsed.text == "Hello – see the log."
        assert [(a.name, a.content_type) for a in parsed.attachments] == [
            ("für dich.log", "text/plain"),
            ("attachment-2.eml", "message/rfc822"),
        ]
        assert b"forwarded" in parsed.attachments[1].data

    def test_a_message_that_is_only_an_attachment(self):
        raw = (
            b"From: alice@a.test\r\nSubject: scan\r\nMessage-ID: <s1@a.test>\r\n"
            b"MIME-Version: 1.0\r\nContent-Type: application/pdf\r\n"
            b'Content-Disposition: attachment; filename="scan.pdf"\r\n'
            b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.encodebytes(b"%PDF-1.4 scan")
        )
        parsed = parse(raw)
        assert parsed.text == ""
        assert [(a.name, a.data) for a in parsed.attachments] == [("scan.pdf", b"%PDF-1.4 scan")]

    def test_text_split_around_an_inline_picture_is_kept_whole(self):
        raw = (
            b"From: alice@a.test\r\nSubject: split\r\nMessage-ID: <p1@a.test>\r\n"
            b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="b"\r\n\r\n'
            b"--b\r\nContent-Type: text/plain\r\n\r\nBefore the picture.\r\n"
            b"--b\r\nContent-Type: image/png\r\nContent-Disposition: inline\r\n\r\nPNG\r\n"
            b"--b\r\nContent-Type: text/plain\r\n\r\nAfter the picture.\r\n--b--\r\n"
        )
        parsed = parse(raw)
        assert parsed.text == "Before the picture.\n\nAfter the picture."
        assert [a.name for a in parsed.attachments] == ["attachment-1.png"]

    def test_an_attachment_over_the_limit_is_measured_but_not_kept(self):
        raw = make_email(attachments=[("big.bin", "application/octet-stream", b"z" * 3000)])
        parsed = mime.parse(raw, attachment_max_bytes=1000)
        [attachment] = parsed.attachments
        assert (attachment.size, attachment.data, attachment.kept) == (3000, None, False)
        assert parsed.notes(1000) == [
            "[Attachment “big.bin” (2.9\xa0KB) was not kept: larger than 1000\xa0bytes.]"
        ]

    def test_control_characters_and_paths_leave_file_names(self):
        assert mime.safe_filename("..\\..\\win.ini", "text/plain", 1) == "win.ini"
        assert mime.safe_filename("a\x00b\r\nc.txt", "text/plain", 1) == "abc.txt"
        assert mime.safe_filename("", "application/pdf", 4) == "attachment-4.pdf"
        long_name = "x" * 300 + ".pdf"
        assert mime.safe_filename(long_name, "application/pdf", 1).endswith(".pdf")
        assert len(mime.safe_filename(long_name, "application/pdf", 1)) <= 200


class TestHeaders:
    def test_references_and_in_reply_to_are_read_parent_first(self):
        parsed = parse(
            make_email(
                headers={
                    "In-Reply-To": "<b@desk.test>",
                    "References": "<root@desk.test> <a@desk.test> <b@desk.test>",
                }
            )
        )
        assert parsed.referenced_ids == ["<b@desk.test>", "<a@desk.test>", "<root@desk.test>"]

    def test_ticket_numbers_in_the_subject(self):
        parsed = parse(make_email(subject="AW: Re: [inc-000123] and REQ-000200, INC-12"))
        assert parsed.ticket_numbers() == ["INC-000123", "REQ-000200"]

    def test_a_very_long_message_id_is_hashed_for_the_key(self):
        from incidents.intake.email import dedupe_key

        key = dedupe_key("<" + "x" * 400 + "@a.test>", "digest")
        assert len(key) <= 255
        assert key == dedupe_key("<" + "x" * 400 + "@a.test>", "other digest")

    def test_a_broken_from_header_does_not_crash(self):
        raw = b"From: =?broken?=<<<@@@\r\nSubject: x\r\nMessage-ID: <b1@a.test>\r\n\r\nhi\r\n"
        parsed = parse(raw)
        assert parsed.from_address == ""
        assert parsed.error == "No sender address could be read."

    @pytest.mark.parametrize(
        "raw",
        [
            b"",
            b"\x00\x01\x02" * 100,
            b"Content-Type: multipart/mixed\r\n\r\nno boundary at all",
            b'Content-Type: multipart/mixed; boundary="x"\r\n\r\n--x\r\nunterminated',
            b"From: a@b.test\r\nContent-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!",
            b"From: a@b.test\r\nDate: not a date at all\r\nSubject: \xff\xfe\r\n\r\nx",
        ],
        ids=["empty", "binary", "no-boundary", "unterminated", "bad-base64", "bad-headers"],
    )
    def test_bad_input_never_raises(self, raw):
        mime.parse(raw, attachment_max_bytes=LIMIT)


@pytest.mark.django_db
class TestCharsetsEndToEnd:
    @pytest.mark.parametrize(
        ("charset", "text", "encoding"),
        [
            ("iso-8859-1", "Grüße, der Drucker streikt", "quoted-printable"),
            ("windows-1252", "“Server” – down …", "8bit"),
            ("iso-2022-jp", "サーバーが応答しません", "7bit"),
        ],
    )
    def test_a_ticket_shows_the_text_as_written(self, ingest, alice, charset, text, encoding):
        payload = text.encode(charset)
        if encoding == "quoted-printable":
            payload = quopri.encodestring(payload)
        raw = single(charset, payload, encoding=encoding).replace(
            b"Alice <alice@a.test>", b"alice@a.test"
        )
        ingest(raw)
        assert Incident.objects.get().description == text
