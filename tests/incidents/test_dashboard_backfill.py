"""Migration 0013 reads back, for tickets from before it, what the transitions keep from
then on: the deepest support line (history rows), the rejections and the first assignment
(the SLA ledger's status changes)."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from incidents import services
from incidents.models import Incident, Status
from servicedesk.models import Line
from tests.factories import SupportGroupFactory, desk_manager_user, make_incident_in

pytestmark = pytest.mark.django_db

backfill = importlib.import_module("incidents.migrations.0014_dashboard").backfill


def test_the_backfill_reads_the_line_the_rejections_and_the_first_assignment():
    manager = desk_manager_user()
    desk = SupportGroupFactory.create(line=Line.L1, members=[manager])
    operations = SupportGroupFactory.create(line=Line.L2, members=[manager])
    escalated = make_incident_in(Status.ASSIGNED, actor=manager, group=desk, assignee=manager)
    first_assigned = escalated.assigned_at
    services.incident_escalate(
        incident=escalated, to_group=operations, reason="Deeper", actor=manager
    )
    services.incident_escalate(incident=escalated, to_group=desk, reason="Back", actor=manager)
    rejected = make_incident_in(Status.REJECTED_BY_USER, actor=manager, group=desk)
    untouched = make_incident_in(Status.REGISTERED, actor=manager)
    # As a ticket from before the migration: nothing kept, the last assignment's time.
    Incident.objects.update(
        highest_line="", rejection_count=0, assigned_at=timezone.now() + timedelta(hours=1)
    )
    Incident.objects.filter(pk=untouched.pk).update(assigned_at=None)

    backfill(apps, None)

    escalated.refresh_from_db()
    rejected.refresh_from_db()
    untouched.refresh_from_db()
    assert (escalated.highest_line, escalated.rejection_count) == ("l2", 0)
    # The ledger's entry is written in the same save, microseconds later.
    assert abs(escalated.assigned_at - first_assigned) < timedelta(seconds=1)
    assert (rejected.highest_line, rejected.rejection_count) == ("l1", 1)
    assert (untouched.highest_line, untouched.rejection_count, untouched.assigned_at) == (
        "",
        0,
        None,
    )
