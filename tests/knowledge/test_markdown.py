"""Article text is Markdown rendered and sanitised: nothing an author types runs in a
reader's browser, images come only from the article's own attachments."""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.markdown import plain_text, render

FILES = {"net map.png": "/kb/files/1/", "fix.sh": "/kb/files/2/"}

XSS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](vbscript:msgbox(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.test"></iframe>',
    "<svg/onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "<!-- <script>alert(1)</script> -->",
    '[a](https://x.test "title" onclick="alert(1)")',
    '```html" onmouseover="alert(1)\ncode\n```',
    "<math><mi xlink:href=javascript:alert(1)>x</mi></math>",
    "<style>body{display:none}</style>",
    "<form action=https://evil.test><input name=password></form>",
]
DANGEROUS = ["<script", "<iframe", "<svg", "<style", "<form", "<input", "<div", "<math"]


@pytest.mark.parametrize("payload", XSS)
def test_no_payload_survives(payload):
    html = str(render(f"Before\n\n{payload}\n\nafter", files=FILES)).lower()
    tags = _tags(html)  # escaped text may mention anything; real tags may not
    for tag in DANGEROUS:
        assert tag not in tags, html
    for attribute in (" on", "style=", "javascript:", "vbscript:", "data:"):
        assert attribute not in tags.replace(' rel="noopener', ""), html


def _tags(html: str) -> str:
    """The real tags of the HTML, attributes included, one after the other."""
    return " ".join(re.findall(r"<[a-z][^>]*>", html))


def test_raw_html_is_shown_as_text():
    html = render("Use <b>bold</b> here")
    assert "&lt;b&gt;bold&lt;/b&gt;" in html


def test_code_blocks_tables_and_lists_are_kept():
    html = render("```python\nprint('<x>')\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n1. one\n")
    assert '<pre><code class="language-python">' in html
    assert "&lt;x&gt;" in html
    assert "<table>" in html and "<td>1</td>" in html
    assert "<ol>" in html


def test_a_code_class_that_is_not_a_language_name_is_dropped():
    html = render('```x" onclick="y\ncode\n```')
    assert "onclick" not in _tags(html)


def test_images_come_from_the_articles_attachments_only():
    html = render(
        "![map](attachment:net%20map.png) ![ext](https://evil.test/t.png) "
        "![other](attachment:other.png)",
        files=FILES,
    )
    assert '<img src="/kb/files/1/" alt="map">' in html
    assert "evil.test" not in html
    assert html.count("<img") == 1
    assert "ext" in html and "other" in html  # their descriptions stay, as text


def test_links_to_attachments_and_the_web():
    html = render("[script](attachment:fix.sh) [gone](attachment:gone.sh) [web](https://x.test)")
    assert html.count("<a ") == 1  # no files given: attachment links become text
    html = render("[script](attachment:fix.sh) [web](https://x.test)", files=FILES)
    assert 'href="/kb/files/2/"' in html
    assert 'rel="noopener noreferrer nofollow"' in html


def test_plain_text_drops_markup_and_link_targets():
    text = plain_text(
        "## Steps\n\n1. Open **the portal** [here](https://x.test)\n\n```\nls -l\n```"
    )
    assert text == "Steps Open the portal here ls -l"


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("<>&\"'=/ abcjs:![]()`*#\n")), max_size=80))
def test_any_text_renders_without_a_script_or_handler(text):
    html = str(render(text, files=FILES)).lower()
    tags = _tags(html)
    assert "<script" not in tags
    assert " on" not in tags.replace(' rel="noopener', "")
    assert "javascript:" not in tags
