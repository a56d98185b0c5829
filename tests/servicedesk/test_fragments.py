"""Rows kept in the cache by what they show (servicedesk.fragments)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django.template import engines
from django.utils import translation

from servicedesk import fragments


@dataclass
class Row:
    name: str
    fragment_key: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        self.fragment_key = (self.name,)


@pytest.fixture
def row_template(monkeypatch):
    """A row template that counts how often it is drawn."""
    drawn = []
    template = engines["django"].from_string(
        "{% load i18n %}<li>{{ t.name }}{% if flag %}!{% endif %} {% translate 'Yes' %}</li>"
    )

    class Counting:
        def render(self, context, request=None):
            drawn.append(context["t"].name)
            return template.render(context, request)

    monkeypatch.setattr(fragments, "get_template", lambda name: Counting())
    return drawn


def test_rows_come_out_in_order_escaped_and_each_is_drawn_once(row_template):
    rows = [Row("a"), Row("<b>"), Row("a")]
    html = fragments.render_rows(rows, "row.html")
    assert html == "<li>a Yes</li><li>&lt;b&gt; Yes</li><li>a Yes</li>"
    assert row_template == ["a", "<b>"]

    assert fragments.render_rows(rows, "row.html") == html
    assert row_template == ["a", "<b>"], "drawn again although nothing it shows changed"


def test_a_row_whose_key_changed_is_drawn_anew(row_template):
    fragments.render_rows([Row("a"), Row("b")], "row.html")
    assert fragments.render_rows([Row("a"), Row("c")], "row.html") == (
        "<li>a Yes</li><li>c Yes</li>"
    )
    assert row_template == ["a", "b", "c"]


def test_the_page_switches_and_the_language_are_part_of_the_key(row_template):
    fragments.render_rows([Row("a")], "row.html")
    assert fragments.render_rows([Row("a")], "row.html", {"flag": "1"}) == "<li>a! Yes</li>"
    with translation.override("de"):
        assert fragments.render_rows([Row("a")], "row.html") == "<li>a Ja</li>"
    assert row_template == ["a", "a", "a"]


def test_no_rows_asks_the_cache_nothing(row_template, monkeypatch):
    class Refusing:
        def get_many(self, keys):
            raise AssertionError("asked the cache")

    monkeypatch.setattr(fragments, "cache", Refusing())
    assert fragments.render_rows([], "row.html") == ""
