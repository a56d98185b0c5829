"""The Python highlighter (SQLite's snippets): only <mark> is ever added to escaped text."""

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from servicedesk.search.highlight import highlight_all, snippet
from servicedesk.search.text import query_terms

MARKS = re.compile(r"</?mark>")


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("<>&\"' abcgatewyрест/")), max_size=200),
    query=st.sampled_from(["gateway", "script", "b", "рест", "a c"]),
)
def test_only_marks_are_added_and_the_rest_is_escaped(text, query):
    terms = query_terms(query)
    for html in (snippet(text, terms, "en"), highlight_all(text, terms, "en")):
        assert "<" not in MARKS.sub("", html)
        assert html.count("<mark>") == html.count("</mark>")


def test_fragments_around_the_matches():
    text = " ".join(f"word{n}" for n in range(100)) + " gateway " + "tail " * 50
    html = snippet(text, query_terms("gateway"), "en")
    assert html.startswith("…") and html.endswith("…")
    assert "<mark>gateway</mark>" in html
    assert "word0 " not in html


def test_the_beginning_when_nothing_in_the_text_matches():
    html = snippet("Plain text about something else.", query_terms("gateway"), "en")
    assert html == "Plain text about something else."


def test_other_forms_are_marked():
    html = highlight_all("Restoring the backups", query_terms("restore backup"), "en")
    assert html == "<mark>Restoring</mark> the <mark>backups</mark>"


def test_two_fragments_are_joined_by_one_ellipsis():
    filler = " ".join(f"word{i}" for i in range(60))
    text = f"The gateway restarted. {filler} Then the gateway answered. {filler}"
    html = snippet(text, query_terms("gateway"), "en")
    assert html.count("<mark>gateway</mark>") == 2
    assert "… …" not in html and "……" not in html
