"""The platform's SVG chart geometry (servicedesk/charts.py) and its templates: what any
app's figures draw with."""

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from servicedesk import charts


class TestBarChart:
    def test_only_values_above_zero_are_written_unless_zeros_are_asked_for(self):
        columns = [("a", [("x", 3, "three"), ("y", 0, "zero"), ("z", None, "none")])]

        plain = charts.bar_chart(columns).columns[0].bars
        with_zeros = charts.bar_chart(columns, zeros=True).columns[0].bars

        assert [bar.text for bar in plain] == ["3", "", "·"]
        assert [bar.text for bar in with_zeros] == ["3", "0", "·"]

    def test_narrower_bars_make_a_narrower_chart(self):
        columns = [(str(n), [("x", n, ""), ("y", 1, "")]) for n in range(12)]
        wide, narrow = charts.bar_chart(columns), charts.bar_chart(columns, bar=8)
        assert narrow.width < wide.width
        assert all(bar.width == 8 for column in narrow.columns for bar in column.bars)

    def test_an_empty_chart_has_no_columns_a_baseline_and_a_width(self):
        chart = charts.bar_chart([], height=100)
        assert chart.columns == [] and chart.baseline == 100 - charts.BOTTOM
        assert chart.width > 0


class TestShareBar:
    def test_each_part_is_as_wide_as_its_share_and_empty_parts_take_no_room(self):
        bar = charts.share_bar(
            [("ok", 6, "6 ok"), ("failed", 0, ""), ("back", 2, "2 back")], width=200
        )
        assert [(s.series, s.x, s.width) for s in bar.segments] == [
            ("ok", 0, 150),
            ("back", 150, 50),
        ]
        assert bar.total == 8

    def test_nothing_to_share_draws_an_empty_track(self):
        bar = charts.share_bar([("ok", 0, ""), ("failed", None, "")])
        assert bar.segments == [] and bar.total == 0


@pytest.mark.parametrize("language", ["en", "de"])
def test_the_templates_write_plain_numbers_whatever_the_language(language):
    chart = charts.bar_chart([("a", [("x", 5, "five"), ("y", 2, "two")])], height=101)
    share = charts.share_bar([("ok", 1, "one"), ("failed", 2, "two")], width=100)
    with translation.override(language):
        svg = render_to_string(
            "components/bar_chart.html",
            {"chart": chart, "labelledby": "t", "describedby": "d", "size": "small"},
        ) + render_to_string(
            "components/share_bar.html", {"bar": share, "labelledby": "t", "describedby": ""}
        )
    assert 'class="chart small"' in svg and 'aria-describedby="d"' in svg
    assert "<title>five</title>" in svg and ">5</text>" in svg
    assert 'width="33.333333333333336"' in svg  # not "33,33…"
    assert svg.count('aria-describedby="') == 1
