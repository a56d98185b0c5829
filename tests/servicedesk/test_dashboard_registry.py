"""The dashboard's panel registry (servicedesk/dashboard.py): apps add panels once each,
shown by weight; figures format their values for the page and the CSV."""

from datetime import timedelta

import pytest

from servicedesk import dashboard
from servicedesk.dashboard import Figure, Panel, PanelFigures, Unit


def nothing(period):
    return PanelFigures([])


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(dashboard, "_panels", [])


def test_panels_show_by_weight_and_a_key_registers_once(empty_registry):
    late = Panel("late", "Late", nothing, weight=20)
    early = Panel("early", "Early", nothing, weight=10)
    also_early = Panel("also", "Also", nothing, weight=10)
    for panel in (late, early, also_early, Panel("early", "Again", nothing)):
        dashboard.register_panel(panel)
    assert dashboard.panels() == [early, also_early, late]


def test_every_app_registers_its_panel():
    assert [panel.key for panel in dashboard.panels()] == ["problems", "changes", "knowledge"]


@pytest.mark.parametrize(
    ("value", "unit", "shown", "exported"),
    [
        (None, Unit.PERCENT, "—", ""),
        (1234, Unit.COUNT, "1,234", "1234"),
        (200 / 3, Unit.PERCENT, "66.7 %", "66.7"),
        (timedelta(hours=50, minutes=5).total_seconds(), Unit.DURATION, "2 d 2 h", "50.08"),
        (timedelta(minutes=75).total_seconds(), Unit.DURATION, "1 h 15 min", "1.25"),
        (3.456, Unit.SCORE, "3.5 / 5", "3.46"),
    ],
)
def test_a_figure_is_shown_rounded_and_exported_plain(value, unit, shown, exported):
    figure = Figure("key", "Label", value, unit)
    assert (figure.shown, figure.exported) == (shown, exported)
