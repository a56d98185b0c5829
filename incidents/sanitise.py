"""User text is stored as plain text; HTML from users (email bodies, pasted markup)
is reduced to safe markup with nh3 before anything shows it."""

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
