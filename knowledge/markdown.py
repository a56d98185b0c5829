"""Article text: Markdown rendered to HTML, then sanitised, so nothing an author types can
run in a reader's browser. Raw HTML in the Markdown is shown as text, never passed on.

Images and file links point at the article's own attachments by file name:
`![VPN settings](attachment:vpn-settings.png)`, `[the script](attachment:fix.sh)`. The
caller says where each attachment is served (`files`: name → URL); an image of anything
else, on another site included, is shown as its description only."""

import re
from collections.abc import Mapping
from urllib.parse import unquote

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt
from markdown_it.token import Token

ATTACHMENT_SCHEME = "attachment:"

ALLOWED_TAGS = {
    *("p", "br", "hr", "blockquote", "pre", "code", "em", "strong", "del", "s"),
    *("h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "a", "img"),
    *("table", "thead", "tbody", "tr", "th", "td"),
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "code": {"class"},
}
_CODE_CLASS = re.compile(r"^language-[\w+#.-]{1,40}$")


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    return md.enable(["table", "strikethrough"])


_MD = _parser()


def render(body: str, *, files: Mapping[str, str] | None = None) -> SafeString:
    """The article's text as safe HTML. `files`: attachment file name → its URL."""
    files = files or {}
    env = {"files": files}
    tokens = _MD.parse(body or "", env)
    _point_at_attachments(tokens, files)
    html = _MD.renderer.render(tokens, _MD.options, env)
    allowed_images = set(files.values())
    return mark_safe(  # (nh3 output: only the allowed tags and attributes)
        nh3.clean(
            html,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            attribute_filter=lambda tag, attr, value: _keep(tag, attr, value, allowed_images),
            url_schemes={"http", "https", "mailto"},
            link_rel="noopener noreferrer nofollow",
        )
    )


def _keep(tag: str, attribute: str, value: str, allowed_images: set[str]) -> str | None:
    if tag == "img" and attribute == "src":
        return value if value in allowed_images else None
    if tag == "code" and attribute == "class":
        return value if _CODE_CLASS.match(value) else None
    return value


def _point_at_attachments(tokens: list[Token], files: Mapping[str, str]) -> None:
    """Images and links to `attachment:name` get the attachment's URL; an image of
    anything else becomes its alternative text, a link to an unknown attachment text."""
    for token in tokens:
        if token.children:
            token.children = _rewrite_inline(token.children, files)


def _rewrite_inline(children: list[Token], files: Mapping[str, str]) -> list[Token]:
    result: list[Token] = []
    dropped_links = 0
    for token in children:
        if token.type == "image":
            url = _attachment_url(str(token.attrGet("src") or ""), files)
            if url is None:
                result.append(_text(token.content))
                continue
            token.attrSet("src", url)
        elif token.type == "link_open":
            href = str(token.attrGet("href") or "")
            if href.startswith(ATTACHMENT_SCHEME):
                url = _attachment_url(href, files)
                if url is None:
                    dropped_links += 1
                    continue
                token.attrSet("href", url)
        elif token.type == "link_close" and dropped_links:
            dropped_links -= 1
            continue
        result.append(token)
    return result


def _attachment_url(src: str, files: Mapping[str, str]) -> str | None:
    if not src.startswith(ATTACHMENT_SCHEME):
        return None
    return files.get(unquote(src[len(ATTACHMENT_SCHEME) :]))


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


_FENCE = re.compile(r"^ {0,3}(?:```|~~~).*$", re.M)
_TABLE_RULE = re.compile(r"^[ |:-]*-[ |:-]*$", re.M)
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINE_MARKS = re.compile(r"^ {0,3}(?:#{1,6} +|> ?|[-*+] +|\d{1,9}[.)] +)", re.M)
_INLINE_MARKS = re.compile(r"\*\*|__|`+|~~|(?<!\w)[*_]|[*_](?!\w)|\|")


def plain_text(body: str) -> str:
    """The readable words of the Markdown, for search snippets: text, code and image
    descriptions, without markup or link targets. A quick approximation by patterns
    (a search shows twenty snippets; parsing each would cost more than the search)."""
    text = _FENCE.sub(" ", body or "")
    text = _TABLE_RULE.sub(" ", text)
    text = _LINK.sub(r"\1", text)
    text = _LINE_MARKS.sub("", text)
    text = _INLINE_MARKS.sub(" ", text)
    return " ".join(text.split())
