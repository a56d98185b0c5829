"""The demo knowledge base (knowledge/demo.py) on top of the demo's ground floor."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import demo as knowledge_demo
from knowledge.models import Article, ArticleFeedback, SearchLog, Status
from knowledge.search import search_articles
from knowledge.search.quality import fixture_articles
from servicedesk import demo


@pytest.fixture
def seeded(db):
    data = demo.DemoData(now=timezone.now().replace(second=0, microsecond=0))
    with demo.frozen_clock(data.now - timedelta(days=42)):
        demo.seed(data)
    knowledge_demo.seed(data)
    return data


def test_the_demo_articles_went_through_their_lifecycle(seeded):
    counts = {s: Article.objects.filter(status=s).count() for s in Status}
    assert counts == {
        Status.DRAFT: 2,
        Status.IN_REVIEW: 2,
        Status.PUBLISHED: len(fixture_articles()) - 5,
        Status.RETIRED: 1,
    }
    published = Article.objects.filter(status=Status.PUBLISHED)
    assert published.filter(visibility="public").exists()
    assert published.filter(visibility="internal").exists()
    assert {a.history.earliest().history_user.username for a in Article.objects.all()} == {
        "l1",
        "l2",
        "l3",
        "kb-manager",
    }
    revised = Article.objects.get(title__startswith="Renew an SSL/TLS certificate")
    assert revised.history.filter(status=Status.PUBLISHED).count() == 2
    assert Article.objects.filter(created_at__gt=seeded.now).count() == 0


def test_readers_left_feedback_uses_and_searches(seeded):
    assert ArticleFeedback.objects.count() == len(knowledge_demo.FEEDBACK)
    assert Article.objects.get(title__startswith="Reset a forgotten customer").use_count == 4
    assert SearchLog.objects.filter(result_count=0, normalised="invoice copy").count() == 2
    assert "knowledge articles" in knowledge_demo.summary(seeded)[0]


def test_the_demo_articles_are_found(seeded):
    hits = search_articles(text="pasword reset", user_can_see_internal=False).hits
    assert hits[0].article.title == "Reset a forgotten customer portal password"
