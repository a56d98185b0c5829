"""The article lifecycle per role: who may take which step from which status. The
article is written by l2 (its author); only knowledge managers publish and retire."""

from collections.abc import Callable

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django_fsm import TransitionNotAllowed

from knowledge import services
from knowledge.exceptions import StaleArticle
from knowledge.models import Article, Status
from tests.factories import UserFactory
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db

STAFF = [
    "l1",
    "l2",
    "l3",
    "desk_manager",
    "problem_manager",
    "change_manager",
    "cab_member",
    "kb_manager",
]
EVERYONE = [*STAFF, "contact_a", "outsider"]

# (step, from status, to status, who may)
TABLE = [
    ("submit", Status.DRAFT, Status.IN_REVIEW, set(STAFF)),
    ("publish", Status.IN_REVIEW, Status.PUBLISHED, {"kb_manager"}),
    ("send_back", Status.IN_REVIEW, Status.DRAFT, {"kb_manager", "l2"}),
    ("retire", Status.PUBLISHED, Status.RETIRED, {"kb_manager"}),
    ("new_revision", Status.PUBLISHED, Status.DRAFT, {"kb_manager", "l2"}),
    ("new_revision", Status.RETIRED, Status.DRAFT, {"kb_manager", "l2"}),
]
SERVICES: dict[str, Callable[..., Article]] = {
    "submit": services.article_submit,
    "publish": services.article_publish,
    "send_back": services.article_send_back,
    "retire": services.article_retire,
    "new_revision": services.article_new_revision,
}
CASES = [
    pytest.param(step, source, target, role, role in allowed, id=f"{step}-{source}-{role}")
    for step, source, target, allowed in TABLE
    for role in EVERYONE
]


def take(step: str, article, actor, **kwargs):
    if step == "send_back":
        kwargs.setdefault("reason", "Add the error message.")
    return SERVICES[step](article=article, actor=actor, **kwargs)


@pytest.mark.parametrize(("step", "source", "target", "role", "may"), CASES)
def test_who_may_take_each_step(actors, step, source, target, role, may):
    article = ArticleFactory(status=source, author=actors["l2"])
    actor = actors[role]

    if may:
        take(step, article, actor)
        article.refresh_from_db()
        assert article.status == target
        latest = article.history.first()
        assert latest.history_user == actor
    else:
        with pytest.raises(PermissionDenied):
            take(step, article, actor)
        article.refresh_from_db()
        assert article.status == source


@pytest.mark.parametrize(("step", "source", "target", "allowed"), TABLE)
def test_a_superuser_may_take_every_step(step, source, target, allowed):
    root = UserFactory(username="root", is_superuser=True)
    article = ArticleFactory(status=source)
    take(step, article, root)
    assert article.status == target


@pytest.mark.parametrize(
    ("step", "wrong_source"),
    [
        ("submit", Status.PUBLISHED),
        ("publish", Status.DRAFT),
        ("publish", Status.RETIRED),
        ("send_back", Status.PUBLISHED),
        ("retire", Status.IN_REVIEW),
        ("new_revision", Status.DRAFT),
        ("new_revision", Status.IN_REVIEW),
    ],
)
def test_a_step_from_the_wrong_status_is_refused_even_for_a_knowledge_manager(
    kb_manager, step, wrong_source
):
    article = ArticleFactory(status=wrong_source)
    with pytest.raises(TransitionNotAllowed):
        take(step, article, kb_manager)


def test_the_available_steps_follow_the_table(actors):
    article = ArticleFactory(status=Status.IN_REVIEW, author=actors["l2"])
    assert services.available_transitions(article, actors["kb_manager"]) == [
        "publish",
        "send_back",
    ]
    assert services.available_transitions(article, actors["l2"]) == ["send_back"]
    assert services.available_transitions(article, actors["l1"]) == []
    assert services.available_transitions(article, actors["contact_a"]) == []


def test_publishing_stamps_publication_and_review(kb_manager):
    article = ArticleFactory(status=Status.IN_REVIEW)
    services.article_publish(article=article, actor=kb_manager)
    assert article.published_at is not None
    assert article.reviewed_at == article.published_at


def test_sending_back_needs_a_reason_which_the_history_keeps(kb_manager):
    article = ArticleFactory(status=Status.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.article_send_back(article=article, reason="  ", actor=kb_manager)
    services.article_send_back(article=article, reason="Add a screenshot.", actor=kb_manager)
    assert article.history.first().history_change_reason == "Add a screenshot."


def test_an_empty_draft_cannot_go_to_review(l1):
    article = ArticleFactory(body="", author=l1)
    with pytest.raises(ValidationError):
        services.article_submit(article=article, actor=l1)
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_a_step_on_a_version_someone_else_changed_is_refused(kb_manager):
    article = ArticleFactory(status=Status.IN_REVIEW)
    seen = article.version
    services.article_update(
        article=article, title="Changed meanwhile", actor=kb_manager, expected_version=seen
    )
    with pytest.raises(StaleArticle):
        services.article_publish(article=article, actor=kb_manager, expected_version=seen)


def test_every_step_leaves_a_revision_with_its_reason(kb_manager, l2):
    article = ArticleFactory(status=Status.PUBLISHED, author=l2)
    reasons = [r.history_change_reason for r in article.history.order_by("history_id")]
    assert reasons == ["Created", "Submitted for review", "Published"]
    assert [r.status for r in article.history.order_by("history_id")] == [
        Status.DRAFT,
        Status.IN_REVIEW,
        Status.PUBLISHED,
    ]


def test_status_cannot_be_assigned_directly(published):
    with pytest.raises(AttributeError):
        published.status = Status.DRAFT


def test_each_step_is_announced_once_committed(kb_manager, django_capture_on_commit_callbacks):
    from knowledge.signals import article_status_changed

    heard = []

    def listen(sender, article, source, target, actor, reason, **kwargs):
        heard.append((article.number, source, target, actor, reason))

    article_status_changed.connect(listen)
    try:
        article = ArticleFactory(status=Status.IN_REVIEW)
        with django_capture_on_commit_callbacks(execute=True):
            services.article_publish(article=article, actor=kb_manager, reason="Looks good")
    finally:
        article_status_changed.disconnect(listen)
    assert heard == [(article.number, Status.IN_REVIEW, Status.PUBLISHED, kb_manager, "Looks good")]
