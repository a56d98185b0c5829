"""A known error becomes a knowledge article in one step (problems/services/knowledge.py):
a draft prefilled from the problem, linked both ways."""

from datetime import timedelta

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from knowledge.models import Article, Visibility
from knowledge.models import Status as ArticleStatus
from problems import services
from problems.models import Problem, Status
from tests.factories import ServiceFactory, UserFactory
from tests.problems.factories import ProblemFactory
from tests.problems.roles import EVERYONE, MANAGERS

pytestmark = pytest.mark.django_db


def known_error(manager, **findings) -> Problem:
    problem = ProblemFactory.create(
        status=Status.UNDER_INVESTIGATION,
        actor=manager,
        title="VPN drops sessions after firmware 9.1",
        description="Tunnels drop every 20 minutes since the upgrade.",
        service=ServiceFactory(name="Managed network"),
    )
    return services.problem_record_known_error(problem=problem, actor=manager, **findings)


def test_a_known_error_becomes_a_prefilled_draft_linked_both_ways(problem_manager):
    problem = known_error(
        problem_manager, root_cause="DPD defaults changed", workaround="Set DPD to 30 s"
    )
    before = problem.updated_at

    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        article = services.problem_write_article(problem=problem, actor=problem_manager)

    article.refresh_from_db()
    assert article.title == "VPN drops sessions after firmware 9.1"
    assert (article.status, article.visibility) == (ArticleStatus.DRAFT, Visibility.INTERNAL)
    assert (article.service, article.author) == (problem.service, problem_manager)
    symptoms, resolution = article.body.split("## Resolution")
    assert "Tunnels drop every 20 minutes since the upgrade." in symptoms
    assert "Workaround: Set DPD to 30 s" in resolution
    assert "Root cause: DPD defaults changed" in resolution
    assert resolution.index("Workaround") < resolution.index("Root cause")
    problem.refresh_from_db()
    assert problem.article == article
    assert list(article.problems.all()) == [problem]
    assert problem.updated_at > before
    assert problem.history.first().history_change_reason == f"Article {article.number} written"
    assert article.history.get().history_change_reason == f"Written from {problem.number}"


def test_a_known_error_with_only_a_workaround_says_only_that(problem_manager):
    problem = known_error(problem_manager, workaround="Restart the agent")
    article = services.problem_write_article(problem=problem, actor=problem_manager)
    assert "Workaround: Restart the agent" in article.body
    assert "Root cause" not in article.body


def test_a_resolved_problem_still_gets_its_article(problem_manager):
    problem = ProblemFactory(status=Status.RESOLVED, actor=problem_manager)
    article = services.problem_write_article(problem=problem, actor=problem_manager)
    assert Problem.objects.get(pk=problem.pk).article == article


def test_writing_it_again_returns_the_same_article(problem_manager):
    problem = known_error(problem_manager, workaround="Restart the agent")
    first = services.problem_write_article(problem=problem, actor=problem_manager)
    entries = problem.history.count()

    again = services.problem_write_article(
        problem=Problem.objects.get(pk=problem.pk), actor=problem_manager
    )

    assert again == first
    assert Article.objects.count() == 1
    assert problem.history.count() == entries
    services.problem_resolve(problem=problem, actor=problem_manager, permanent_fix="Upgraded")
    services.problem_close(problem=problem, actor=problem_manager, override_reason="Verified")
    assert services.problem_write_article(problem=problem, actor=problem_manager) == first


@pytest.mark.parametrize(
    "status", [Status.NEW, Status.UNDER_INVESTIGATION, Status.CLOSED, Status.CANCELLED]
)
def test_only_a_known_error_becomes_an_article(problem_manager, status):
    problem = ProblemFactory(status=status, actor=problem_manager)
    with pytest.raises(ValidationError):
        services.problem_write_article(problem=problem, actor=problem_manager)
    assert not Article.objects.exists()
    problem.refresh_from_db()
    assert problem.article is None


@pytest.mark.parametrize("role", sorted(set(EVERYONE) - MANAGERS))
def test_only_a_problem_manager_writes_the_article(actors, role):
    problem = known_error(actors["problem_manager"], workaround="Restart the agent")
    with pytest.raises(PermissionDenied):
        services.problem_write_article(problem=problem, actor=actors[role])
    assert not Article.objects.exists()


def test_a_superuser_writes_the_article(problem_manager):
    problem = known_error(problem_manager, workaround="Restart the agent")
    root = UserFactory(username="root", is_superuser=True)
    assert services.problem_write_article(problem=problem, actor=root).author == root
