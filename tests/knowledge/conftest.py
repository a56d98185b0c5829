import pytest

from knowledge.models import Status
from tests.knowledge.factories import ArticleFactory


@pytest.fixture
def published(db, l2):
    """A published internal article written by l2."""
    return ArticleFactory(status=Status.PUBLISHED, author=l2, title="Restart the VPN gateway")


@pytest.fixture
def public_article(db, l2):
    return ArticleFactory(
        status=Status.PUBLISHED,
        author=l2,
        visibility="public",
        title="Reset a forgotten portal password",
        body="Click *Forgot your password?* on the sign-in page.",
    )
