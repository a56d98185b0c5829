"""Article numbers and versions."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from knowledge import services
from knowledge.models import Article, ArticleSequence, Status
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_articles_are_numbered_in_order_from_kb_000001(l1):
    first = ArticleFactory(author=l1)
    second = ArticleFactory(author=l1)
    assert first.number == "KB-000001"
    assert second.number == "KB-000002"


def test_a_number_is_never_reused_after_a_delete(l1):
    first = ArticleFactory(author=l1)
    first.delete()
    assert ArticleFactory(author=l1).number == "KB-000002"


def test_an_article_saved_outside_the_services_is_numbered_too():
    article = Article.objects.create(title="Written in a shell", body="Text")
    assert article.number == "KB-000001"
    assert ArticleSequence.objects.get(name="article").last_value == 1


def test_every_save_bumps_the_version(l1):
    article = ArticleFactory(author=l1)
    assert article.version == 1
    services.article_update(article=article, title="Better title", actor=l1, expected_version=1)
    assert article.version == 2
    article.refresh_from_db()
    assert (article.version, article.title) == (2, "Better title")


def test_a_lifecycle_step_saves_only_its_own_fields(l1, kb_manager):
    article = ArticleFactory(author=l1, status=Status.IN_REVIEW)
    with CaptureQueriesContext(connection) as queries:
        services.article_publish(article=article, actor=kb_manager)
    updates = [q["sql"] for q in queries if q["sql"].startswith('UPDATE "knowledge_article"')]
    assert len(updates) == 1
    assert '"body"' not in updates[0]
    assert '"status"' in updates[0]


def test_counting_a_use_does_not_make_open_forms_stale(published, l1):
    services.article_record_use(article=published, actor=l1)
    services.article_record_use(article=published, actor=l1)
    version = published.version
    published.refresh_from_db()
    assert published.use_count == 2
    assert published.version == version
    assert published.history.count() == 3  # created, submitted, published: no use rows
