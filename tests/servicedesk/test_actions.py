"""servicedesk.actions: an app's buttons, listed once."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from servicedesk.actions import ActionSet, RecordAction
from servicedesk.forms import VersionedForm


class Step(RecordAction):
    form_class = VersionedForm

    def __init__(self, key, transition):
        self.key, self.transition, self.label = key, transition, key

    def run(self, record, actor, data):
        return record


def test_a_user_gets_the_buttons_of_the_transitions_available_in_the_sets_order():
    first, second, third = Step("a", "go"), Step("b", "stop"), Step("c", "go")
    buttons = ActionSet(first, second, third, available=lambda record, user: ["stop", "go"])
    assert buttons.for_user(object(), object()) == [first, second, third]
    assert ActionSet(first, second, available=lambda r, u: ["stop"]).for_user(None, None) == [
        second
    ]
    assert buttons.named("b") is second and buttons.named("z") is None
    assert list(buttons) == [first, second, third]


def test_two_buttons_with_one_key_are_refused_when_the_set_is_made():
    with pytest.raises(ImproperlyConfigured, match="share a key"):
        ActionSet(Step("a", "go"), Step("a", "stop"), available=lambda record, user: [])
