"""What the staff's search page adds to the search: looking through drafts, reviews and
retired articles, and counting the articles with every word up to a cap (on whichever
database the suite runs)."""

import pytest
from django.core.exceptions import PermissionDenied

from knowledge import services
from knowledge.models import SearchLog, Status
from knowledge.search import search_articles
from tests.knowledge.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def titles(results) -> list[str]:
    return [hit.article.title for hit in results.hits]


def test_staff_search_one_status_at_a_time():
    ArticleFactory(title="Rotate the backup keys")
    ArticleFactory(title="Rotate the signing keys", status=Status.IN_REVIEW)
    ArticleFactory(title="Rotate the API keys", status=Status.PUBLISHED)
    ArticleFactory(title="Rotate the old keys", status=Status.RETIRED)
    for status, expected in [
        (Status.DRAFT, ["Rotate the backup keys"]),
        (Status.IN_REVIEW, ["Rotate the signing keys"]),
        (Status.PUBLISHED, ["Rotate the API keys"]),
        (Status.RETIRED, ["Rotate the old keys"]),
    ]:
        results = search_articles(text="rotate keys", user_can_see_internal=True, status=status)
        assert titles(results) == expected


def test_the_matches_are_counted_up_to_the_cap():
    for n in range(5):
        ArticleFactory(title=f"Printer jam {n}", status=Status.PUBLISHED)
    ArticleFactory(title="Printer toner", status=Status.PUBLISHED, body="Replace it.")

    def total(text, **kwargs):
        return search_articles(text=text, user_can_see_internal=True, **kwargs).total

    assert total("printer jam", limit=2, count_up_to=100) == 5  # more than the page: counted
    assert total("printer jam", limit=20, count_up_to=100) == 5  # all on the page
    assert total("printer jam", limit=2, count_up_to=3) == 3
    assert total("printer jam", limit=20, count_up_to=3) == 3
    assert total("printer jam") is None  # not asked
    assert total("the", count_up_to=3) == 0  # no words to look for


def test_a_contact_searches_published_articles_only(contact_a):
    with pytest.raises(PermissionDenied):
        services.article_search(text="keys", actor=contact_a, status=Status.DRAFT)


def test_only_searches_of_published_articles_are_logged(l1):
    services.article_search(text="keys", actor=l1, status=Status.DRAFT)
    assert not SearchLog.objects.exists()
    services.article_search(text="keys", actor=l1)
    assert SearchLog.objects.count() == 1
