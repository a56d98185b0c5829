"""User text is stored as plain text; HTML from users (email bodies, pasted markup)
is reduced to safe markup with nh3 before anything shows it."""

import html
import re

import nh3

ALLOWED_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "pre",
    "code",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "td",
    "th",
}


def clean_text(value: str) -> str:
    """Plain text as typed, trimmed; NUL bytes (which PostgreSQL refuses) removed."""
    return (value or "").replace("\x00", "").strip()


def clean_html(value: str) -> str:
    """Markup safe to show: no scripts, event handlers or javascript: links."""
    return nh3.clean(
        value or "",
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


_BLOCK_END = re.compile(
    r"<\s*(?:br|hr|/p|/div|/li|/tr|/h[1-6]|/blockquote|/pre|/table|/ul|/ol)\b[^>]*>", re.I
)
_BLANK_RUNS = re.compile(r"\n{3,}")


def html_to_text(value: str) -> str:
    """The readable text of an HTML body (an email's), as plain text: every tag dropped,
    script and style contents with them, entities decoded, block ends as line breaks."""
    marked = _BLOCK_END.sub("\n", value or "")
    stripped = nh3.clean(
        marked, tags=set(), clean_content_tags={"script", "style", "title", "head"}
    )
    text = html.unescape(stripped).replace("\xa0", " ")
    lines = [" ".join(line.split()) for line in text.splitlines()]
    return clean_text(_BLANK_RUNS.sub("\n\n", "\n".join(lines)))
