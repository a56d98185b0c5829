"""The demo change management (changes/demo.py), seeded by `manage.py seed_demo` on top
of the other apps' demo data."""

from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from changes import demo as changes_demo
from changes.conflicts import conflicts_for
from changes.models import (
    CARRIED_OUT_STATUSES,
    PLANNED_STATUSES,
    Approval,
    ApprovalPolicy,
    BlackoutPeriod,
    ChangeRequest,
    ChangeType,
    Decision,
    Outcome,
    Rule,
    StandardChangeTemplate,
    Status,
)
from problems.models import Status as ProblemStatus
from servicedesk import demo


def seed() -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="class")
def seeded(django_db_setup, django_db_blocker):
    """Seeded once for the class with the after-commit side effects, inside a transaction
    rolled back afterwards; each test runs in a savepoint of it."""
    with django_db_blocker.unblock(), transaction.atomic():
        # The roles and priority matrix a data migration puts in, which the flush after an
        # earlier transactional test in the same process removed.
        migration = import_module("servicedesk.migrations.0002_roles_and_priority_matrix")
        migration.create_roles_and_matrix(django_apps, None)
        with TestCase.captureOnCommitCallbacks(execute=True):
            output = seed()
        yield output
        transaction.set_rollback(True)


def who_did(reason: str) -> set[str]:
    rows = ChangeRequest.history.filter(history_change_reason__startswith=reason)
    return {row.history_user.username for row in rows.select_related("history_user")}


@pytest.mark.usefixtures("seeded", "db")
class TestDemoChanges:
    def test_there_are_changes_in_every_state(self):
        assert set(ChangeRequest.objects.values_list("status", flat=True)) == set(Status.values)

    def test_the_policies_send_normal_changes_to_both_cab_members_and_emergencies_to_either(
        self,
    ):
        normal = ApprovalPolicy.objects.get(change_type=ChangeType.NORMAL)
        emergency = ApprovalPolicy.objects.get(change_type=ChangeType.EMERGENCY)
        for policy in (normal, emergency):
            assert set(policy.approvers.values_list("username", flat=True)) == {"cab1", "cab2"}
        assert (normal.rule, emergency.rule) == (Rule.ALL, Rule.ANY)

    def test_the_cab_has_changes_waiting_for_both_and_one_already_approved_by_cab1(self):
        waiting = Approval.objects.filter(change__status=Status.CAB_REVIEW)
        pending = {}
        for approval in waiting.select_related("change", "approver"):
            if approval.round == approval.change.approval_round and approval.is_pending:
                pending.setdefault(approval.change.number, set()).add(approval.approver.username)
        assert {"cab1", "cab2"} in pending.values()
        half = waiting.get(approver__username="cab1", decision=Decision.APPROVED).change
        assert pending[half.number] == {"cab2"}

    def test_a_conflict_and_a_blackout_wait_for_the_cab(self):
        found = [
            conflict
            for change in ChangeRequest.objects.filter(status=Status.CAB_REVIEW)
            for conflict in conflicts_for(change)
        ]
        clashes = [c for c in found if c.change is not None]
        assert any(c.change.status == Status.CAB_REVIEW and c.services for c in clashes)
        assert any(c.is_blackout and not c.everywhere for c in found)

    def test_there_is_a_blackout_on_some_services_and_one_on_all_of_them(self):
        covered = [b.services.count() for b in BlackoutPeriod.objects.all()]
        assert 0 in covered
        assert any(count > 0 for count in covered)
        assert all(b.starts_at > timezone.now() for b in BlackoutPeriod.objects.all())

    def test_standard_changes_come_from_templates_and_are_approved_on_submission(self):
        templates = StandardChangeTemplate.objects.filter(is_active=True)
        assert templates.count() >= 3
        assert all(template.services.exists() for template in templates)
        standard = ChangeRequest.objects.filter(change_type=ChangeType.STANDARD)
        assert standard.exclude(template__isnull=False).count() == 0
        submitted = standard.exclude(status=Status.DRAFT)
        assert submitted.exists()
        assert not Approval.objects.filter(change__in=submitted).exists()
        assert all(change.submitted_at == change.decided_at for change in submitted)

    def test_a_scheduled_change_tells_the_customers(self):
        assert ChangeRequest.objects.filter(status=Status.SCHEDULED, notify_customers=True)

    def test_an_emergency_change_closed_with_its_review(self):
        emergency = ChangeRequest.objects.get(
            change_type=ChangeType.EMERGENCY, status=Status.CLOSED
        )
        assert emergency.review and emergency.review_outcome in Outcome.values
        assert emergency.problems.exists() and emergency.incidents.exists()

    def test_an_implemented_change_fixes_a_known_error_the_problem_manager_can_resolve(self):
        implemented = ChangeRequest.objects.get(status=Status.IMPLEMENTED)
        assert implemented.problems.filter(status=ProblemStatus.KNOWN_ERROR).exists()
        assert ChangeRequest.objects.filter(problems__isnull=False).distinct().count() >= 4
        assert ChangeRequest.objects.filter(incidents__isnull=False).distinct().count() >= 8

    def test_carried_out_changes_are_in_the_past_and_planned_ones_ahead(self):
        now = timezone.now()
        for change in ChangeRequest.objects.filter(status__in=CARRIED_OUT_STATUSES):
            assert change.planned_start <= change.started_at < now, change.number
        ahead = ChangeRequest.objects.filter(status__in=PLANNED_STATUSES).exclude(
            status=Status.IMPLEMENTING
        )
        assert ahead.exists()
        assert all(change.planned_start > now for change in ahead)
        assert ChangeRequest.objects.get(status=Status.IMPLEMENTING).is_within_window()

    def test_engineers_raise_and_carry_out_the_change_manager_runs_the_pipeline(self):
        assert who_did("Raised") == {"l1", "l2", "l3"}
        assert who_did("Implementation started") | who_did("Implemented") <= {"l2", "l3"}
        for reason in ("Assessment started", "Sent to the CAB", "Scheduled", "Closed"):
            assert who_did(reason) == {"change-manager"}, reason
        deciders = Approval.objects.exclude(decision=Decision.PENDING)
        assert set(deciders.values_list("approver__username", flat=True)) == {"cab1", "cab2"}
        assert deciders.filter(decision=Decision.REJECTED).exclude(comment="").exists()

    def test_milestones_follow_each_other_and_the_history_ends_before_now(self):
        for change in ChangeRequest.objects.all():
            milestones = [
                change.created_at,
                change.submitted_at,
                change.decided_at,
                change.scheduled_at,
                change.started_at,
                change.finished_at,
                change.closed_at,
            ]
            reached = [moment for moment in milestones if moment is not None]
            assert reached == sorted(reached), change.number
        assert ChangeRequest.history.latest("history_date").history_date <= timezone.now()
        by_raising = list(ChangeRequest.objects.order_by("created_at").values_list("pk", flat=True))
        assert by_raising == sorted(by_raising)

    def test_the_summary_names_the_changes_in_each_state(self, seeded):
        line = next(line for line in seeded.splitlines() if " changes: " in line)
        assert "3 closed" in line
        assert "in CAB review with a conflict" in line
        assert "standard change templates" in seeded

    def test_seeding_again_changes_nothing(self):
        counts = (
            ChangeRequest.objects.count(),
            Approval.objects.count(),
            StandardChangeTemplate.objects.count(),
            BlackoutPeriod.objects.count(),
        )

        assert "already there" in seed()
        changes_demo.seed(demo.DemoData(now=timezone.now()))

        assert (
            ChangeRequest.objects.count(),
            Approval.objects.count(),
            StandardChangeTemplate.objects.count(),
            BlackoutPeriod.objects.count(),
        ) == counts
