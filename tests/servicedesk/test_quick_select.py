"""QuickSelect draws the same <select> as Django's, without a template per option."""

import pytest
from django import forms

from servicedesk.forms import QuickModelChoiceField, QuickSelect
from tests.factories import OrganisationFactory


class Filters(forms.Form):
    kind = forms.ChoiceField(
        choices=[("", "Any"), ("G<1>", [("x", "X & <Y>"), ("y", "Y")]), ("z", 'Z"')],
        widget=QuickSelect,
        required=False,
    )


def test_values_and_labels_are_escaped_and_the_chosen_one_selected():
    html = str(Filters({"kind": "y"})["kind"])
    assert html == (
        '<select id="id_kind" name="kind"><option value="">Any</option>'
        '<optgroup label="G&lt;1&gt;"><option value="x">X &amp; &lt;Y&gt;</option>'
        '<option value="y" selected>Y</option></optgroup>'
        '<option value="z">Z&quot;</option></select>'
    )


@pytest.mark.django_db
def test_model_choices_are_read_with_plain_queries(django_assert_num_queries):
    """No server-side cursor (QuerySet.iterator()): on PostgreSQL that is three round
    trips a list."""
    first, second = OrganisationFactory(name="A<b>"), OrganisationFactory(name="C")

    class Chosen(forms.Form):
        organisation = QuickModelChoiceField(
            first.__class__.objects.order_by("name"), required=False, empty_label="Any"
        )

    form = Chosen({"organisation": second.pk})
    with django_assert_num_queries(2) as queries:  # the choices, and the chosen one
        html = str(form["organisation"])
    assert not any("CURSOR" in query["sql"] for query in queries.captured_queries)
    assert f'<option value="{first.pk}">A&lt;b&gt;</option>' in html
    assert f'<option value="{second.pk}" selected>C</option>' in html
    assert form.is_valid() and form.cleaned_data["organisation"] == second
