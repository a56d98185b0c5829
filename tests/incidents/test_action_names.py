"""Friction: the buttons and the README name each action the same way."""

from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from incidents.actions import ACTIONS

README = Path(settings.BASE_DIR, "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("action", ACTIONS, ids=lambda action: action.key)
def test_the_readme_names_each_ticket_action_as_its_button_does(action):
    with translation.override("en"):
        label = str(action.label)
    assert f"*{label}*" in README, f"README does not name the button “{label}”"
