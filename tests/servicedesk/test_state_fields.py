"""ConcurrentStateModel finds each model's state fields once (servicedesk.workflow)."""

import pytest
from django_fsm import ConcurrentTransitionMixin

from changes.models import ChangeRequest
from incidents.models import Incident
from knowledge.models import Article
from problems.models import Problem
from servicedesk.workflow import ConcurrentStateModel


@pytest.mark.parametrize("model", [Incident, Problem, ChangeRequest, Article])
def test_the_state_fields_are_django_fsms_own(model):
    record = model()
    assert isinstance(record, ConcurrentStateModel)
    assert list(record.state_fields) == list(ConcurrentTransitionMixin.state_fields.fget(record))
    assert [field.name for field in record.state_fields] == ["status"]
    assert record.state_fields is model().state_fields, "found once per model"
