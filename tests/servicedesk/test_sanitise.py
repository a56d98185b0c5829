"""User text is kept as typed (minus NUL); user HTML is reduced to safe markup or to its
readable text before anything shows it."""

from servicedesk.sanitise import clean_html, clean_text, html_to_text


def test_plain_text_is_trimmed_and_loses_nul_bytes():
    assert clean_text("  VPN\x00 down \n") == "VPN down"
    assert clean_text(None) == ""


def test_html_keeps_harmless_markup_and_drops_scripts_handlers_and_javascript_links():
    dirty = (
        '<p onclick="x()">Hi <b>there</b><script>alert(1)</script>'
        '<a href="javascript:alert(1)">a</a> <a href="https://example.com">b</a></p>'
    )
    clean = clean_html(dirty)
    assert "<b>there</b>" in clean
    assert "script" not in clean and "onclick" not in clean and "javascript:" not in clean
    assert 'href="https://example.com"' in clean and 'rel="noopener noreferrer nofollow"' in clean


def test_html_to_text_keeps_the_readable_text_with_line_breaks():
    body = (
        "<html><head><title>t</title><style>p{}</style></head><body>"
        "<p>Dear&nbsp;desk,</p><p>the VPN &amp; mail are down.<br>Thanks</p>"
        "<script>track()</script></body></html>"
    )
    assert html_to_text(body) == "Dear desk,\nthe VPN & mail are down.\nThanks"
