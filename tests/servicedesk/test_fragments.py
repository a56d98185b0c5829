"""Rows kept in the cache by what they show (servicedesk.fragments)."""

from dataclasses import dataclass
from typing import Any

import pytest
from django import forms
from django.http import QueryDict
from django.template import engines
from django.utils import translation

from servicedesk import fragments
from servicedesk.models import Organisation
from tests.factories import OrganisationFactory


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


# ----- a form kept by what it shows ---------------------------------------------------------


class Filter(forms.Form):
    organisation = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), required=False
    )
    colour = forms.ChoiceField(choices=[("", "Any"), ("red", "Red")], required=False)
    day = forms.DateField(required=False)


FIELDS = "{% for field in form %}{{ field }}{{ field.errors }}{% endfor %}"


@pytest.fixture
def form_template(monkeypatch):
    drawn = []
    template = engines["django"].from_string(FIELDS)

    class Counting:
        def render(self, context, request=None):
            drawn.append(context["form"].data.urlencode())
            return template.render(context, request)

    monkeypatch.setattr(fragments, "get_template", lambda name: Counting())
    return drawn


@pytest.mark.django_db
def test_a_form_is_drawn_once_per_data_and_choices(form_template, django_assert_num_queries):
    first = OrganisationFactory(name="Acme")
    with django_assert_num_queries(1):  # the organisations, read once for key and drawing
        html = fragments.render_form(Filter(QueryDict("colour=red")), "f.html")
    assert 'value="red" selected' in html and "Acme" in html
    assert fragments.render_form(Filter(QueryDict("colour=red")), "f.html") == html
    assert form_template == ["colour=red"]

    chosen = fragments.render_form(Filter(QueryDict(f"organisation={first.pk}")), "f.html")
    assert f'value="{first.pk}" selected' in chosen
    OrganisationFactory(name="Zenith")
    again = fragments.render_form(Filter(QueryDict("colour=red")), "f.html")
    assert "Zenith" in again, "a new choice is drawn at once"
    assert form_template == ["colour=red", f"organisation={first.pk}", "colour=red"]


@pytest.mark.django_db
def test_a_form_keeps_what_was_typed_and_shows_its_errors(form_template):
    html = fragments.render_form(Filter(QueryDict("day=31.02.")), "f.html")
    assert 'value="31.02."' in html
    assert "Enter a valid date." in html
    with translation.override("de"):
        german = fragments.render_form(Filter(QueryDict("day=31.02.")), "f.html")
    assert "Gib ein gültiges Datum ein." in german or "gültiges Datum" in german
    assert len(form_template) == 2
