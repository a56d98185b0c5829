"""Search snippets made in Python (SQLite; PostgreSQL has ts_headline): the text is
escaped piece by piece and only the <mark> around matching words is added, so nothing of
the article's own markup can get through."""

import re
from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe

from servicedesk.search.text import Term, fold, stem, stemmer_for

_WORD = re.compile(r"[^\W_]+")
#: Words in one fragment, words of context before the first match, fragments at most.
FRAGMENT_WORDS = 30
LEAD_WORDS = 8
MAX_FRAGMENTS = 2
ELLIPSIS = "…"


def matcher(terms: Sequence[Term], language: str):
    forms = {form for term in terms for form in term.forms}
    words = {term.word for term in terms}
    seen: dict[str, bool] = {}  # a text repeats its words: each is stemmed once

    def matches(word: str) -> bool:
        if word not in seen:
            folded = fold(word)
            seen[word] = folded in words or stem(folded, stemmer_for(folded, language)) in forms
        return seen[word]

    return matches


def highlight_all(text: str, terms: Sequence[Term], language: str) -> SafeString:
    """The whole text (a title) with its matching words marked."""
    spans = list(_WORD.finditer(text))
    matches = matcher(terms, language)
    return _render(text, spans, 0, len(spans), {i for i, m in enumerate(spans) if matches(m[0])})


def snippet(text: str, terms: Sequence[Term], language: str) -> SafeString:
    """Up to two fragments of the text around its first matches, matches marked; the
    beginning of the text when nothing in it matches."""
    spans = list(_WORD.finditer(text))
    if not spans:
        return mark_safe(escape(text[:200]))
    matches = matcher(terms, language)
    hits = [i for i, m in enumerate(spans) if matches(m[0])]
    windows: list[tuple[int, int]] = []
    for hit in hits:
        if windows and hit < windows[-1][1]:
            continue
        start = max(0, hit - LEAD_WORDS)
        if windows:
            start = max(start, windows[-1][1])
        windows.append((start, min(len(spans), start + FRAGMENT_WORDS)))
        if len(windows) == MAX_FRAGMENTS:
            break
    if not windows:
        windows = [(0, min(len(spans), FRAGMENT_WORDS))]
    marked = set(hits)
    parts = [_render(text, spans, start, end, marked) for start, end in windows]
    # Each part already shows an ellipsis where it cuts the text: one between two parts.
    joined = parts[0] + "".join(f" {part.removeprefix(ELLIPSIS)}" for part in parts[1:])
    return mark_safe(joined)  # (each part escaped)


def _render(text: str, spans: list[re.Match], start: int, end: int, marked: set[int]) -> SafeString:
    if start >= end:
        return mark_safe(escape(text))
    begin = 0 if start == 0 else spans[start].start()
    finish = len(text) if end == len(spans) else spans[end - 1].end()
    out: list[str] = [ELLIPSIS if start > 0 else ""]
    position = begin
    for index in range(start, end):
        span = spans[index]
        out.append(escape(text[position : span.start()]))
        word = escape(span[0])
        out.append(f"<mark>{word}</mark>" if index in marked else word)
        position = span.end()
    out.append(escape(text[position:finish]))
    out.append(ELLIPSIS if end < len(spans) else "")
    return mark_safe("".join(out))  # (every piece of text escaped above)
