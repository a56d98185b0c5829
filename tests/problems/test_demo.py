"""The demo problems (problems/demo.py), seeded by `manage.py seed_demo` on top of the
other apps' demo data."""

from datetime import timedelta
from importlib import import_module
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils import timezone

from incidents.models import Incident, Kind
from knowledge.models import Status as ArticleStatus
from problems import demo as problems_demo
from problems.models import Cause, Problem, ProblemIncident, Status, TimelineEvent, Why
from servicedesk import demo

ENGINEERS = {"l2", "l3"}


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


def usernames(rows) -> set[str]:
    return {row.history.earliest().history_user.username for row in rows}


@pytest.mark.usefixtures("seeded", "db")
class TestDemoProblems:
    def test_there_are_problems_in_every_state(self):
        assert set(Problem.objects.values_list("status", flat=True)) == set(Status.values)

    def test_every_problem_has_its_rca(self):
        for problem in Problem.objects.all():
            positions = list(problem.whys.values_list("position", flat=True))
            categories = set(problem.causes.values_list("category", flat=True))
            assert positions == list(range(1, len(positions) + 1)) != [], problem.number
            assert len(categories) >= 2, problem.number
            assert problem.events.exists(), problem.number
            if problem.status != Status.NEW:
                assert problem.causes.filter(confirmed=True).exists(), problem.number
        finished = Problem.objects.filter(status__in=[Status.KNOWN_ERROR, Status.CLOSED])
        assert all(problem.whys.count() == 5 for problem in finished)

    def test_the_engineers_wrote_the_rca_and_the_problem_manager_ran_the_lifecycle(self):
        assert usernames(Why.objects.all()) == ENGINEERS
        investigated = Cause.objects.exclude(problem__status=Status.NEW)
        assert usernames(investigated) == ENGINEERS
        assert usernames(TimelineEvent.objects.exclude(problem__status=Status.NEW)) <= ENGINEERS
        assert Cause.history.filter(history_change_reason="Ruled out").exists()
        lifecycle = Problem.history.exclude(history_change_reason="Findings updated")
        assert {row.history_user.username for row in lifecycle} == {"problem-manager"}
        assert set(Problem.objects.values_list("owner__username", flat=True)) == {"problem-manager"}

    def test_every_problem_explains_demo_incidents_some_linked_by_l1(self):
        for problem in Problem.objects.all():
            assert problem.incident_links.exists(), problem.number
        linked = Incident.objects.filter(problem_link__isnull=False)
        assert set(linked.values_list("kind", flat=True)) == {Kind.INCIDENT}
        by_l1 = ProblemIncident.objects.filter(linked_by__username="l1")
        assert by_l1.filter(problem__status=Status.KNOWN_ERROR).exists()

    def test_a_known_error_has_a_published_article_linked_both_ways(self):
        problem = Problem.objects.get(
            status=Status.KNOWN_ERROR, article__status=ArticleStatus.PUBLISHED
        )
        article = problem.article
        assert list(article.problems.all()) == [problem]
        assert problem.workaround in article.body
        publisher = article.history.filter(status=ArticleStatus.PUBLISHED).earliest()
        assert publisher.history_user.username == "kb-manager"
        assert problem.known_error_at < article.published_at < timezone.now()

    def test_milestones_follow_each_other_and_the_history_ends_before_now(self):
        for problem in Problem.objects.all():
            milestones = [
                problem.created_at,
                problem.investigation_started_at,
                problem.known_error_at,
                problem.resolved_at,
                problem.closed_at,
            ]
            reached = [moment for moment in milestones if moment is not None]
            assert reached == sorted(reached), problem.number
        last = Problem.history.latest("history_date").history_date
        assert last <= timezone.now()
        by_opening = list(Problem.objects.order_by("created_at").values_list("pk", flat=True))
        assert by_opening == sorted(by_opening)

    def test_the_closed_problem_was_fixed_weeks_before_it_closed(self):
        closed = Problem.objects.get(status=Status.CLOSED)
        assert closed.closed_at - closed.resolved_at >= timedelta(days=28)

    def test_recurring_incidents_are_left_for_pattern_detection(self):
        """The NFS share's faults: three or more in the last 7 days, more in the last 30,
        none of them linked to a problem and no problem on the share."""
        now = timezone.now()
        unlinked = Incident.objects.filter(
            kind=Kind.INCIDENT,
            configuration_item__name="NFS share nw-nfs-01",
            category="error",
            problem_link__isnull=True,
        )
        assert unlinked.filter(registered_at__gte=now - timedelta(days=7)).count() >= 3
        assert unlinked.filter(registered_at__gte=now - timedelta(days=30)).count() >= 4
        assert not Problem.objects.filter(configuration_item__name="NFS share nw-nfs-01")

    def test_the_summary_names_the_problems_in_each_state(self, seeded):
        line = next(line for line in seeded.splitlines() if "problems:" in line)
        assert "1 closed" in line
        assert "with a published article" in line

    def test_seeding_again_changes_nothing(self):
        problems, links, whys = (
            Problem.objects.count(),
            ProblemIncident.objects.count(),
            Why.objects.count(),
        )

        assert "already there" in seed()
        problems_demo.seed(demo.DemoData(now=timezone.now()))

        assert Problem.objects.count() == problems
        assert ProblemIncident.objects.count() == links
        assert Why.objects.count() == whys
